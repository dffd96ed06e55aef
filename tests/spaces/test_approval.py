"""Rooms that need a manager's approval: pending, accept (declining rivals), decline."""

import datetime
import re

import pytest

from intranet.notifications.models import Notification
from spaces import services, slots
from spaces.errors import AlreadyBooked, NotPermitted, RuleViolation
from spaces.models import Booking


def big_room_request(campus, person, day, start="10:00", end="12:00", by=None):
    return services.book(
        resource=campus.big_room,
        person=person,
        by=by or person,
        starts_at=slots.at(day, datetime.time.fromisoformat(start)),
        ends_at=slots.at(day, datetime.time.fromisoformat(end)),
        title="課内打合せ",
    )


def test_a_request_waits_for_the_approver(campus, applicant, kacho, day):
    booking = big_room_request(campus, applicant, day)
    assert booking.status == Booking.Status.PENDING
    note = Notification.objects.get(recipient=kacho)
    assert note.kind == "booking_approval_requested"
    assert note.url == f"/spaces/approvals/{booking.pk}/"


def test_accepting_confirms_and_declines_overlapping_requests(
    campus, applicant, kakaricho, kacho, day
):
    first = big_room_request(campus, applicant, day)
    rival = big_room_request(campus, kakaricho, day, "11:00", "12:30")
    later = big_room_request(campus, kakaricho, day, "13:00", "14:00")
    services.accept_booking(booking=first, by=kacho)
    first.refresh_from_db()
    rival.refresh_from_db()
    later.refresh_from_db()
    assert first.status == Booking.Status.CONFIRMED and first.decided_by == kacho
    assert rival.status == Booking.Status.DECLINED
    assert "別の予約が承認" in rival.decision_note
    assert later.status == Booking.Status.PENDING
    assert Notification.objects.filter(
        recipient=applicant, kind="booking_confirmed"
    ).exists()
    assert Notification.objects.filter(
        recipient=kakaricho, kind="booking_declined"
    ).exists()
    # A confirmed room is no longer open to requests for that time.
    with pytest.raises(AlreadyBooked):
        big_room_request(campus, kakaricho, day, "10:30", "11:00")


def test_only_the_approver_or_a_facility_manager_decides(
    campus, applicant, stranger, facility_manager, day
):
    booking = big_room_request(campus, applicant, day)
    with pytest.raises(NotPermitted):
        services.accept_booking(booking=booking, by=stranger)
    with pytest.raises(NotPermitted):
        services.accept_booking(booking=booking, by=applicant)
    services.decline_booking(
        booking=booking, by=facility_manager, reason="議会対応のため"
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.DECLINED
    note = Notification.objects.get(recipient=applicant, kind="booking_declined")
    assert note.body == "議会対応のため"
    with pytest.raises(RuleViolation, match="既に処理"):
        services.accept_booking(booking=booking, by=facility_manager)


def test_the_approver_books_without_waiting(campus, kacho, day):
    booking = big_room_request(campus, kacho, day)
    assert booking.status == Booking.Status.CONFIRMED


def test_a_recurring_request_is_decided_as_a_whole(campus, applicant, kacho):
    now = slots.at(datetime.date(2027, 4, 20), datetime.time(9))
    series = services.book_series(
        resource=campus.big_room,
        person=applicant,
        by=applicant,
        starts_at=slots.at(datetime.date(2027, 4, 26), datetime.time(15)),
        ends_at=slots.at(datetime.date(2027, 4, 26), datetime.time(16)),
        rrule="FREQ=WEEKLY;BYDAY=MO",
        until=datetime.date(2027, 5, 24),
        now=now,
    )
    first = series.bookings.order_by("starts_at").first()
    assert {b.status for b in series.bookings.all()} == {"pending"}
    confirmed = services.accept_booking(booking=first, by=kacho, now=now)
    assert len(confirmed) == series.bookings.count() == 4
    assert {b.status for b in series.bookings.all()} == {"confirmed"}


def test_approval_page_on_a_phone(client, campus, applicant, kacho, day):
    booking = big_room_request(campus, applicant, day)
    client.force_login(kacho)
    page = client.get(f"/spaces/approvals/{booking.pk}/")
    assert page.status_code == 200
    assert 'data-testid="accept"' in page.content.decode()
    response = client.post(f"/spaces/approvals/{booking.pk}/", {"decision": "accept"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_approval_list_is_bounded(
    client, campus, applicant, kacho, day, django_assert_max_num_queries
):
    for hour in range(9, 15):
        big_room_request(campus, applicant, day, f"{hour:02d}:00", f"{hour:02d}:30")
    client.force_login(kacho)
    with django_assert_max_num_queries(10):
        page = client.get("/spaces/approvals/")
    assert len(re.findall(r'href="/spaces/approvals/\d+/"', page.content.decode())) == 6
