"""Actions on a submitted document: each checks who may act, takes the document
lock, records the step, appends to the ledger, drives the flow and notifies.

Two people acting on one task at once: both wait for the document lock; the second
finds the step no longer open and gets ``Conflict`` — nothing of theirs is applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Person
from directory.org import VacantPostError

from .. import access, engine, flows, integrity, ledger, messages, signing
from ..errors import ApprovalError, Conflict, NotAllowed
from ..models import Document, LedgerEntry, Participant, RouteStep
from ..numbering import assign_number
from ..routing import resolve_assignee
from .common import (
    check_version,
    load_state,
    lock_document,
    locked_step,
    refresh_search_text,
    touch,
)

Status = RouteStep.Status
Capacity = RouteStep.Capacity


def _seal_unit_name(person: Person) -> str:
    membership = person.primary_membership()
    return membership.unit.seal_name if membership else ""


def _record(step: RouteStep, *, by: Person, capacity: str, status: str, comment: str):
    step.status = status
    step.acted_by = by
    step.on_behalf_of = step.assignee if capacity != Capacity.SELF else None
    step.capacity = capacity
    step.acted_at = timezone.now()
    step.comment = comment
    if by.pk != step.assignee_id or not step.acted_unit_name:
        # The holder's section was noted when the step was reached.
        step.acted_unit_name = _seal_unit_name(by)
        engine.add_participants(step.document, [(by.pk, Participant.Role.ROUTE)])
    step.save()


def _open_main_step(state, step, by):
    """The step, if it is open for ``by`` to act on now; else Conflict / NotAllowed."""
    step = locked_step(state, step)
    if (
        state.document.state != Document.State.IN_PROGRESS
        or step.status != Status.ACTIVE
    ):
        raise Conflict()
    if step.kind not in RouteStep.MAIN_KINDS:
        raise NotAllowed()
    capacity = access.capacity_for(by, step)
    if capacity is None:
        raise NotAllowed()
    task = flows.open_task(step.task_id) if step.task_id else None
    if task is None:
        raise Conflict()
    return step, capacity, task


def _next_label(state) -> str:
    group = state.current_group()
    return "・".join(step.label for step in group)


def _require(comment: str, what: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ApprovalError(_("%(what)sの理由を入力してください。") % {"what": what})
    return comment


def _authors(document: Document) -> list[Person]:
    people = [document.applicant]
    if document.filer_id != document.applicant_id:
        people.append(document.filer)
    return people


def _finish(document: Document, *fields: str) -> None:
    touch(document, *fields)
    messages.status_changed(document)


@transaction.atomic
def approve(
    *,
    step: RouteStep,
    by: Person,
    comment: str = "",
    expected_version: int | None = None,
) -> Document:
    """承認 (回議), 同意 (合議) or 決裁 — or 代決 when ``by`` is the absent decider's
    registered deputy. A decision numbers the document and makes it read-only."""
    document = lock_document(step.document_id)
    check_version(document, expected_version)
    state = load_state(document)
    step, capacity, task = _open_main_step(state, step, by)
    _record(
        step, by=by, capacity=capacity, status=Status.APPROVED, comment=comment.strip()
    )
    if step.kind == RouteStep.Kind.DECISION:
        _decide(state, step, by=by, capacity=capacity)
        action = (
            LedgerEntry.Action.DECIDE_ON_BEHALF
            if capacity == Capacity.DEPUTY
            else LedgerEntry.Action.DECIDE
        )
        to_step = ""
    else:
        action = (
            LedgerEntry.Action.AGREE
            if step.kind == RouteStep.Kind.CONSULTATION
            else LedgerEntry.Action.APPROVE
        )
        to_step = _next_label(state)
    ledger.append(
        document=document,
        action=action,
        actor=by,
        on_behalf_of=step.on_behalf_of,
        from_step=step.label,
        to_step=to_step,
        comment=step.comment,
        data=_decision_data(document) if step.kind == RouteStep.Kind.DECISION else {},
    )
    flows.complete_task(state, task)
    _finish(
        document,
        *(_DECISION_FIELDS if document.state == Document.State.DECIDED else ()),
    )
    if document.state == Document.State.DECIDED:
        transaction.on_commit(partial(signing.sign_after_decision, document.pk))
        acted = [s.acted_by for s in state.main_steps if s.acted_by_id]
        messages.decided(document, by=by, recipients=[*_authors(document), *acted])
    return document


_DECISION_FIELDS = (
    "state",
    "decided_at",
    "closed_at",
    "number_series",
    "fiscal_year",
    "number",
    "number_label",
    "search_text",
)


def _decision_data(document: Document) -> dict:
    return {
        "number": document.number_label,
        "fiscal_year": document.fiscal_year,
        "content": document.content_digest(),
        "record": integrity.record_digest(document),
    }


def decide_on_behalf(
    *,
    step: RouteStep,
    by: Person,
    comment: str = "",
    expected_version: int | None = None,
) -> Document:
    """代決: only for a registered deputy of a decider who is absent today."""
    if access.capacity_for(by, step) != Capacity.DEPUTY:
        raise NotAllowed(
            _("代決できるのは、決裁権者が不在のときの登録された代決者だけです。")
        )
    return approve(step=step, by=by, comment=comment, expected_version=expected_version)


def _decide(state, step: RouteStep, *, by: Person, capacity: str) -> None:
    document = state.document
    today = timezone.localdate()
    document.state = Document.State.DECIDED
    document.decided_at = document.closed_at = timezone.now()
    assign_number(document, today)
    refresh_search_text(document)
    readers = []
    for side in state.steps:
        if side.kind == RouteStep.Kind.CIRCULATION and side.status == Status.WAITING:
            if side.assignee_id is None:
                try:
                    side.assignee = resolve_assignee(side, today)
                except VacantPostError:
                    side.status = Status.NOT_NEEDED
                    side.save(update_fields=["status"])
                    continue
                side.save(update_fields=["assignee"])
            readers.append((side.assignee_id, Participant.Role.CIRCULATION))
    engine.add_participants(document, readers)
    if capacity == Capacity.DEPUTY:
        _add_post_review(state, step, reviewer=step.assignee)


def _add_post_review(state, step: RouteStep, *, reviewer: Person) -> RouteStep:
    review = RouteStep.objects.create(
        document=state.document,
        round=state.document.round,
        kind=RouteStep.Kind.POST_REVIEW,
        position=step.position,
        label=_("後閲（%(step)s）") % {"step": step.label},
        post=step.post,
        unit=step.unit,
        planned_assignee=reviewer,
        assignee=reviewer,
        reviewed_step=step,
    )
    state.add(review)
    return review


@transaction.atomic
def return_document(
    *,
    step: RouteStep,
    by: Person,
    comment: str,
    to_step: RouteStep | None = None,
    expected_version: int | None = None,
) -> Document:
    """差戻し to the applicant (``to_step`` None) or to an earlier step of the route,
    which the route then resumes from."""
    comment = _require(comment, _("差戻し"))
    document = lock_document(step.document_id)
    check_version(document, expected_version)
    state = load_state(document)
    step, capacity, task = _open_main_step(state, step, by)
    if to_step is not None:
        target = state.step(to_step.pk if isinstance(to_step, RouteStep) else to_step)
        if (
            target is None
            or target.kind == RouteStep.Kind.CONSULTATION
            or target.position >= step.position
            or target.status not in RouteStep.SETTLED
        ):
            raise ApprovalError(
                _("差戻し先には、この段階より前の処理済みの段階を選んでください。")
            )
    else:
        target = None
    _record(step, by=by, capacity=capacity, status=Status.RETURNED, comment=comment)
    ledger.append(
        document=document,
        action=LedgerEntry.Action.RETURN,
        actor=by,
        on_behalf_of=step.on_behalf_of,
        from_step=step.label,
        to_step=target.label if target else _("起案者"),
        comment=comment,
    )
    if target is None:
        document.state = Document.State.RETURNED
        for other in state.open_steps():
            if other.is_main and other.pk != step.pk:
                other.status = Status.CANCELLED
                other.save(update_fields=["status"])
        flows.complete_task(state, task)
        _finish(document, "state")
        messages.returned(document, to=_authors(document), by=by, comment=comment)
    else:
        returned_to = target.acted_by
        engine.reset_from(state, target.position)
        flows.complete_task(state, task)
        _finish(document)
        messages.returned(
            document,
            to=[p for p in (returned_to, target.assignee, *_authors(document)) if p],
            by=by,
            comment=comment,
        )
    return document


def _cancel_open_circulation(state) -> None:
    for side in state.steps:
        if side.kind != RouteStep.Kind.CIRCULATION or side.status not in (
            Status.WAITING,
            Status.ACTIVE,
        ):
            continue
        if side.task_id and (task := flows.open_task(side.task_id)) is not None:
            flows.cancel_task(state, task)
        side.status = Status.CANCELLED
        side.save(update_fields=["status"])


@transaction.atomic
def reject(
    *, step: RouteStep, by: Person, comment: str, expected_version: int | None = None
) -> Document:
    """却下: the document ends here."""
    comment = _require(comment, _("却下"))
    document = lock_document(step.document_id)
    check_version(document, expected_version)
    state = load_state(document)
    step, capacity, task = _open_main_step(state, step, by)
    _record(step, by=by, capacity=capacity, status=Status.REJECTED, comment=comment)
    document.state = Document.State.REJECTED
    document.closed_at = timezone.now()
    for other in state.open_steps():
        if other.is_main and other.pk != step.pk:
            other.status = Status.CANCELLED
            other.save(update_fields=["status"])
    _cancel_open_circulation(state)
    ledger.append(
        document=document,
        action=LedgerEntry.Action.REJECT,
        actor=by,
        on_behalf_of=step.on_behalf_of,
        from_step=step.label,
        comment=comment,
    )
    flows.complete_task(state, task)
    _finish(document, "state", "closed_at")
    messages.rejected(document, by=by, comment=comment, recipients=_authors(document))
    return document


def _open_tasks_of(group: list[RouteStep]):
    for member in group:
        if member.task_id and (task := flows.open_task(member.task_id)) is not None:
            return task
    return None


@transaction.atomic
def pull_back(
    *,
    document: Document,
    by: Person,
    comment: str = "",
    expected_version: int | None = None,
) -> Document:
    """引戻し. The applicant (or filer) takes the document back before anyone on the
    route has acted; an approver takes their own step back before the next person
    has acted."""
    document = lock_document(document)
    check_version(document, expected_version)
    if document.state != Document.State.IN_PROGRESS:
        raise Conflict()
    state = load_state(document)
    group = state.current_group()
    if not group or any(step.status not in RouteStep.OPEN for step in group):
        raise Conflict(_("次の担当者がすでに処理を始めているため、引き戻せません。"))
    task = _open_tasks_of(group)
    if task is None:
        raise Conflict()
    acted = [step for step in state.main_steps if step.status in RouteStep.SETTLED]
    holders = [step.assignee for step in group if step.assignee_id]
    if access.is_author(by, document) and not acted:
        document.state = Document.State.RETURNED
        for step in group:
            step.status = Status.CANCELLED
            step.save(update_fields=["status"])
        ledger.append(
            document=document,
            action=LedgerEntry.Action.PULL_BACK,
            actor=by,
            from_step="・".join(step.label for step in group),
            to_step=_("起案者"),
            comment=comment,
        )
        flows.complete_task(state, task)
        _finish(document, "state")
    else:
        previous = max(
            (s for s in acted if s.position < group[0].position),
            key=lambda s: s.position,
            default=None,
        )
        if (
            previous is None
            or previous.kind == RouteStep.Kind.CONSULTATION
            or previous.status != Status.APPROVED
            or by.pk not in (previous.acted_by_id, previous.assignee_id)
        ):
            raise NotAllowed(_("引き戻せるのは、起案者か直前に承認した本人だけです。"))
        ledger.append(
            document=document,
            action=LedgerEntry.Action.PULL_BACK,
            actor=by,
            from_step="・".join(step.label for step in group),
            to_step=previous.label,
            comment=comment,
        )
        puller = previous.acted_by
        engine.reset_from(state, previous.position, keep_assignee_at=previous.position)
        previous.assignee = puller
        previous.save(update_fields=["assignee"])
        flows.complete_task(state, task)
        _finish(document)
    messages.withdrawn(document, by=by, recipients=holders, pulled_back=True)
    return document


@transaction.atomic
def withdraw(
    *,
    document: Document,
    by: Person,
    comment: str = "",
    expected_version: int | None = None,
) -> Document:
    """取下げ: the applicant withdraws the document entirely."""
    document = lock_document(document)
    check_version(document, expected_version)
    if not access.is_author(by, document):
        raise NotAllowed()
    if document.state not in (Document.State.IN_PROGRESS, Document.State.RETURNED):
        raise Conflict()
    state = load_state(document)
    holders = [step.assignee for step in state.open_steps() if step.assignee_id]
    for step in state.steps:
        if step.status in (*RouteStep.OPEN, Status.WAITING):
            step.status = Status.CANCELLED
            step.save(update_fields=["status"])
    document.state = Document.State.WITHDRAWN
    document.closed_at = timezone.now()
    ledger.append(
        document=document,
        action=LedgerEntry.Action.WITHDRAW,
        actor=by,
        comment=comment,
    )
    flows.cancel_process(state)
    _finish(document, "state", "closed_at")
    messages.withdrawn(document, by=by, recipients=holders)
    return document


@transaction.atomic
def acknowledge(*, step: RouteStep, by: Person, comment: str = "") -> Document:
    """供覧 (read and acknowledged) or 後閲 (reviewed afterwards)."""
    document = lock_document(step.document_id)
    state = load_state(document)
    found = state.step(step.pk)
    if found is None:
        found = RouteStep.objects.filter(pk=step.pk, document=document).first()
        if found is None:
            raise Conflict()
        state.add(found)
    step = found
    if step.kind not in RouteStep.SIDE_KINDS:
        raise NotAllowed()
    if step.status != Status.ACTIVE:
        raise Conflict()
    if step.assignee_id != by.pk:
        raise NotAllowed()
    task = flows.open_task(step.task_id) if step.task_id else None
    if task is None:
        raise Conflict()
    _record(
        step,
        by=by,
        capacity=Capacity.SELF,
        status=Status.ACKNOWLEDGED,
        comment=comment.strip(),
    )
    ledger.append(
        document=document,
        action=LedgerEntry.Action.POST_REVIEW
        if step.kind == RouteStep.Kind.POST_REVIEW
        else LedgerEntry.Action.ACKNOWLEDGE,
        actor=by,
        from_step=step.label,
        comment=step.comment,
    )
    flows.complete_task(state, task)
    _finish(document)
    return document


@transaction.atomic
def skip_absent_step(
    *,
    step: RouteStep,
    by: Person,
    comment: str = "",
    expected_version: int | None = None,
) -> Document:
    """An absent intermediate approver is passed over; they review it afterwards (後閲).

    Who may: the applicant or filer, the next step's holder, or an approval
    administrator. The decision step is never skipped (that is 代決).
    """
    document = lock_document(step.document_id)
    check_version(document, expected_version)
    state = load_state(document)
    step = locked_step(state, step)
    if document.state != Document.State.IN_PROGRESS or step.status != Status.ACTIVE:
        raise Conflict()
    if step.kind != RouteStep.Kind.APPROVAL:
        raise NotAllowed(
            _("飛ばせるのは途中の回議の段階だけです（決裁権者の不在は代決）。")
        )
    today = timezone.localdate()
    if not step.assignee.is_absent_on(today):
        raise NotAllowed(
            _("%(name)s さんは本日不在ではありません。") % {"name": step.assignee}
        )
    later = [s for s in state.main_steps if s.position > step.position]
    next_people = (
        {s.planned_assignee_id for s in later if s.position == later[0].position}
        if later
        else set()
    )
    if not (
        access.is_author(by, document)
        or by.pk in next_people
        or access.is_approval_admin(by)
    ):
        raise NotAllowed()
    task = flows.open_task(step.task_id) if step.task_id else None
    if task is None:
        raise Conflict()
    absent = step.assignee
    step.status = Status.SKIPPED
    step.acted_by = by
    step.acted_at = timezone.now()
    step.comment = comment.strip()
    step.save(update_fields=["status", "acted_by", "acted_at", "comment"])
    _add_post_review(state, step, reviewer=absent)
    ledger.append(
        document=document,
        action=LedgerEntry.Action.SKIP_ABSENT,
        actor=by,
        on_behalf_of=absent,
        from_step=step.label,
        to_step=_next_label(state),
        comment=step.comment,
    )
    flows.complete_task(state, task)
    _finish(document)
    return document


def _admin_only(by: Person) -> None:
    if not access.is_approval_admin(by):
        raise NotAllowed()


def _admin_step(state, step: RouteStep) -> RouteStep:
    """The step, locked, if it is stuck: administrators act on nothing else (not on a
    step that is simply waiting, whatever document it belongs to)."""
    step = locked_step(state, step)
    if (
        state.document.state != Document.State.IN_PROGRESS
        or step.status not in RouteStep.OPEN
    ):
        raise Conflict()
    if not RouteStep.objects.stuck(timezone.localdate()).filter(pk=step.pk).exists():
        raise NotAllowed(
            _(
                "管理者が操作できるのは、止まっている段階（在任者なし・処理期限超過）"
                "だけです。"
            )
        )
    return step


@transaction.atomic
def reassign_step(*, step: RouteStep, to: Person, by: Person, reason: str) -> Document:
    """An administrator hands a stuck (vacant or overdue) step to a named person,
    never herself, the applicant or the filer. Logged; the applicant and the former
    holder are told."""
    _admin_only(by)
    reason = _require(reason, _("担当者の変更"))
    if not to.is_active:
        raise ApprovalError(_("在職中の職員を選んでください。"))
    if to.pk == by.pk:
        raise NotAllowed(_("ご自身を処理者に指定することはできません。"))
    document = lock_document(step.document_id)
    if access.is_author(to, document):
        raise NotAllowed(
            _("起案者（代理起案者を含む）を処理者に指定することはできません。")
        )
    state = load_state(document)
    step = _admin_step(state, step)
    task = flows.open_task(step.task_id) if step.task_id else None
    if task is None:
        raise Conflict()
    previous = step.assignee
    ledger.append(
        document=document,
        action=LedgerEntry.Action.REASSIGN,
        actor=by,
        from_step=step.label,
        to_step=step.label,
        comment=reason,
        data={"from": previous.pk if previous else None, "to": to.pk},
    )
    if step.status == Status.ACTIVE:
        step.assignee = to
        step.save(update_fields=["assignee"])
        flows.reassign_task(task, to)
        engine.add_participants(document, [(to.pk, Participant.Role.ROUTE)])
        messages.task_assigned(step)
    else:
        step.assignee = to
        step.task = None
        engine.activate(state, step, timezone.localdate())
        flows.complete_task(state, task)
    messages.reassigned(step, former=previous, by=by, reason=reason)
    _finish(document)
    return document


@transaction.atomic
def retry_step(*, step: RouteStep, by: Person) -> Document:
    """Look the vacant post up again (after the directory was fixed)."""
    _admin_only(by)
    document = lock_document(step.document_id)
    state = load_state(document)
    step = _admin_step(state, step)
    if step.status != Status.BLOCKED:
        raise Conflict()
    try:
        resolve_assignee(step)
    except VacantPostError:
        raise ApprovalError(
            _("まだ在任者がいません。担当者を指定してください。")
        ) from None
    task = flows.open_task(step.task_id) if step.task_id else None
    if task is None:
        raise Conflict()
    step.task = None
    engine.activate(state, step, timezone.localdate())
    flows.complete_task(state, task)
    _finish(document)
    return document


@transaction.atomic
def skip_vacant_step(*, step: RouteStep, by: Person, reason: str) -> Document:
    """An administrator drops a vacant 回議/合議 step from the route. Logged."""
    _admin_only(by)
    reason = _require(reason, _("段階の省略"))
    document = lock_document(step.document_id)
    state = load_state(document)
    step = _admin_step(state, step)
    if step.status != Status.BLOCKED or step.kind == RouteStep.Kind.DECISION:
        raise NotAllowed(_("省略できるのは在任者のいない回議・合議の段階だけです。"))
    task = flows.open_task(step.task_id) if step.task_id else None
    if task is None:
        raise Conflict()
    step.status = Status.NOT_NEEDED
    step.task = None
    step.acted_by = by
    step.capacity = Capacity.ADMIN
    step.acted_at = timezone.now()
    step.comment = reason
    step.save()
    ledger.append(
        document=document,
        action=LedgerEntry.Action.SKIP_STEP,
        actor=by,
        from_step=step.label,
        comment=reason,
    )
    flows.complete_task(state, task)
    _finish(document)
    return document


@dataclass
class BulkResult:
    step_id: int
    document: Document | None
    ok: bool
    message: str
    label: str = ""


def bulk_approve(
    *, steps: list[RouteStep], by: Person, comment: str = ""
) -> list[BulkResult]:
    """Approve several routine (定型) documents; each in its own transaction, each
    with its own result. Non-routine documents are refused item by item."""
    results = []
    for step in steps:
        document = step.document
        if not document.document_type.is_routine:
            results.append(
                BulkResult(
                    step.pk,
                    document,
                    False,
                    _("定型の文書ではないため、個別に確認してください。"),
                )
            )
            continue
        try:
            approve(step=step, by=by, comment=comment)
        except ApprovalError as error:
            results.append(BulkResult(step.pk, document, False, str(error)))
        else:
            results.append(
                BulkResult(
                    step.pk,
                    document,
                    True,
                    _("%(action)sしました。") % {"action": step.action_noun},
                    step.action_noun,
                )
            )
    return results
