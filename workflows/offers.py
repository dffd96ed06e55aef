"""What someone may do on a document now, and doing it.

``available_actions`` is the one place that decides which actions the document page
and the API offer a person (approve, return, reject, acknowledge, skip_absent,
pull_back, withdraw); the services check again when the action is carried out.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from . import access, services
from .models import Document, RouteStep

Capacity = RouteStep.Capacity


def route_steps(document: Document) -> list[RouteStep]:
    """The current round's steps in route order, with the people they name."""
    return list(
        RouteStep.objects.filter(document=document, round=document.round)
        .select_related(
            "assignee", "acted_by", "on_behalf_of", "planned_assignee", "unit", "post"
        )
        .order_by("position", "pk")
    )


def available_actions(user, document: Document, steps: list[RouteStep]) -> list[dict]:
    """The buttons the document page offers ``user`` (the services check again)."""
    actions = []
    today = timezone.localdate()
    delegations = access.active_delegations(user, today)
    is_author = access.is_author(user, document)
    for step in steps:
        if step.status != RouteStep.Status.ACTIVE:
            continue
        step.document = document
        if step.kind in RouteStep.SIDE_KINDS:
            if step.assignee_id == user.pk:
                label = (
                    _("後閲しました")
                    if step.kind == RouteStep.Kind.POST_REVIEW
                    else _("確認しました（供覧）")
                )
                actions.append(
                    {"name": "acknowledge", "label": label, "step": step, "style": "ok"}
                )
            continue
        capacity = access.capacity_for(user, step, day=today, delegations=delegations)
        if capacity is None:
            continue
        if step.kind == RouteStep.Kind.DECISION:
            approve_label = (
                _("代決する") if capacity == Capacity.DEPUTY else _("決裁する")
            )
        elif step.kind == RouteStep.Kind.CONSULTATION:
            approve_label = _("同意する")
        else:
            approve_label = _("承認する")
        actions += [
            {
                "name": "approve",
                "label": approve_label,
                "step": step,
                "style": "ok",
                "capacity": capacity,
            },
            {
                "name": "return",
                "label": _("差し戻す"),
                "step": step,
                "style": "secondary",
            },
            {"name": "reject", "label": _("却下する"), "step": step, "style": "danger"},
        ]
    if document.state == Document.State.IN_PROGRESS:
        current = [s for s in steps if s.status in RouteStep.OPEN and s.is_main]
        for step in current:
            if (
                step.kind == RouteStep.Kind.APPROVAL
                and step.status == RouteStep.Status.ACTIVE
                and step.assignee_id != user.pk
                and step.assignee.is_absent_on(today)
                and (
                    is_author
                    or access.is_approval_admin(user)
                    or _is_next_holder(user, step, steps)
                )
            ):
                actions.append(
                    {
                        "name": "skip_absent",
                        "label": _("不在のため後閲にして先へ回す"),
                        "step": step,
                        "style": "secondary",
                    }
                )
        acted = [s for s in steps if s.is_main and s.status in RouteStep.SETTLED]
        if current and all(s.status in RouteStep.OPEN for s in current):
            before = [s for s in acted if s.position < current[0].position]
            last = max(before, key=lambda s: s.position, default=None)
            if (is_author and not acted) or (
                last is not None
                and last.status == RouteStep.Status.APPROVED
                and last.kind != RouteStep.Kind.CONSULTATION
                and user.pk in (last.acted_by_id, last.assignee_id)
            ):
                actions.append(
                    {
                        "name": "pull_back",
                        "label": _("引き戻す"),
                        "step": None,
                        "style": "secondary",
                    }
                )
    if is_author and document.state in (
        Document.State.IN_PROGRESS,
        Document.State.RETURNED,
    ):
        actions.append(
            {
                "name": "withdraw",
                "label": _("取り下げる"),
                "step": None,
                "style": "danger",
            }
        )
    return actions


def _is_next_holder(user, step, steps) -> bool:
    later = [s for s in steps if s.is_main and s.position > step.position]
    if not later:
        return False
    first = later[0].position
    return any(s.planned_assignee_id == user.pk for s in later if s.position == first)


def return_targets(steps: list[RouteStep], step: RouteStep) -> list[RouteStep]:
    """The earlier steps a 差戻し from ``step`` may go back to (besides the applicant)."""
    return [
        s
        for s in steps
        if s.is_main
        and s.kind != RouteStep.Kind.CONSULTATION
        and s.position < step.position
        and s.status in RouteStep.SETTLED
    ]


def carry_out(user, document, chosen, data):
    """Carry out an action ``available_actions`` offered, with the form's ``data``
    (comment, version, to_step); the service checks everything again."""
    step = chosen["step"]
    comment = data.get("comment") or ""
    version = data.get("version")
    name = chosen["name"]
    if name == "approve":
        services.approve(step=step, by=user, comment=comment, expected_version=version)
    elif name == "return":
        target = data.get("to_step") or None
        services.return_document(
            step=step,
            by=user,
            comment=comment,
            to_step=target,
            expected_version=version,
        )
    elif name == "reject":
        services.reject(step=step, by=user, comment=comment, expected_version=version)
    elif name == "acknowledge":
        services.acknowledge(step=step, by=user, comment=comment)
    elif name == "skip_absent":
        services.skip_absent_step(
            step=step, by=user, comment=comment, expected_version=version
        )
    elif name == "pull_back":
        services.pull_back(
            document=document, by=user, comment=comment, expected_version=version
        )
    elif name == "withdraw":
        services.withdraw(
            document=document, by=user, comment=comment, expected_version=version
        )
