"""Recurring bookings in Tokyo time: holidays, the year-end closure and closure days."""

import datetime

import pytest

from intranet.core.models import ClosureDay
from spaces import recurrence, services, slots
from spaces.errors import AlreadyBooked, RuleViolation
from spaces.models import Booking

NOW = slots.at(datetime.date(2027, 4, 20), datetime.time(9))


def at(day, hour=10, minute=0):
    return slots.at(day, datetime.time(hour, minute))


def weekly_room_series(
    campus, person, *, first, until, rule="FREQ=WEEKLY;BYDAY=MO", **extra
):
    return services.book_series(
        resource=campus.room,
        person=person,
        by=person,
        starts_at=at(first),
        ends_at=at(first, 11),
        rrule=rule,
        until=until,
        now=NOW,
        **extra,
    )


def test_weekly_series_skips_golden_week_and_closure_days(campus, applicant):
    ClosureDay.objects.create(date=datetime.date(2027, 5, 17), name="庁舎停電点検")
    series = weekly_room_series(
        campus,
        applicant,
        first=datetime.date(2027, 4, 26),
        until=datetime.date(2027, 5, 31),
    )
    days = [
        slots.local(b.starts_at).date() for b in series.bookings.order_by("starts_at")
    ]
    assert days == [
        datetime.date(2027, 4, 26),
        datetime.date(2027, 5, 10),
        datetime.date(2027, 5, 24),
        datetime.date(2027, 5, 31),
    ]
    skipped = dict(series.skipped)
    assert skipped[datetime.date(2027, 5, 3)] == "憲法記念日"
    assert skipped[datetime.date(2027, 5, 17)] == "閉庁日"
    # Wall-clock 10:00 in Tokyo every time (01:00 UTC).
    for booking in series.bookings.all():
        assert slots.local(booking.starts_at).time() == datetime.time(10)
        assert booking.starts_at.astimezone(datetime.UTC).hour == 1


def test_daily_series_skips_weekends_and_the_year_end_closure(campus, applicant):
    now = at(datetime.date(2026, 12, 1), 9)
    series = services.book_series(
        resource=campus.desk,
        person=applicant,
        by=applicant,
        starts_at=slots.at(datetime.date(2026, 12, 28), datetime.time(8, 30)),
        ends_at=slots.at(datetime.date(2026, 12, 28), datetime.time(12)),
        rrule="FREQ=DAILY",
        until=datetime.date(2027, 1, 6),
        now=now,
    )
    days = [
        slots.local(b.starts_at).date() for b in series.bookings.order_by("starts_at")
    ]
    assert days == [
        datetime.date(2026, 12, 28),
        datetime.date(2027, 1, 4),
        datetime.date(2027, 1, 5),
        datetime.date(2027, 1, 6),
    ]
    reasons = dict(series.skipped)
    assert reasons[datetime.date(2026, 12, 29)] == "年末年始"
    assert reasons[datetime.date(2027, 1, 1)] == "元日"
    assert reasons[datetime.date(2027, 1, 2)] == "土日"


def test_monthly_on_the_second_tuesday():
    rule = recurrence.build_rrule(
        "MONTHLY_WEEKDAY", first_day=datetime.date(2027, 1, 12)
    )
    assert rule == "FREQ=MONTHLY;BYDAY=2TU"
    starts = recurrence.rule_starts(
        rule, at(datetime.date(2027, 1, 12)), datetime.date(2027, 6, 30)
    )
    assert [s.date() for s in starts] == [
        datetime.date(2027, 1, 12),
        datetime.date(2027, 2, 9),
        datetime.date(2027, 3, 9),
        datetime.date(2027, 4, 13),
        datetime.date(2027, 5, 11),
        datetime.date(2027, 6, 8),
    ]


def test_weekly_on_chosen_weekdays_rule():
    rule = recurrence.build_rrule(
        "WEEKLY", first_day=datetime.date(2027, 4, 26), weekdays=[2, 0]
    )
    assert rule == "FREQ=WEEKLY;BYDAY=MO,WE"


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=HOURLY",
        "FREQ=WEEKLY;COUNT=3",
        "FREQ=WEEKLY;UNTIL=20270101",
        "BYDAY=MO",
        "FREQ=WEEKLY;INTERVAL=0",
    ],
)
def test_only_simple_rules_are_accepted(rule):
    with pytest.raises(RuleViolation):
        recurrence.validate_rrule(rule)


def test_series_is_capped(campus, applicant):
    with pytest.raises(RuleViolation, match="183日先まで"):
        weekly_room_series(
            campus,
            applicant,
            first=datetime.date(2027, 4, 26),
            until=datetime.date(2028, 4, 1),
        )


def test_a_taken_date_refuses_the_series_unless_skipped(campus, applicant, kakaricho):
    taken = datetime.date(2027, 5, 10)
    services.book(
        resource=campus.room,
        person=kakaricho,
        by=kakaricho,
        starts_at=at(taken, 10, 30),
        ends_at=at(taken, 12),
        now=NOW,
    )
    with pytest.raises(AlreadyBooked, match="2027年5月10日"):
        weekly_room_series(
            campus,
            applicant,
            first=datetime.date(2027, 4, 26),
            until=datetime.date(2027, 5, 24),
        )
    assert not Booking.objects.filter(person=applicant).exists()
    series = weekly_room_series(
        campus,
        applicant,
        first=datetime.date(2027, 4, 26),
        until=datetime.date(2027, 5, 24),
        skip_conflicts=True,
    )
    days = [
        slots.local(b.starts_at).date() for b in series.bookings.order_by("starts_at")
    ]
    assert days == [
        datetime.date(2027, 4, 26),
        datetime.date(2027, 5, 17),
        datetime.date(2027, 5, 24),
    ]


def test_cancel_one_date_from_a_date_on_or_the_series(campus, applicant):
    series = weekly_room_series(
        campus,
        applicant,
        first=datetime.date(2027, 5, 10),
        until=datetime.date(2027, 6, 28),
    )
    bookings = list(series.bookings.order_by("starts_at"))
    assert len(bookings) == 8
    services.cancel_booking(booking=bookings[1], by=applicant, scope="one", now=NOW)
    assert [b.status for b in series.bookings.order_by("starts_at")][:3] == [
        "confirmed",
        "cancelled",
        "confirmed",
    ]
    cancelled = services.cancel_booking(
        booking=bookings[5], by=applicant, scope="following", now=NOW
    )
    assert len(cancelled) == 3
    series.refresh_from_db()
    assert series.until == slots.local(
        bookings[5].starts_at
    ).date() - datetime.timedelta(days=1)
    rest = services.cancel_booking(
        booking=bookings[0], by=applicant, scope="series", now=NOW
    )
    assert len(rest) == 4
    assert not series.bookings.active().exists()


def test_a_series_counts_once_towards_the_limit(campus, applicant):
    campus.building.max_active_bookings = 2
    campus.building.save()
    weekly_room_series(
        campus,
        applicant,
        first=datetime.date(2027, 4, 26),
        until=datetime.date(2027, 6, 28),
    )
    # Eight occurrences, but one series: one more booking still fits.
    services.book(
        resource=campus.room,
        person=applicant,
        by=applicant,
        starts_at=at(datetime.date(2027, 4, 27)),
        ends_at=at(datetime.date(2027, 4, 27), 11),
        now=NOW,
    )
    with pytest.raises(RuleViolation, match="2件まで"):
        services.book(
            resource=campus.room,
            person=applicant,
            by=applicant,
            starts_at=at(datetime.date(2027, 4, 28)),
            ends_at=at(datetime.date(2027, 4, 28), 11),
            now=NOW,
        )
