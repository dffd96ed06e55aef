"""An absent decider's waiting decisions: his registered 代決者 are told, once each.

When a decision step is reached while the decider is away, ``messages.task_assigned``
tells the deputies. These cover the other order: the absence is recorded (the
directory's ``absence_recorded`` signal) or begins (the daily run, with
``process_deadlines``) while decisions already wait for him.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from directory.models import Person, PresencePeriod

from .. import messages
from ..models import Document, RouteStep


def _waiting_decisions():
    return RouteStep.objects.filter(
        kind=RouteStep.Kind.DECISION,
        status=RouteStep.Status.ACTIVE,
        deputies_told_at__isnull=True,
        document__state=Document.State.IN_PROGRESS,
        document__confidential=False,
    )


def tell_deputies_of_waiting_decisions(
    *, person, day: datetime.date | None = None
) -> int:
    """``person`` is away on ``day`` (today): tell the registered 代決者 of every
    decision waiting for him that they were not yet told of. Returns how many."""
    day = day or timezone.localdate()
    told = 0
    for step in (
        _waiting_decisions()
        .filter(assignee=person)
        .select_related("document", "assignee")
    ):
        with transaction.atomic():
            told += messages.tell_deputies_of_an_absent_decider(step, day)
    return told


def process_absences(*, today: datetime.date | None = None) -> int:
    """Daily (with the deadlines): absences that begin today, or were recorded for
    today by any other way, with decisions waiting. Safe to run again."""
    today = today or timezone.localdate()
    absent = PresencePeriod.objects.absent_on(today).values("person_id")
    deciders = (
        _waiting_decisions()
        .filter(assignee__in=absent)
        .values_list("assignee", flat=True)
        .distinct()
    )
    return sum(
        tell_deputies_of_waiting_decisions(person=person, day=today)
        for person in Person.objects.filter(pk__in=list(deciders))
    )


def on_absence_recorded(sender, *, person, start_date, end_date, **kwargs) -> None:
    """The directory recorded an absence: if it covers today, tell the deputies now;
    a later one is told by ``process_absences`` on its first day."""
    if start_date <= timezone.localdate() <= end_date:
        tell_deputies_of_waiting_decisions(person=person)
