"""A booking series is described in words, as the booking form offered it, never as
its raw rule (``FREQ=WEEKLY;BYDAY=TU``)."""

import datetime

import pytest

from spaces import services, slots
from spaces.recurrence import describe


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=DAILY", "毎日"),
        ("FREQ=WEEKLY;BYDAY=TU", "毎週火曜日"),
        ("FREQ=WEEKLY;BYDAY=TU,TH", "毎週火曜日・木曜日"),
        ("FREQ=WEEKLY;BYDAY=MO;INTERVAL=2", "2週間ごとの月曜日"),
        ("FREQ=MONTHLY;BYMONTHDAY=5", "毎月5日"),
        ("FREQ=MONTHLY;BYDAY=2TU", "毎月第2火曜日"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "毎月最終金曜日"),
    ],
)
def test_rules_in_words(rule, words):
    assert describe(rule) == words


@pytest.mark.django_db
def test_the_booking_page_says_the_series_in_words(client, campus, applicant):
    series = services.book_series(
        resource=campus.desk,
        person=applicant,
        by=applicant,
        starts_at=slots.at(datetime.date(2027, 4, 27), datetime.time(8, 30)),
        ends_at=slots.at(datetime.date(2027, 4, 27), datetime.time(12)),
        rrule="FREQ=WEEKLY;BYDAY=TU",
        until=datetime.date(2027, 6, 1),
        now=slots.at(datetime.date(2027, 4, 20), datetime.time(9)),
    )
    client.force_login(applicant)
    booking = series.bookings.first()
    page = client.get(f"/spaces/bookings/{booking.pk}/").content.decode()
    assert "毎週火曜日（〜" in page and "6月1日" in page
    assert "FREQ=" not in page
