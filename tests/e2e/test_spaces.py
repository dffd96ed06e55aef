"""Booking a desk from the floor plan on a phone; another browser sees it turn booked."""

import pytest

from spaces.models import Booking
from tests.e2e.conftest import assert_no_horizontal_overflow, log_in, screenshot
from tests.spaces.conftest import business_day, make_campus

pytestmark = pytest.mark.e2e


@pytest.fixture
def campus(office):
    return make_campus(office)


def test_book_a_desk_on_a_phone_and_watch_it_live(
    live,
    new_page,
    campus,
    applicant,
    kakaricho,
):
    day = business_day(2).isoformat()
    floor_url = f"{live.url}/spaces/floors/{campus.floor.pk}/?date={day}&slot=am"

    watcher = new_page("desktop")
    log_in(watcher, live.url, "suzuki")
    watcher.goto(floor_url)
    watcher_plan = watcher.get_by_test_id("floor-plan")
    watcher.locator('[data-testid="floor-plan"][data-live="subscribed"]').wait_for()
    assert watcher.get_by_test_id("seat-A-03").get_attribute("data-state") == "free"

    phone = new_page("phone")
    log_in(phone, live.url, "sato")
    phone.goto(floor_url)
    assert_no_horizontal_overflow(phone)
    seat = phone.get_by_test_id("seat-A-03")
    assert seat.get_attribute("aria-label") == "A-03、空き"
    seat.click()
    phone.get_by_test_id("booking-form").wait_for()
    assert_no_horizontal_overflow(phone)
    screenshot(phone, "spaces-book-phone")
    phone.get_by_test_id("book-submit").click()
    phone.wait_for_url(f"{live.url}/spaces/floors/{campus.floor.pk}/**")
    assert "予約しました" in phone.locator(".messages").inner_text()
    assert phone.get_by_test_id("seat-A-03").get_attribute("data-state") == "mine"
    screenshot(phone, "spaces-floor-phone")

    # The other browser was not reloaded: the live event turned the desk booked.
    watcher.locator('[data-testid="seat-A-03"][data-state="booked"]').wait_for(
        timeout=10_000
    )
    assert (
        watcher.get_by_test_id("seat-A-03")
        .get_attribute("aria-label")
        .startswith("A-03、予約済み")
    )
    assert watcher_plan.get_attribute("data-updated")
    booking = Booking.objects.get(person=applicant)
    assert booking.resource == campus.desks[2]
    screenshot(watcher, "spaces-floor-live-desktop")


def test_keyboard_reaches_every_desk(live, new_page, campus, applicant):
    page = new_page("desktop")
    log_in(page, live.url, "sato")
    page.goto(
        f"{live.url}/spaces/floors/{campus.floor.pk}/?date={business_day(2).isoformat()}&slot=am"
    )
    seats = page.locator("a.seat")
    assert seats.count() == 10
    for index in range(seats.count()):
        label = seats.nth(index).get_attribute("aria-label")
        assert label and "、" in label
    seats.first.focus()
    assert (
        page.evaluate("document.activeElement.getAttribute('data-testid')")
        == "seat-A-01"
    )
