"""Logging in on a phone and on a desktop, in real Chromium."""

import pytest

from tests.e2e.conftest import assert_no_horizontal_overflow, log_in, screenshot

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_log_in_and_see_home(live, new_page, applicant, device):
    page = new_page(device)
    page.goto(f"{live.url}/")
    assert page.url.startswith(f"{live.url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert_no_horizontal_overflow(page)
    screenshot(page, f"login-{device}")

    log_in(page, live.url, "sato")
    assert "佐藤 花子 さん" in page.get_by_test_id("home-greeting").inner_text()
    nav = page.get_by_test_id("primary-nav")
    assert nav.is_visible()
    if device == "phone":
        # The tab bar sits at the bottom of the screen, within thumb reach.
        box = nav.bounding_box()
        assert box["y"] + box["height"] >= 844 - 1
    assert_no_horizontal_overflow(page)
    screenshot(page, f"home-{device}")


def test_wrong_password_shows_a_clear_message(live, new_page, applicant):
    page = new_page("phone")
    log_in_page = f"{live.url}/accounts/login/"
    page.goto(log_in_page)
    page.get_by_label("ユーザーID").fill("sato")
    page.get_by_label("パスワード").fill("wrong")
    page.get_by_test_id("login-submit").click()
    assert (
        "ユーザーIDまたはパスワードが正しくありません"
        in page.get_by_role("alert").inner_text()
    )


def test_log_out_from_the_user_menu(live, new_page, applicant):
    page = new_page("phone")
    log_in(page, live.url, "sato")
    page.get_by_test_id("user-menu").locator("summary").click()
    page.get_by_test_id("logout").click()
    page.wait_for_url(f"{live.url}/accounts/login/")
