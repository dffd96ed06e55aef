"""On a phone, a form that sends you back to a place on a long page (a comment, 賛同)
lands there with the place below the sticky header, and the message saying what
happened beside it, not ~800 px above at the top of the page."""

import pytest
from playwright.sync_api import expect

from intranet.proposals import services
from tests.content.conftest import make_proposal, proposal, pt, site  # noqa: F401
from tests.e2e.conftest import log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def below_the_header(page, locator):
    header = page.locator(".site-header").bounding_box()
    box = locator.bounding_box()
    top = header["y"] + header["height"]
    assert box["y"] >= top, f"{box['y']:.0f}px is under the header ending at {top:.0f}"
    assert box["y"] < page.viewport_size["height"], "below the screen"


def test_a_posted_comment_and_its_message_are_on_screen(
    live,
    new_page,
    proposal,  # noqa: F811
    applicant,
    kakaricho,
):
    for number in range(8):  # a long discussion: the new comment is far down
        services.add_comment(
            proposal=proposal, author=kakaricho, body=f"意見{number}\n" * 6
        )
    page = new_page("phone")
    log_in(page, live.url, "sato")
    page.goto(f"{live.url}{proposal.url}")
    page.get_by_test_id("comment-input").fill("窓口でも困っていました。")
    page.get_by_test_id("comment-submit").click()
    page.wait_for_url(f"{live.url}{proposal.url}#comment-*")
    page.wait_for_load_state()
    message = page.get_by_role("status").filter(has_text="コメントを投稿しました")
    expect(message).to_be_visible()
    assert page.evaluate("window.scrollY") > 300  # it did go down to the comment
    below_the_header(page, message)
    mine = page.get_by_test_id("comment").filter(has_text="窓口でも困っていました")
    below_the_header(page, mine)
    screenshot(page, "proposal-comment-anchor-phone")
