"""Route progression: which step comes next, and who holds it when it is reached.

These functions read and write our own route rows only. The viewflow flow
(flows.py) calls them from its gates and hooks; the services call them directly.
A ``RouteState`` (the locked document and its current round's steps) is loaded once
per action and shared with the flow callbacks, so one approval costs a bounded number
of queries whatever the route length.
"""

from __future__ import annotations

import datetime
from itertools import groupby

from django.utils import timezone

from directory.org import VacantPostError
from intranet.core.dates import add_business_days

from . import ledger, messages
from .models import DelegationRule, Document, LedgerEntry, Participant, RouteStep
from .routing import resolve_holder


class RouteState:
    """The (locked) document and its current round's steps."""

    def __init__(
        self,
        document: Document,
        steps: list[RouteStep] | None = None,
        *,
        planned: dict[int, tuple] | None = None,
    ):
        self.document = document
        # At submission the route was resolved a moment ago in this same transaction:
        # the first step reached takes its planned holder (person, seal's section)
        # instead of asking the directory again.
        self.fresh_plan = planned is not None
        self.planned = planned or {}
        if steps is None:
            steps = list(
                RouteStep.objects.filter(document=document, round=document.round)
                .select_related("assignee", "post", "unit")
                .order_by("position", "pk")
            )
        for step in steps:
            step.document = document
        self.steps = steps

    def step(self, pk) -> RouteStep | None:
        for step in self.steps:
            if step.pk == pk:
                return step
        return None

    def add(self, step: RouteStep) -> None:
        step.document = self.document
        self.steps.append(step)

    @property
    def main_steps(self) -> list[RouteStep]:
        return [step for step in self.steps if step.kind in RouteStep.MAIN_KINDS]

    def groups(self) -> list[list[RouteStep]]:
        """Main-line steps grouped by position (a consultation stage is one group)."""
        ordered = sorted(self.main_steps, key=lambda step: (step.position, step.pk))
        return [
            list(group)
            for _position, group in groupby(ordered, key=lambda s: s.position)
        ]

    def current_group(self) -> list[RouteStep]:
        """The first group not yet settled (empty when the main line is done)."""
        for group in self.groups():
            if is_consultation(group):
                if not consultation_satisfied(self.document, group):
                    return group
            elif group[0].status not in RouteStep.SETTLED:
                return group
        return []

    def open_steps(self) -> list[RouteStep]:
        return [step for step in self.steps if step.status in RouteStep.OPEN]


def is_consultation(group: list[RouteStep]) -> bool:
    return bool(group) and group[0].kind == RouteStep.Kind.CONSULTATION


def consultation_satisfied(document: Document, group: list[RouteStep]) -> bool:
    """Enough consulted sections agreed (all / any / N, per the document's policy)."""
    approved = sum(1 for step in group if step.status == RouteStep.Status.APPROVED)
    excused = sum(1 for step in group if step.status == RouteStep.Status.NOT_NEEDED)
    policy = document.consultation_policy
    if policy == DelegationRule.ConsultationPolicy.ANY:
        required = 1
    elif policy == DelegationRule.ConsultationPolicy.COUNT:
        required = document.consultation_quorum
    else:
        required = len(group)
    required = min(required, len(group) - excused)
    return approved >= required and (approved > 0 or len(group) == excused)


def consultation_stage_settled(document: Document, group: list[RouteStep]) -> bool:
    """The Join's condition: continue (cancelling the rest) once the stage is decided.

    It is decided when enough sections agreed, or when one returned or rejected the
    document, or the stage was reset by a return to an earlier step or a pull-back.
    """
    if document.state != Document.State.IN_PROGRESS:
        return True
    if any(step.status == RouteStep.Status.WAITING for step in group):
        return True
    return consultation_satisfied(document, group)


def add_participants(document: Document, people: list[tuple[int | None, str]]) -> None:
    rows = [
        Participant(document_id=document.pk, person_id=person_id, role=role)
        for person_id, role in people
        if person_id
    ]
    if rows:
        Participant.objects.bulk_create(rows, ignore_conflicts=True)


def due_date_for(document: Document, day: datetime.date) -> datetime.date:
    days = document.rule.step_due_days if document.rule_id else 3
    return add_business_days(day, days)


def activate(state: RouteState, step: RouteStep, day: datetime.date) -> None:
    """Reach ``step``: resolve its holder now (unless already named), or mark it
    BLOCKED and tell the administrators when the post is vacant."""
    document = state.document
    if step.assignee_id is None and state.fresh_plan and step.pk in state.planned:
        step.assignee, step.acted_unit_name = state.planned[step.pk]
    elif step.assignee_id is None:
        try:
            holder = resolve_holder(step, day)
        except VacantPostError as error:
            was_blocked = step.status == RouteStep.Status.BLOCKED
            step.status = RouteStep.Status.BLOCKED
            step.reached_at = step.reached_at or timezone.now()
            step.save(update_fields=["status", "reached_at"])
            if not was_blocked:
                ledger.append(
                    document=document,
                    action=LedgerEntry.Action.ROUTE_BLOCKED,
                    from_step=step.label,
                    data={"step": step.pk, "unit": step.unit_id, "post": step.post_id},
                )
                messages.route_blocked(step, error)
            return
        step.assignee = holder.person
        step.acted_unit_name = holder.unit.seal_name
    step.status = RouteStep.Status.ACTIVE
    step.reached_at = timezone.now()
    step.due_date = due_date_for(document, day)
    step.reminded_at = None
    step.escalation_level = 0
    step.save(
        update_fields=[
            "assignee",
            "acted_unit_name",
            "status",
            "reached_at",
            "due_date",
            "reminded_at",
            "escalation_level",
        ]
    )
    add_participants(document, [(step.assignee_id, Participant.Role.ROUTE)])


def reach_next(state: RouteState, day: datetime.date | None = None) -> None:
    """Advance the main line to its first unsettled group and activate it."""
    day = day or timezone.localdate()
    document = state.document
    if document.state != Document.State.IN_PROGRESS:
        return
    for group in state.groups():
        if is_consultation(group):
            if consultation_satisfied(document, group):
                for step in group:
                    if step.status in RouteStep.OPEN:
                        # Quorum reached: the Join cancelled the remaining tasks.
                        step.status = RouteStep.Status.NOT_NEEDED
                        step.task = None
                        step.save(update_fields=["status", "task"])
                continue
            for step in group:
                if step.status == RouteStep.Status.WAITING or (
                    step.status == RouteStep.Status.BLOCKED and step.task_id is None
                ):
                    activate(state, step, day)
            return
        step = group[0]
        if step.status in RouteStep.SETTLED:
            continue
        if step.status == RouteStep.Status.WAITING or (
            step.status == RouteStep.Status.BLOCKED and step.task_id is None
        ):
            activate(state, step, day)
        return


def current_single_step(state: RouteState) -> RouteStep | None:
    group = state.current_group()
    if len(group) == 1 and not is_consultation(group):
        return group[0]
    return None


def side_steps_due(state: RouteState, kind: str) -> list[RouteStep]:
    """供覧 / 後閲 items that should get their task now."""
    document = state.document
    due = []
    for step in state.steps:
        if step.kind != kind or step.status != RouteStep.Status.WAITING or step.task_id:
            continue
        if step.assignee_id is None:
            continue
        if kind == RouteStep.Kind.CIRCULATION:
            before = step.timing == "before"
            if before and document.state not in (
                Document.State.IN_PROGRESS,
                Document.State.DECIDED,
            ):
                continue
            if not before and document.state != Document.State.DECIDED:
                continue
        due.append(step)
    return due


def reset_from(
    state: RouteState, position: int, *, keep_assignee_at: int | None = None
):
    """Put every main-line step at or after ``position`` back to WAITING (差戻し,
    引戻し). Holders are resolved again when reached, except at ``keep_assignee_at``
    (a pull-back returns the step to the person who pulled it back)."""
    for step in state.main_steps:
        if step.position < position:
            continue
        keep = keep_assignee_at is not None and step.position == keep_assignee_at
        step.status = RouteStep.Status.WAITING
        step.task = None
        step.acted_by = step.on_behalf_of = step.acted_at = None
        step.capacity = step.comment = step.acted_unit_name = ""
        step.due_date = step.reached_at = step.reminded_at = None
        step.escalation_level = 0
        if not keep:
            step.assignee = None
        step.save()
