"""Check-in by QR code, check-out, and the release of no-shows."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from intranet.notifications.models import Notification
from spaces import qr, services, slots
from spaces.models import Booking


def booking_now(resource, person, *, minutes_ago=5, hours=2, **extra):
    """A booking that started a few minutes ago (made directly: the clock is real)."""
    now = timezone.now()
    return Booking.objects.create(
        resource=resource,
        person=person,
        booked_by=person,
        starts_at=now - datetime.timedelta(minutes=minutes_ago),
        ends_at=now + datetime.timedelta(hours=hours),
        created_at=now - datetime.timedelta(days=1),
        **extra,
    )


def test_scanning_the_qr_code_opens_check_in(client, campus, applicant):
    booking = booking_now(campus.desk, applicant)
    url = qr.checkin_url(campus.desk, "http://testserver")
    assert campus.desk.checkin_token in url
    # The QR URL asks for a login first and comes back.
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(applicant)
    page = client.get(url)
    assert 'data-testid="scan-check-in"' in page.content.decode()
    client.post(url, {"action": "check_in"})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_IN
    assert 'data-testid="checked-in"' in client.get(url).content.decode()


def test_scanning_someone_elses_desk_does_not_check_them_in(
    client, campus, applicant, kakaricho
):
    booking = booking_now(campus.desk, applicant)
    client.force_login(kakaricho)
    page = client.get(qr.checkin_url(campus.desk, "http://testserver")).content.decode()
    assert "scan-check-in" not in page and "walk-in" not in page
    client.post(
        qr.checkin_url(campus.desk, "http://testserver"), {"action": "check_in"}
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_an_unknown_qr_token_is_not_found(client, applicant):
    client.force_login(applicant)
    assert client.get("/spaces/check-in/nope/").status_code == 404


def test_no_shows_are_released_after_the_grace_period(
    campus, applicant, kakaricho, day
):
    campus.building.checkin_grace_minutes = 20
    campus.building.save()
    no_show = services.book_desk(
        desk=campus.desk, person=applicant, by=applicant, day=day, slot="am"
    )
    present = services.book_desk(
        desk=campus.desks[1], person=kakaricho, by=kakaricho, day=day, slot="am"
    )
    services.check_in(booking=present, by=kakaricho, now=present.starts_at)
    assert (
        services.release_no_shows(
            now=no_show.starts_at + datetime.timedelta(minutes=19)
        )
        == []
    )
    released = services.release_no_shows(
        now=no_show.starts_at + datetime.timedelta(minutes=20)
    )
    assert released == [no_show]
    no_show.refresh_from_db()
    present.refresh_from_db()
    assert no_show.status == Booking.Status.RELEASED
    assert present.status == Booking.Status.CHECKED_IN
    note = Notification.objects.get(recipient=applicant, kind="booking_released")
    assert "チェックインがなかった" in note.subject
    # Running again changes nothing.
    assert (
        services.release_no_shows(
            now=no_show.starts_at + datetime.timedelta(minutes=30)
        )
        == []
    )


def test_rooms_without_check_in_are_never_released(campus, applicant, day):
    campus.room.requires_checkin = False
    campus.room.save()
    start = slots.at(day, datetime.time(10))
    booking = services.book(
        resource=campus.room,
        person=applicant,
        by=applicant,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    assert services.release_no_shows(now=start + datetime.timedelta(minutes=50)) == []
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_a_late_booking_gets_its_grace_from_when_it_was_made(campus, applicant, day):
    made = slots.at(day, datetime.time(10))
    booking = services.walk_in(
        resource=campus.room,
        person=applicant,
        now=made - datetime.timedelta(minutes=20),
    )
    # Walk-ins check in at once; a booking made late without check-in waits its grace.
    assert booking.status == Booking.Status.CHECKED_IN
    late = services.book_desk(
        desk=campus.desk, person=applicant, by=applicant, day=day, slot="am"
    )
    Booking.objects.filter(pk=late.pk).update(
        created_at=slots.at(day, datetime.time(10))
    )
    assert services.release_no_shows(now=slots.at(day, datetime.time(10, 20))) == []
    assert [
        b.pk
        for b in services.release_no_shows(now=slots.at(day, datetime.time(10, 30)))
    ] == [late.pk]


def test_unanswered_requests_expire_at_their_start(campus, applicant, day):
    start = slots.at(day, datetime.time(10))
    booking = services.book(
        resource=campus.big_room,
        person=applicant,
        by=applicant,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    services.release_no_shows(now=start)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.DECLINED
    assert Notification.objects.filter(
        recipient=applicant, kind="booking_declined"
    ).exists()


@pytest.mark.django_db
def test_release_command(campus, applicant, capsys):
    booking = booking_now(campus.desk, applicant, minutes_ago=45)
    call_command("release_no_shows")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.RELEASED
    assert "1" in capsys.readouterr().out


def test_rescanning_after_check_out_never_offers_its_check_in(
    client, campus, applicant
):
    booking = booking_now(campus.desk, applicant, status=Booking.Status.CHECKED_IN)
    services.check_out(booking=booking, by=applicant)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_OUT
    client.force_login(applicant)
    url = qr.checkin_url(campus.desk, "http://testserver")
    page = client.get(url).content.decode()
    assert 'data-testid="scan-check-in"' not in page
    if booking.ends_at > timezone.now():  # the slot's rest is not yet free
        assert 'data-testid="checked-out"' in page


def test_a_walk_in_before_check_in_opens_says_it_only_booked(
    client, campus, applicant, monkeypatch
):
    """Scanning at 08:00 for the 08:30 morning: the button and the message say it is
    booked, not checked in (check-in opens at 08:15)."""
    from tests.spaces.conftest import business_day

    early = slots.at(business_day(2), datetime.time(8))
    monkeypatch.setattr(timezone, "now", lambda: early)
    client.force_login(applicant)
    url = qr.checkin_url(campus.desk, "http://testserver")
    page = client.get(url).content.decode()
    assert "を予約する（チェックインは開始の15分前から）" in page
    assert "を予約してチェックイン" not in page
    page = client.post(url, {"action": "walk_in"}, follow=True).content.decode()
    booking = Booking.objects.get(person=applicant, resource=campus.desk)
    assert booking.status == Booking.Status.CONFIRMED
    assert "まだチェックインしていません" in page and "08:15以降" in page
    assert "予約してチェックインしました" not in page
