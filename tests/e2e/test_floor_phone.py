"""The floor plan on a 390 px phone: the zoom controls never cover a desk, every
control a thumb needs is at least 44×44 CSS px, and the desks are offered as a list."""

import pytest

from tests.e2e.conftest import assert_no_horizontal_overflow, log_in, screenshot
from tests.spaces.conftest import business_day, make_campus

pytestmark = pytest.mark.e2e

BOXES = """() => {
  const box = e => { const r = e.getBoundingClientRect();
    return {x: r.left, y: r.top, w: r.width, h: r.height,
            name: e.getAttribute('data-testid') || e.getAttribute('data-zoom') || ''}; };
  const svg = document.querySelector('.plan__svg').getBoundingClientRect();
  return {
    tools: [...document.querySelectorAll('.plan__tool')].map(box),
    // What shows of each desk: the SVG clips what lies outside its box.
    seats: [...document.querySelectorAll('.plan__svg a.seat')].map(box)
      .map(s => { const x = Math.max(s.x, svg.left), y = Math.max(s.y, svg.top);
        return {...s, x: x, y: y, full: Math.min(s.w, s.h), w: Math.min(s.x + s.w, svg.right) - x,
                h: Math.min(s.y + s.h, svg.bottom) - y}; })
      .filter(s => s.w > 0 && s.h > 0),
    svg: {x: svg.left, y: svg.top, w: svg.width, h: svg.height},
  };
}"""


def overlap(a, b) -> bool:
    return (
        a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and a["y"] < b["y"] + b["h"]
        and b["y"] < a["y"] + a["h"]
    )


@pytest.fixture
def campus(office):
    return make_campus(office)


def test_the_floor_plan_on_a_phone(live, new_page, campus, applicant):
    page = new_page("phone")
    log_in(page, live.url, "sato")
    day = business_day(2).isoformat()
    page.goto(f"{live.url}/spaces/floors/{campus.floor.pk}/?date={day}&slot=am")
    assert_no_horizontal_overflow(page)
    boxes = page.evaluate(BOXES)
    print("floor plan 390px:", boxes)
    assert len(boxes["tools"]) == 3
    for tool in boxes["tools"]:
        assert tool["w"] >= 44 and tool["h"] >= 44, tool
    # Zoomed in up to the limit, panned about: no control ever lies over a desk.
    for _tap in range(5):
        for tool in boxes["tools"]:
            for seat in boxes["seats"]:
                assert not overlap(tool, seat), (tool, seat)
        page.locator("[data-zoom=in]").click()
        boxes = page.evaluate(BOXES)
    screenshot(page, "spaces-floor-zoomed-phone")
    # Zoomed in, a desk (15×10 px in the whole plan) is big enough for a thumb.
    assert boxes["seats"] and all(seat["full"] >= 44 for seat in boxes["seats"])

    # The list: every desk and room as a row a thumb can hit.
    listing = page.get_by_test_id("plan-list")
    summary = listing.locator("summary")
    assert summary.bounding_box()["height"] >= 44
    if listing.get_attribute("open") is None:
        summary.click()
    rows = listing.locator(".plan-list__row a")
    assert rows.count() == 10
    for index in range(rows.count()):
        box = rows.nth(index).bounding_box()
        assert box["height"] >= 44, rows.nth(index).inner_text()
    rows.filter(has_text="A-02").first.click()
    page.get_by_test_id("booking-form").wait_for()
