"""The desk's QR code on a 390 px phone: walk in, check out, scan again, walk in again.

The server runs on the real clock, so the building's half-days are stretched over the
whole day (00:00–23:59:58, then a two-second afternoon) and it opens on closed days: the
morning is always "now".
"""

import datetime

import pytest

from spaces import qr
from spaces.models import Booking
from tests.e2e.conftest import assert_no_horizontal_overflow, log_in, screenshot
from tests.spaces.conftest import make_campus

pytestmark = pytest.mark.e2e


@pytest.fixture
def campus(office):
    campus = make_campus(office)
    building = campus.building
    building.bookable_on_closure_days = True
    building.max_duration_minutes = 24 * 60
    building.morning_starts = datetime.time(0)
    building.morning_ends = datetime.time(23, 59, 58)
    building.afternoon_starts = datetime.time(23, 59, 58)
    building.afternoon_ends = datetime.time(23, 59, 59)
    building.save()
    return campus


def _tap_size(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["width"], box["height"]


def test_scan_check_out_and_scan_again_on_a_phone(live, new_page, campus, applicant):
    url = qr.checkin_url(campus.desk, live.url)
    phone = new_page("phone")
    log_in(phone, live.url, "sato")

    phone.goto(url)
    walk_in = phone.get_by_test_id("walk-in")
    assert "を予約してチェックイン" in walk_in.inner_text()
    assert min(_tap_size(walk_in)) >= 44
    walk_in.click()
    phone.get_by_test_id("checked-in").wait_for()
    assert "予約してチェックインしました" in phone.locator(".messages").inner_text()

    phone.get_by_role("link", name="予約の詳細・チェックアウト").click()
    phone.get_by_test_id("check-out").click()
    assert "チェックアウトしました" in phone.locator(".messages").inner_text()
    first = Booking.objects.get(person=applicant)
    assert first.status == Booking.Status.CHECKED_OUT

    # Scanning again offers the rest of the half-day, from now — not a check-in.
    phone.goto(url)
    assert phone.get_by_test_id("scan-check-in").count() == 0
    assert phone.get_by_test_id("checked-out").is_visible()
    walk_in = phone.get_by_test_id("walk-in")
    text = walk_in.inner_text()
    assert text.startswith("この席を予約してチェックイン")
    assert "23:59" in text and ("今から" in text or "〜" in text)
    assert min(_tap_size(walk_in)) >= 44
    assert_no_horizontal_overflow(phone)
    screenshot(phone, "spaces-scan-again-phone")
    walk_in.click()
    phone.get_by_test_id("checked-in").wait_for()
    assert "予約してチェックインしました" in phone.locator(".messages").inner_text()

    second = Booking.objects.exclude(pk=first.pk).get(person=applicant)
    assert second.status == Booking.Status.CHECKED_IN
    assert second.starts_at >= first.ends_at
