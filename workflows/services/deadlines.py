"""Deadlines in business days: reminders before the due date, escalation after it.

Run daily (and safely more often): ``manage.py approval_deadlines`` or the django-tasks
task ``workflows.tasks.check_approval_deadlines``. Each step is reminded once, and
escalated once per level: level 1 to the approver's nearest superior on the first
business day past the due date, level 2 to the next superior after another period.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from directory.org import superiors
from intranet.core.dates import add_business_days, business_days_between

from .. import ledger, messages
from ..models import Document, LedgerEntry, RouteStep
from .common import lock_document


@dataclass
class DeadlineRun:
    reminded: int = 0
    escalated: int = 0


def _escalation_level(step: RouteStep, today: datetime.date) -> int:
    late = business_days_between(step.due_date, today)
    if late <= 0:
        return 0
    interval = step.document.rule.step_due_days if step.document.rule_id else 3
    return 1 + (late - 1) // max(interval, 1)


def process_deadlines(*, today: datetime.date | None = None) -> DeadlineRun:
    today = today or timezone.localdate()
    run = DeadlineRun()
    candidates = (
        RouteStep.objects.filter(
            status=RouteStep.Status.ACTIVE,
            kind__in=RouteStep.MAIN_KINDS,
            due_date__isnull=False,
            document__state=Document.State.IN_PROGRESS,
        )
        .filter(due_date__lte=add_business_days(today, 1))
        .values_list("pk", flat=True)
    )
    for step_id in list(candidates):
        with transaction.atomic():
            step = RouteStep.objects.filter(pk=step_id).first()
            if step is None:
                continue
            document = lock_document(step.document_id)
            step = (
                RouteStep.objects.select_related("assignee")
                .filter(pk=step_id, status=RouteStep.Status.ACTIVE)
                .first()
            )
            if step is None or document.state != Document.State.IN_PROGRESS:
                continue
            step.document = document
            if step.reminded_at is None and today <= step.due_date:
                messages.reminder(step)
                step.reminded_at = timezone.now()
                step.save(update_fields=["reminded_at"])
                run.reminded += 1
            level = _escalation_level(step, today)
            if level > step.escalation_level:
                chain = superiors(step.assignee, today)
                superior = chain[min(level, len(chain)) - 1].person if chain else None
                messages.overdue(step, superior=superior)
                ledger.append(
                    document=document,
                    action=LedgerEntry.Action.ESCALATE,
                    from_step=step.label,
                    data={
                        "level": level,
                        "due": step.due_date.isoformat(),
                        "assignee": step.assignee_id,
                        "superior": superior.pk if superior else None,
                    },
                )
                step.escalation_level = level
                step.save(update_fields=["escalation_level"])
                run.escalated += 1
    return run
