"""Booking desks and rooms through the service: the rules, the guard, the alternatives."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from intranet.core.models import ClosureDay
from intranet.notifications.models import Notification
from spaces import services, slots
from spaces.errors import AlreadyBooked, NotPermitted, RuleViolation
from spaces.models import Booking

from .conftest import business_day

AM, PM, DAY = slots.DeskSlot.MORNING, slots.DeskSlot.AFTERNOON, slots.DeskSlot.DAY


def room_times(day, start, end):
    return (
        slots.at(day, datetime.time.fromisoformat(start)),
        slots.at(day, datetime.time.fromisoformat(end)),
    )


def test_book_a_desk_for_a_half_day(campus, applicant, kakaricho, day):
    booking = services.book_desk(
        desk=campus.desk, person=applicant, by=applicant, day=day, slot=AM
    )
    assert booking.status == Booking.Status.CONFIRMED
    assert slots.local(booking.starts_at).time() == datetime.time(8, 30)
    assert slots.local(booking.ends_at).time() == datetime.time(12, 0)
    # The other half of the day is still free for someone else.
    other = services.book_desk(
        desk=campus.desk, person=kakaricho, by=kakaricho, day=day, slot=PM
    )
    assert other.status == Booking.Status.CONFIRMED


def test_a_taken_desk_offers_nearby_desks_and_the_next_free_slot(
    campus, applicant, kakaricho, day
):
    services.book_desk(
        desk=campus.desk, person=applicant, by=applicant, day=day, slot=AM
    )
    with pytest.raises(AlreadyBooked) as caught:
        services.book_desk(
            desk=campus.desk, person=kakaricho, by=kakaricho, day=day, slot=AM
        )
    error = caught.value
    assert "既に予約されています" in str(error.message)
    nearby = [desk.code for desk in error.alternatives.resources]
    # Nearest first; never the taken desk, a fixed desk or an unavailable one.
    assert nearby[:3] == ["A-02", "A-03", "A-04"]
    assert "A-01" not in nearby and "A-99" not in nearby and "B-01" not in nearby
    # The same desk is free in the afternoon.
    assert error.alternatives.next_slot.starts_at == slots.at(day, datetime.time(13))


def test_rooms_book_back_to_back_but_never_overlapping(
    campus, applicant, kakaricho, day
):
    start, end = room_times(day, "10:00", "11:00")
    services.book(
        resource=campus.room,
        person=applicant,
        by=applicant,
        starts_at=start,
        ends_at=end,
    )
    start2, end2 = room_times(day, "11:00", "12:00")
    services.book(
        resource=campus.room,
        person=kakaricho,
        by=kakaricho,
        starts_at=start2,
        ends_at=end2,
    )
    with pytest.raises(AlreadyBooked) as caught:
        services.book(
            resource=campus.room,
            person=kakaricho,
            by=kakaricho,
            starts_at=slots.at(day, datetime.time(10, 30)),
            ends_at=slots.at(day, datetime.time(11, 30)),
        )
    # Next free hour in the same room: 12:00–13:00.
    assert caught.value.alternatives.next_slot.starts_at == slots.at(
        day, datetime.time(12)
    )


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_overlaps_even_past_the_service(
    campus, applicant, kakaricho, day
):
    start, end = room_times(day, "10:00", "11:00")
    Booking.objects.create(
        resource=campus.room,
        person=applicant,
        booked_by=applicant,
        starts_at=start,
        ends_at=end,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            resource=campus.room,
            person=kakaricho,
            booked_by=kakaricho,
            starts_at=start + datetime.timedelta(minutes=30),
            ends_at=end + datetime.timedelta(minutes=30),
        )
    # Cancelled bookings do not hold the room; moving one back onto it is refused.
    cancelled = Booking.objects.create(
        resource=campus.room,
        person=kakaricho,
        booked_by=kakaricho,
        starts_at=start,
        ends_at=end,
        status=Booking.Status.CANCELLED,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=cancelled.pk).update(status=Booking.Status.CONFIRMED)
    # Touching ranges are fine: [10:00, 11:00) and [11:00, 12:00).
    Booking.objects.create(
        resource=campus.room,
        person=kakaricho,
        booked_by=kakaricho,
        starts_at=end,
        ends_at=end + datetime.timedelta(hours=1),
    )
    assert Booking.objects.holding().count() == 2


def test_unavailable_and_fixed_desks(campus, applicant, kacho, day):
    with pytest.raises(RuleViolation, match="利用停止"):
        services.book_desk(
            desk=campus.broken, person=applicant, by=applicant, day=day, slot=AM
        )
    with pytest.raises(RuleViolation, match="固定席"):
        services.book_desk(
            desk=campus.fixed, person=applicant, by=applicant, day=day, slot=AM
        )
    assert services.book_desk(
        desk=campus.fixed, person=kacho, by=kacho, day=day, slot=AM
    )


def test_one_desk_at_a_time(campus, applicant, day):
    services.book_desk(
        desk=campus.desks[0], person=applicant, by=applicant, day=day, slot=DAY
    )
    with pytest.raises(RuleViolation, match="別の座席"):
        services.book_desk(
            desk=campus.desks[1], person=applicant, by=applicant, day=day, slot=PM
        )


def test_booking_on_behalf_of_a_colleague_of_the_same_section(
    campus, applicant, kakaricho, stranger, day
):
    booking = services.book_desk(
        desk=campus.desk, person=applicant, by=kakaricho, day=day, slot=AM
    )
    assert booking.booked_by == kakaricho and booking.person == applicant
    note = Notification.objects.get(recipient=applicant)
    assert note.kind == "booking_confirmed" and "鈴木" in note.subject
    with pytest.raises(NotPermitted):
        services.book_desk(
            desk=campus.desks[1], person=applicant, by=stranger, day=day, slot=PM
        )


def test_facility_managers_book_for_anyone(campus, stranger, facility_manager, day):
    booking = services.book_desk(
        desk=campus.desk, person=stranger, by=facility_manager, day=day, slot=AM
    )
    assert booking.person == stranger


# --- rules, one by one ------------------------------------------------------------------


def test_rule_max_days_ahead(campus, applicant):
    campus.building.max_days_ahead = 5
    campus.building.save()
    far = business_day(10)
    with pytest.raises(RuleViolation, match="5日先"):
        services.book_desk(
            desk=campus.desk, person=applicant, by=applicant, day=far, slot=AM
        )
    # A resource may override its building.
    campus.desk.max_days_ahead = 30
    campus.desk.save()
    assert services.book_desk(
        desk=campus.desk, person=applicant, by=applicant, day=far, slot=AM
    )


def test_rule_max_active_bookings(campus, applicant):
    campus.building.max_active_bookings = 2
    campus.building.save()
    services.book_desk(
        desk=campus.desk, person=applicant, by=applicant, day=business_day(1), slot=AM
    )
    services.book_desk(
        desk=campus.desk, person=applicant, by=applicant, day=business_day(2), slot=AM
    )
    with pytest.raises(RuleViolation, match="2件まで"):
        services.book_desk(
            desk=campus.desk,
            person=applicant,
            by=applicant,
            day=business_day(3),
            slot=AM,
        )


def test_rule_min_and_max_duration(campus, applicant, day):
    campus.room.min_duration_minutes = 60
    campus.room.max_duration_minutes = 120
    campus.room.save()
    with pytest.raises(RuleViolation, match="60分以上"):
        services.book(
            resource=campus.room,
            person=applicant,
            by=applicant,
            starts_at=slots.at(day, datetime.time(10)),
            ends_at=slots.at(day, datetime.time(10, 30)),
        )
    with pytest.raises(RuleViolation, match="120分以内"):
        services.book(
            resource=campus.room,
            person=applicant,
            by=applicant,
            starts_at=slots.at(day, datetime.time(10)),
            ends_at=slots.at(day, datetime.time(13)),
        )


def test_rule_bookable_hours_and_30_minute_steps(campus, applicant, day):
    campus.room.opens_at = datetime.time(9)
    campus.room.closes_at = datetime.time(18)
    campus.room.save()
    with pytest.raises(RuleViolation, match="09:00〜18:00"):
        services.book(
            resource=campus.room,
            person=applicant,
            by=applicant,
            starts_at=slots.at(day, datetime.time(8)),
            ends_at=slots.at(day, datetime.time(9)),
        )
    with pytest.raises(RuleViolation, match="30分単位"):
        services.book(
            resource=campus.room,
            person=applicant,
            by=applicant,
            starts_at=slots.at(day, datetime.time(10, 15)),
            ends_at=slots.at(day, datetime.time(11)),
        )
    with pytest.raises(RuleViolation, match="午前・午後・終日"):
        services.book(
            resource=campus.desk,
            person=applicant,
            by=applicant,
            starts_at=slots.at(day, datetime.time(10)),
            ends_at=slots.at(day, datetime.time(11)),
        )


def test_rule_closure_days_and_holidays(campus, applicant):
    closed = business_day(3)
    ClosureDay.objects.create(date=closed, name="庁舎設備点検")
    with pytest.raises(RuleViolation, match="閉庁日"):
        services.book_desk(
            desk=campus.desk, person=applicant, by=applicant, day=closed, slot=AM
        )
    saturday = closed + datetime.timedelta(days=(5 - closed.weekday()) % 7)
    with pytest.raises(RuleViolation, match="土日"):
        services.book_desk(
            desk=campus.desk, person=applicant, by=applicant, day=saturday, slot=AM
        )
    campus.building.bookable_on_closure_days = True
    campus.building.save()
    assert services.book_desk(
        desk=campus.desk, person=applicant, by=applicant, day=closed, slot=AM
    )


def test_rule_no_booking_in_the_past(campus, applicant):
    yesterday = slots.today() - datetime.timedelta(days=1)
    with pytest.raises(RuleViolation, match="過去"):
        services.book_desk(
            desk=campus.desk, person=applicant, by=applicant, day=yesterday, slot=AM
        )


def test_rule_cancel_deadline(campus, applicant, facility_manager, day):
    campus.building.cancel_deadline_minutes = 24 * 60
    campus.building.save()
    booking = services.book_desk(
        desk=campus.desk, person=applicant, by=applicant, day=day, slot=AM
    )
    late = booking.starts_at - datetime.timedelta(hours=2)
    with pytest.raises(RuleViolation, match="取消期限"):
        services.cancel_booking(booking=booking, by=applicant, now=late)
    early = booking.starts_at - datetime.timedelta(days=2)
    assert services.cancel_booking(booking=booking, by=applicant, now=early) == [
        booking
    ]
    # Facility managers may cancel past the deadline.
    again = services.book_desk(
        desk=campus.desk, person=applicant, by=applicant, day=day, slot=AM
    )
    assert services.cancel_booking(booking=again, by=facility_manager, now=late)


def test_cancelling_frees_the_desk_and_tells_the_person(
    campus, applicant, kakaricho, day
):
    booking = services.book_desk(
        desk=campus.desk, person=applicant, by=kakaricho, day=day, slot=AM
    )
    services.cancel_booking(booking=booking, by=kakaricho)
    booking.refresh_from_db()
    assert (
        booking.status == Booking.Status.CANCELLED and booking.cancelled_by == kakaricho
    )
    assert Notification.objects.filter(
        recipient=applicant, kind="booking_cancelled"
    ).exists()
    assert services.book_desk(
        desk=campus.desk, person=kakaricho, by=kakaricho, day=day, slot=AM
    )


def test_strangers_cannot_cancel(campus, applicant, stranger, day):
    booking = services.book_desk(
        desk=campus.desk, person=applicant, by=applicant, day=day, slot=AM
    )
    with pytest.raises(NotPermitted):
        services.cancel_booking(booking=booking, by=stranger)


def test_check_in_check_out_frees_the_rest(campus, applicant, kakaricho, day):
    start, end = room_times(day, "10:00", "12:00")
    booking = services.book(
        resource=campus.room,
        person=applicant,
        by=applicant,
        starts_at=start,
        ends_at=end,
    )
    with pytest.raises(RuleViolation, match="15分前"):
        services.check_in(
            booking=booking, by=applicant, now=start - datetime.timedelta(hours=1)
        )
    with pytest.raises(NotPermitted):
        services.check_in(booking=booking, by=kakaricho, now=start)
    services.check_in(
        booking=booking, by=applicant, now=start + datetime.timedelta(minutes=5)
    )
    services.check_out(
        booking=booking, by=applicant, now=start + datetime.timedelta(minutes=40)
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_OUT
    # It ends at the check-out minute: the next step, 11:00–12:00, is free again.
    assert booking.ends_at == start + datetime.timedelta(minutes=40)
    free_start, free_end = room_times(day, "11:00", "12:00")
    assert services.book(
        resource=campus.room,
        person=kakaricho,
        by=kakaricho,
        starts_at=free_start,
        ends_at=free_end,
        now=start + datetime.timedelta(minutes=41),
    )


def test_walk_in_from_the_qr_code(campus, applicant, day):
    now = slots.at(day, datetime.time(9, 10))
    booking = services.walk_in(resource=campus.desk, person=applicant, now=now)
    assert booking.status == Booking.Status.CHECKED_IN
    assert slots.desk_slot_of(campus.building, booking.starts_at, booking.ends_at) == AM


def test_times_are_aware_and_in_tokyo(campus, applicant, day):
    booking = services.book_desk(
        desk=campus.desk, person=applicant, by=applicant, day=day, slot=AM
    )
    booking.refresh_from_db()
    assert timezone.is_aware(booking.starts_at)
    assert booking.starts_at.astimezone(datetime.UTC).hour == 23  # 08:30 JST
