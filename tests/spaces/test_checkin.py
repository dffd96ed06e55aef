"""Check-in by QR code, check-out, and the release of no-shows."""

import datetime

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from intranet.notifications.models import Notification
from spaces import qr, services, slots
from spaces.errors import RuleViolation
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


def _at_time(monkeypatch, moment):
    """The views' and services' clock (``timezone.now``) stands at ``moment``."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_a_check_out_ends_the_booking_at_that_minute(campus, applicant, day):
    """No longer held to the next 30-minute step: the rest of the slot is free now."""
    booking = services.walk_in(
        resource=campus.desk,
        person=applicant,
        now=slots.at(day, datetime.time(9, 10)),
    )
    services.check_out(
        booking=booking,
        by=applicant,
        now=slots.at(day, datetime.time(10, 7, 30)),
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_OUT
    assert booking.ends_at == slots.at(day, datetime.time(10, 7))
    assert booking.checked_out_at == slots.at(day, datetime.time(10, 7, 30))


def test_rescanning_after_check_out_books_the_rest_of_the_slot_and_checks_in(
    client, campus, applicant, day, monkeypatch
):
    first = services.walk_in(
        resource=campus.desk,
        person=applicant,
        now=slots.at(day, datetime.time(9, 10)),
    )
    services.check_out(
        booking=first, by=applicant, now=slots.at(day, datetime.time(10, 7, 30))
    )
    _at_time(monkeypatch, slots.at(day, datetime.time(10, 20, 40)))
    client.force_login(applicant)
    url = qr.checkin_url(campus.desk, "http://testserver")
    page = client.get(url).content.decode()
    assert 'data-testid="scan-check-in"' not in page
    assert 'data-testid="checked-out"' in page and "08:30〜10:07" in page
    assert "この席を予約してチェックイン（今から 12:00 まで）" in page
    page = client.post(url, {"action": "walk_in"}, follow=True).content.decode()
    second = Booking.objects.exclude(pk=first.pk).get(
        person=applicant, resource=campus.desk
    )
    # From this minute to the end of the morning, really checked in; the first one
    # keeps its history, and the two touch without overlapping (both databases).
    assert (second.starts_at, second.ends_at) == (
        slots.at(day, datetime.time(10, 20)),
        slots.at(day, datetime.time(12)),
    )
    assert second.status == Booking.Status.CHECKED_IN
    assert second.checked_in_at == slots.at(day, datetime.time(10, 20, 40))
    assert "10:20〜12:00を予約してチェックインしました" in page
    assert 'data-testid="checked-in"' in page
    first.refresh_from_db()
    assert first.status == Booking.Status.CHECKED_OUT
    # The no-show release never takes it: it is checked in.
    assert services.release_no_shows(now=slots.at(day, datetime.time(11, 30))) == []


def test_the_rest_starts_where_the_checked_out_booking_ends(
    campus, applicant, kakaricho, day
):
    """A check-out right at the start keeps its first minute; the walk-in offered
    after it starts there, not earlier (and says its time, not 「今から」)."""
    booking = services.book_desk(
        desk=campus.desk, person=applicant, by=applicant, day=day, slot="am"
    )
    services.check_in(
        booking=booking, by=applicant, now=slots.at(day, datetime.time(8, 20))
    )
    services.check_out(
        booking=booking, by=applicant, now=slots.at(day, datetime.time(8, 25))
    )
    booking.refresh_from_db()
    assert booking.ends_at == slots.at(day, datetime.time(8, 31))
    now = slots.at(day, datetime.time(8, 26))
    window = services.walk_in_window(campus.desk, now)
    assert window == (
        slots.at(day, datetime.time(8, 31)),
        slots.at(day, datetime.time(12)),
        True,
    )
    walk_in = services.walk_in(resource=campus.desk, person=kakaricho, now=now)
    assert walk_in.status == Booking.Status.CHECKED_IN
    assert walk_in.starts_at == slots.at(day, datetime.time(8, 31))


def test_the_rest_of_a_rooms_hour_after_check_out(campus, applicant, kakaricho, day):
    start = slots.at(day, datetime.time(10))
    booking = services.book(
        resource=campus.room,
        person=applicant,
        by=applicant,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )
    services.check_in(booking=booking, by=applicant, now=start)
    services.check_out(
        booking=booking, by=applicant, now=start + datetime.timedelta(minutes=40)
    )
    walk_in = services.walk_in(
        resource=campus.room,
        person=kakaricho,
        now=start + datetime.timedelta(minutes=41, seconds=5),
    )
    assert (walk_in.starts_at, walk_in.ends_at) == (
        slots.at(day, datetime.time(10, 41)),
        slots.at(day, datetime.time(11, 30)),
    )
    assert walk_in.status == Booking.Status.CHECKED_IN
    # Only walk-ins start off the grid: the booking form still books on the steps.
    with pytest.raises(RuleViolation, match="30分単位"):
        services.book(
            resource=campus.room,
            person=kakaricho,
            by=kakaricho,
            starts_at=slots.at(day, datetime.time(11, 35)),
            ends_at=slots.at(day, datetime.time(12)),
            now=start,
        )


def test_a_checked_out_booking_still_blocks_its_own_minutes(campus, applicant, day):
    """The database's no-double-booking guard still holds the shortened booking."""
    booking = services.walk_in(
        resource=campus.desk,
        person=applicant,
        now=slots.at(day, datetime.time(9, 10)),
    )
    services.check_out(
        booking=booking, by=applicant, now=slots.at(day, datetime.time(10, 7))
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            resource=campus.desk,
            person=applicant,
            booked_by=applicant,
            starts_at=slots.at(day, datetime.time(10, 6)),
            ends_at=slots.at(day, datetime.time(12)),
        )


@pytest.mark.parametrize(
    ("viewer", "told"), [("kakaricho", "name"), ("stranger", "anonymous")]
)
def test_someone_elses_booking_is_told_as_the_floor_plan_tells_it(
    request, client, campus, applicant, day, monkeypatch, viewer, told
):
    """A colleague of the same section sees the name (the default privacy choice);
    anyone else learns only that the desk is taken, and when."""
    services.walk_in(
        resource=campus.desk,
        person=applicant,
        now=slots.at(day, datetime.time(9, 10)),
    )
    _at_time(monkeypatch, slots.at(day, datetime.time(9, 30)))
    client.force_login(request.getfixturevalue(viewer))
    page = client.get(qr.checkin_url(campus.desk, "http://testserver")).content
    page = page.decode()
    assert 'data-testid="held-by"' in page and "午前" in page and "利用中" in page
    assert 'data-testid="walk-in"' not in page
    if told == "name":
        assert f"{applicant.full_name} さんの予約があります" in page
    else:
        assert applicant.last_name not in page
        assert "他の職員の予約があります" in page
