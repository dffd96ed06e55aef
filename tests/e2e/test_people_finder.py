"""The people finder on a phone: live results as you type, a profile, presence."""

import pytest

from tests.e2e.conftest import assert_no_horizontal_overflow, log_in, screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture
def ward(transactional_db, settings):
    """The demo ward; every password is the one the e2e log_in helper types."""
    import io

    from django.contrib.auth.hashers import make_password

    from directory import demo
    from directory.models import Person

    demo.load(stdout=io.StringIO())
    Person.objects.update(password=make_password("pass-word-123"))


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_find_a_colleague_as_you_type(live, new_page, ward, device):
    page = new_page(device)
    log_in(page, live.url, "suzuki")
    page.goto(f"{live.url}/people/")
    page.get_by_test_id("people-q").fill("ｻﾄｳ")
    rows = page.get_by_test_id("person-row")
    rows.first.wait_for()
    assert "佐藤 花子" in page.get_by_test_id("people-results").inner_text()
    assert "?q=" in page.url  # the address follows the search (back button, sharing)
    assert_no_horizontal_overflow(page)
    screenshot(page, f"people-{device}")
    page.get_by_role("link", name="佐藤 花子").click()
    page.get_by_test_id("profile").wait_for()
    assert "庶務係" in page.get_by_test_id("memberships").inner_text()
    # Her 係長 marks her on leave today.
    page.get_by_test_id("today-status").get_by_role("button", name="休暇").click()
    assert "休暇" in page.get_by_test_id("presence-today").inner_text()
    assert_no_horizontal_overflow(page)
    screenshot(page, f"profile-{device}")


def test_finder_works_without_javascript(live, browser, ward):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live.url, "sato")
    page.goto(f"{live.url}/people/")
    page.get_by_test_id("people-q").fill("sato")
    page.get_by_test_id("people-search").get_by_role("button", name="検索").click()
    assert "佐藤 花子" in page.get_by_test_id("people-results").inner_text()
    context.close()


def test_org_chart_on_a_phone(live, new_page, ward):
    page = new_page("phone")
    log_in(page, live.url, "sato")
    page.goto(f"{live.url}/people/units/")
    page.get_by_role("link", name="庶務係").click()
    assert "鈴木 一郎" in page.get_by_test_id("unit-members").inner_text()
    assert_no_horizontal_overflow(page)
    screenshot(page, "unit-phone")
