"""Signing in through the tests' own OpenID Connect provider, in real Chromium."""

import pytest

from tests.e2e.conftest import assert_no_horizontal_overflow, screenshot
from tests.support.oidc_provider import start_oidc_provider

pytestmark = pytest.mark.e2e


@pytest.fixture
def provider(tmp_path):
    provider = start_oidc_provider(
        users={
            "hanako": {"sub": "idp-0001", "email": "sato@ward.example.jp"},
            "newcomer": {"sub": "idp-0009", "email": "newcomer@ward.example.jp"},
        },
        log_dir=tmp_path,
    )
    yield provider
    provider.stop()


@pytest.fixture
def intranet(asgi_server, home_page, provider):
    return asgi_server(env=provider.environment())


def sign_in_at_provider(page, username):
    page.get_by_label("IdPのユーザー名").fill(username)
    page.get_by_role("button", name="サインイン").click()


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_sign_in_and_out_through_the_provider(
    intranet, provider, new_page, applicant, device
):
    page = new_page(device)
    page.goto(f"{intranet.url}/people/")
    assert page.url.startswith(f"{intranet.url}/accounts/login/")
    button = page.get_by_test_id("sso-oidc")
    assert button.inner_text() == "組織アカウントでログイン"
    # Above the password form, which stays for when the provider is down.
    assert (
        button.bounding_box()["y"] < page.get_by_label("パスワード").bounding_box()["y"]
    )
    assert_no_horizontal_overflow(page)
    screenshot(page, f"login-sso-{device}")

    button.click()
    page.wait_for_url(f"{provider.url}/authorize?**")
    sign_in_at_provider(page, "hanako")
    page.wait_for_url(f"{intranet.url}/people/")
    page.goto(f"{intranet.url}/")
    assert "佐藤 花子 さん" in page.get_by_test_id("home-greeting").inner_text()

    page.get_by_test_id("user-menu").locator("summary").click()
    page.get_by_test_id("logout").click()
    page.wait_for_url(f"{intranet.url}/accounts/login/")
    assert len(provider.logouts()) == 1
    page.goto(f"{intranet.url}/")
    assert page.url.startswith(f"{intranet.url}/accounts/login/")


def test_someone_unknown_to_the_directory_is_told_so(
    intranet, provider, new_page, applicant
):
    page = new_page("phone")
    page.goto(f"{intranet.url}/accounts/login/")
    page.get_by_test_id("sso-oidc").click()
    sign_in_at_provider(page, "newcomer")
    page.wait_for_url(f"{intranet.url}/accounts/login/")
    message = page.locator(".messages .message--error").inner_text()
    assert "職員名簿に見つかりません" in message
    assert "newcomer@ward.example.jp" in message
    # The password form is still there.
    assert page.get_by_label("パスワード").is_visible()
