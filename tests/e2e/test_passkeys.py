"""Second factors in real Chromium: enrolment right after the password on a phone
(MFA_REQUIRED=always), a passkey registered through Chromium's virtual authenticator
(DevTools WebAuthn domain), then a sign-in with that passkey alone.

WebAuthn refuses an IP address as relying party, so the browser calls the server
as ``localhost`` (Chromium resolves it to the loopback address itself).
"""

from __future__ import annotations

import base64
import json

import pytest
from webauthn import verify_authentication_response
from webauthn.helpers import base64url_to_bytes
from webauthn.helpers.exceptions import InvalidAuthenticationResponse

from intranet.signin.models import OpenSession, Passkey
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_no_horizontal_overflow, screenshot
from tests.e2e.test_accessibility import violations

pytestmark = pytest.mark.e2e


@pytest.fixture
def strict_live(asgi_server, home_page):
    server = asgi_server(env={"MFA_REQUIRED": "always"})
    return server.url.replace("127.0.0.1", "localhost")


def virtual_authenticator(page) -> tuple:
    """A platform authenticator with resident keys and user verification (a phone's
    fingerprint), attached to this page through the DevTools protocol."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def password_log_in(page, base, username="sato"):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("ユーザーID").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()


def test_enrol_a_passkey_on_a_phone_then_sign_in_with_it(
    strict_live, new_page, applicant
):
    base = strict_live
    page = new_page("phone")
    cdp, authenticator = virtual_authenticator(page)

    # Right after the password: led to enrolment, not to the dashboard.
    password_log_in(page, base)
    page.wait_for_url(f"{base}/signin/enrol/**")
    assert page.get_by_test_id("enrol-intro").is_visible()
    assert_no_horizontal_overflow(page)
    assert violations(page) == []
    screenshot(page, "signin-enrol-phone")
    page.goto(f"{base}/approvals/")
    page.wait_for_url(f"{base}/signin/enrol/**")

    page.get_by_label("パスキーの名前").fill("業務用スマートフォン")
    page.get_by_test_id("passkey-register-submit").click()
    codes = page.get_by_test_id("recovery-codes")
    codes.wait_for()
    assert len(codes.locator("li").all()) == 10
    assert_no_horizontal_overflow(page)
    assert violations(page) == []
    page.get_by_test_id("recovery-done").click()
    page.wait_for_url(f"{base}/approvals/")

    passkey = Passkey.objects.get(person=applicant)
    assert passkey.name == "業務用スマートフォン"
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    # The key the server keeps is the one the authenticator holds (CDP: base64).
    held = [base64.b64decode(c["credentialId"]) for c in stored["credentials"]]
    assert held == [base64url_to_bytes(passkey.credential_id)]

    # Log out, then sign in with the passkey alone (no user ID, no password).
    page.get_by_test_id("user-menu").locator("summary").click()
    page.get_by_test_id("logout").click()
    page.wait_for_url(f"{base}/accounts/login/**")
    answers = []
    page.on(
        "request",
        lambda request: (
            answers.append(request.post_data_json)
            if request.url == f"{base}/signin/passkey/" and request.method == "POST"
            else None
        ),
    )
    page.get_by_test_id("passkey-sign-in-submit").click()
    page.wait_for_url(f"{base}/")
    assert "佐藤 花子 さん" in page.get_by_test_id("home-greeting").inner_text()
    assert OpenSession.objects.filter(person=applicant, method="passkey").exists()
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None

    # The browser's assertion verifies for this origin and relying party only.
    assertion = json.loads(answers[0]["credential"])
    client_data = json.loads(
        base64url_to_bytes(assertion["response"]["clientDataJSON"])
    )
    assert client_data["origin"] == base

    def check(origin, rp_id):
        return verify_authentication_response(
            credential=assertion,
            expected_challenge=base64url_to_bytes(client_data["challenge"]),
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=0,
            require_user_verification=True,
        )

    assert check(base, "localhost").user_verified
    with pytest.raises(InvalidAuthenticationResponse):
        check("https://intranet.evil.example", "localhost")
    with pytest.raises(InvalidAuthenticationResponse):
        check(base, "evil.example")


def test_settings_page_on_a_phone(strict_live, new_page, applicant):
    """The settings page in the intranet's layout at 390 px, reached from the user
    menu once the person has a factor."""
    base = strict_live
    page = new_page("phone")
    virtual_authenticator(page)
    password_log_in(page, base)
    page.wait_for_url(f"{base}/signin/enrol/**")
    page.get_by_label("パスキーの名前").fill("PC")
    page.get_by_test_id("passkey-register-submit").click()
    page.get_by_test_id("recovery-done").click()
    page.wait_for_url(f"{base}/")
    page.get_by_test_id("user-menu").locator("summary").click()
    page.get_by_test_id("signin-settings-link").click()
    page.wait_for_url(f"{base}/signin/")
    assert page.get_by_test_id("passkey-item").count() == 1
    assert_no_horizontal_overflow(page)
    assert violations(page) == []
    screenshot(page, "signin-settings-phone")
    # The authenticator app's QR code, at phone width too.
    page.get_by_test_id("totp-add").click()
    page.get_by_test_id("totp-qr").locator("svg").wait_for()
    assert_no_horizontal_overflow(page)
    assert violations(page) == []
    screenshot(page, "signin-totp-phone")
