"""Due dates in business days (Golden Week, New Year), reminders and escalation."""

import datetime

import pytest
from django.core.management import call_command

from intranet.core import dates
from intranet.core.dates import add_business_days
from intranet.core.models import ClosureDay
from intranet.notifications.kinds import Kind
from intranet.notifications.models import Notification
from workflows import services
from workflows.engine import due_date_for
from workflows.models import LedgerEntry

from .conftest import active_step

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Golden Week 2026: 4/29 昭和の日, 5/3–5/5 and 5/6 振替休日, plus the weekend.
        (D(2026, 4, 28), D(2026, 5, 7)),
        (D(2026, 5, 1), D(2026, 5, 11)),
        # New Year: 12/29–1/3 closed, 1/11/2027 is 成人の日.
        (D(2026, 12, 25), D(2027, 1, 5)),
        (D(2026, 12, 28), D(2027, 1, 6)),
        (D(2027, 1, 7), D(2027, 1, 13)),
    ],
)
def test_due_dates_count_business_days(submitted, start, expected):
    document = submitted()  # the rule gives three business days per step
    assert due_date_for(document, start) == expected


def test_ward_closure_days_are_excluded(submitted):
    ClosureDay.objects.create(date=D(2026, 11, 30), name="庁舎点検")
    dates._closure_days.cache_clear()  # the closure table is cached for a minute
    document = submitted()
    assert due_date_for(document, D(2026, 11, 27)) == D(2026, 12, 3)


def due_on(document, day):
    step = active_step(document)
    step.due_date = day
    step.save(update_fields=["due_date"])
    return step


def kinds_for(person):
    return list(
        Notification.objects.filter(recipient=person).values_list("kind", flat=True)
    )


def test_reminder_on_the_business_day_before(submitted, kakaricho):
    document = submitted()
    due_on(document, D(2026, 5, 7))  # Thursday after Golden Week
    Notification.objects.all().delete()
    assert (
        services.process_deadlines(today=D(2026, 4, 30)).reminded == 0
    )  # 2 business days left
    # Friday 5/1 is the last business day before the due date: the holidays are skipped.
    assert services.process_deadlines(today=D(2026, 5, 1)).reminded == 1
    assert kinds_for(kakaricho) == [Kind.TASK_REMINDER]
    assert services.process_deadlines(today=D(2026, 5, 6)).reminded == 0  # once only


def test_escalation_to_the_superior_after_the_due_date(
    submitted, kakaricho, kacho, bucho
):
    document = submitted()
    due_on(document, D(2026, 12, 28))
    Notification.objects.all().delete()
    # Year-end closure: 12/29–1/3 are not business days, so nothing is overdue yet.
    assert services.process_deadlines(today=D(2027, 1, 3)).escalated == 0
    run = services.process_deadlines(today=D(2027, 1, 4))
    assert run.escalated == 1
    assert Kind.TASK_OVERDUE in kinds_for(kakaricho)
    assert Kind.TASK_OVERDUE in kinds_for(kacho)  # the 係長's superior
    assert Kind.TASK_OVERDUE not in kinds_for(bucho)
    entry = document.ledger_entries.last()
    assert entry.action == LedgerEntry.Action.ESCALATE and entry.actor is None
    assert entry.data["superior"] == kacho.pk
    assert services.process_deadlines(today=D(2027, 1, 4)).escalated == 0  # idempotent
    # Three business days later (the rule's period): level 2, the next superior.
    assert (
        services.process_deadlines(today=add_business_days(D(2027, 1, 4), 3)).escalated
        == 1
    )
    assert Kind.TASK_OVERDUE in kinds_for(bucho)


def test_acted_steps_are_left_alone(submitted, kakaricho):
    document = submitted()
    step = due_on(document, D(2026, 1, 5))
    services.approve(step=step, by=kakaricho)
    decision = active_step(document)
    decision.due_date = None
    decision.save()
    assert services.process_deadlines(today=D(2026, 2, 2)).escalated == 0


def test_command(submitted, capsys):
    document = submitted()
    due_on(document, D(2026, 6, 1))
    call_command("approval_deadlines", "--date=2026-06-03")
    assert "escalated 1" in capsys.readouterr().out
