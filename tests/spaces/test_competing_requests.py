"""Who else asked for the same room and time is shown to the room's approver only
(issue 16, F8)."""

from __future__ import annotations

import datetime

from tests.spaces.test_approval import big_room_request


def test_a_requester_does_not_see_who_else_asked(
    client, campus, applicant, kakaricho, kacho, day
):
    mine = big_room_request(campus, applicant, day)
    big_room_request(campus, kakaricho, day, "11:00", "12:30")
    client.force_login(applicant)
    page = client.get(f"/spaces/approvals/{mine.pk}/")
    assert page.status_code == 200
    assert "鈴木" not in page.content.decode()
    assert "同じ時間帯に他の申請" not in page.content.decode()

    client.force_login(kacho)
    page = client.get(f"/spaces/approvals/{mine.pk}/").content.decode()
    assert "同じ時間帯に他の申請" in page and "鈴木" in page


def test_a_booking_title_is_stored_on_one_line(campus, applicant, day):
    from spaces import services, slots

    ten, eleven = datetime.time(10), datetime.time(11)
    booking = services.book(
        resource=campus.big_room,
        person=applicant,
        by=applicant,
        starts_at=slots.at(day, ten),
        ends_at=slots.at(day, eleven),
        title="課内\r\n打合せ\x07",
    )
    assert booking.title == "課内 打合せ"
