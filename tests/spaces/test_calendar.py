"""The ICS feed, read back by an independent parser (vobject, not icalendar)."""

import datetime

import vobject

from intranet.core.models import ClosureDay
from spaces import services, slots
from spaces.models import SpacesProfile

NOW = slots.at(datetime.date(2027, 4, 20), datetime.time(9))
TOKYO = slots.TOKYO


def parse(body: bytes):
    return vobject.readOne(body.decode("utf-8"))


def test_feed_has_single_and_recurring_bookings_with_exdates(
    client, campus, applicant, kakaricho
):
    ClosureDay.objects.create(date=datetime.date(2027, 5, 17), name="庁舎停電点検")
    single = services.book(
        resource=campus.room,
        person=applicant,
        by=applicant,
        starts_at=slots.at(datetime.date(2027, 4, 27), datetime.time(13)),
        ends_at=slots.at(datetime.date(2027, 4, 27), datetime.time(14, 30)),
        title="係会議",
        now=NOW,
    )
    series = services.book_series(
        resource=campus.desk,
        person=applicant,
        by=applicant,
        starts_at=slots.at(datetime.date(2027, 4, 26), datetime.time(8, 30)),
        ends_at=slots.at(datetime.date(2027, 4, 26), datetime.time(12)),
        rrule="FREQ=WEEKLY;BYDAY=MO",
        until=datetime.date(2027, 6, 7),
        now=NOW,
    )
    occurrences = list(series.bookings.order_by("starts_at"))
    services.cancel_booking(booking=occurrences[2], by=applicant, now=NOW)  # 5/24
    token = services.issue_calendar_token(person=applicant)

    response = client.get(f"/spaces/calendar/{token}.ics")  # no login: a calendar app
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = parse(response.content)

    timezones = [tz.tzid.value for tz in calendar.contents.get("vtimezone", [])]
    assert timezones == ["Asia/Tokyo"]
    events = {event.uid.value.split("@")[0]: event for event in calendar.vevent_list}
    assert set(events) == {f"booking-{single.pk}", f"series-{series.pk}"}

    meeting = events[f"booking-{single.pk}"]
    assert meeting.dtstart.value == datetime.datetime(2027, 4, 27, 13, tzinfo=TOKYO)
    assert meeting.dtend.value == datetime.datetime(2027, 4, 27, 14, 30, tzinfo=TOKYO)
    assert "係会議" in meeting.summary.value

    desk = events[f"series-{series.pk}"]
    assert "FREQ=WEEKLY" in desk.rrule.value
    expanded = [moment.astimezone(TOKYO) for moment in desk.getrruleset(addRDate=True)]
    expected = [
        slots.local(b.starts_at) for b in series.bookings.active().order_by("starts_at")
    ]
    # 5/3 and 5/4 are holidays (skipped), 5/17 a closure day, 5/24 cancelled.
    assert expanded == expected
    assert [d.date() for d in expanded] == [
        datetime.date(2027, 4, 26),
        datetime.date(2027, 5, 10),
        datetime.date(2027, 5, 31),
        datetime.date(2027, 6, 7),
    ]


def test_feed_token_is_secret_and_revocable(client, campus, applicant):
    token = services.issue_calendar_token(person=applicant)
    assert client.get(f"/spaces/calendar/{token}.ics").status_code == 200
    assert client.get("/spaces/calendar/guess.ics").status_code == 404
    new_token = services.issue_calendar_token(person=applicant)
    assert client.get(f"/spaces/calendar/{token}.ics").status_code == 404
    assert client.get(f"/spaces/calendar/{new_token}.ics").status_code == 200
    services.revoke_calendar_token(person=applicant)
    assert client.get(f"/spaces/calendar/{new_token}.ics").status_code == 404
    assert SpacesProfile.objects.get(person=applicant).calendar_token is None


def test_add_one_booking_to_a_calendar(client, campus, applicant, stranger, day):
    booking = services.book_desk(
        desk=campus.desk, person=applicant, by=applicant, day=day, slot="pm"
    )
    client.force_login(applicant)
    response = client.get(f"/spaces/bookings/{booking.pk}/calendar.ics")
    event = parse(response.content).vevent
    assert event.dtstart.value == slots.at(day, datetime.time(13))
    assert event.location.value == "本庁舎 3階 A-01"
    client.force_login(stranger)
    assert client.get(f"/spaces/bookings/{booking.pk}/calendar.ics").status_code == 404


def test_settings_page_issues_and_revokes_the_feed(client, applicant):
    client.force_login(applicant)
    client.post("/spaces/settings/", {"action": "issue_token"})
    page = client.get("/spaces/settings/").content.decode()
    token = SpacesProfile.objects.get(person=applicant).calendar_token
    assert f"/spaces/calendar/{token}.ics" in page
    client.post("/spaces/settings/", {"action": "revoke_token"})
    assert SpacesProfile.objects.get(person=applicant).calendar_token is None


def test_a_series_starts_at_its_first_real_occurrence_with_a_stable_uid(
    client, campus, applicant, settings
):
    """Booked on a Monday for Tuesdays: DTSTART (Asia/Tokyo) is the first Tuesday,
    never the Monday (RFC 5545 counts DTSTART as an occurrence); the UID does not
    follow BASE_URL, so a moved intranet does not duplicate events."""
    series = services.book_series(
        resource=campus.desk,
        person=applicant,
        by=applicant,
        starts_at=slots.at(datetime.date(2027, 4, 26), datetime.time(8, 30)),  # Mon
        ends_at=slots.at(datetime.date(2027, 4, 26), datetime.time(12)),
        rrule="FREQ=WEEKLY;BYDAY=TU",
        until=datetime.date(2027, 5, 25),
        now=NOW,
    )
    token = services.issue_calendar_token(person=applicant)
    body = client.get(f"/spaces/calendar/{token}.ics").content
    assert b"DTSTART;TZID=Asia/Tokyo:20270427T083000" in body
    (event,) = parse(body).vevent_list
    assert event.dtstart.value == datetime.datetime(2027, 4, 27, 8, 30, tzinfo=TOKYO)
    starts = [start.date() for start in event.getrruleset()]
    assert starts[0] == datetime.date(2027, 4, 27)
    assert all(start.weekday() == 1 for start in starts)  # Tuesdays only
    assert datetime.date(2027, 4, 26) not in starts
    first_uid = event.uid.value
    assert first_uid.startswith(f"series-{series.pk}@")

    settings.WAGTAILADMIN_BASE_URL = "https://portal.ward.example.jp"
    (moved,) = parse(client.get(f"/spaces/calendar/{token}.ics").content).vevent_list
    assert moved.uid.value == first_uid
