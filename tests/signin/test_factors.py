"""TOTP with codes computed for a given time (django-otp's own algorithm, no sleep),
recovery codes shown once and kept hashed, and passkeys through a software
authenticator verified by py_webauthn: registered, used to sign in, refused for
another origin or site."""

from __future__ import annotations

import json
import re
import time

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from intranet.signin.models import Passkey
from intranet.signin.session import MFA_VERIFIED, SIGNIN_METHOD
from tests.signin.conftest import password_login
from tests.support.authenticator import SoftAuthenticator

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"


def code_at(device: TOTPDevice, when: float) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = when
    return f"{totp.token():0{device.digits}d}"


def enrol_totp(client) -> TOTPDevice:
    page = client.get("/signin/totp/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(pk=page.context["device"].pk)
    secret = page.context["secret"].replace(" ", "")
    assert "<svg" in page.content.decode()
    assert secret in device.config_url  # the QR code carries the same key
    response = client.post(
        "/signin/totp/", {"device": device.pk, "code": code_at(device, time.time())}
    )
    assert response.status_code == 200  # recovery codes, shown once
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_totp_enrolment_and_sign_in(signin_policy, applicant, home_page):
    signin_policy("always")
    client = password_login(applicant)
    device = enrol_totp(client)
    assert client.session[MFA_VERIFIED] is True
    assert client.get("/").status_code == 200

    later = password_login(applicant)
    assert later.get("/")["Location"] == "/signin/verify/?next=%2F"
    # A code from five minutes ago is refused.
    stale = later.post(
        "/signin/verify/", {"code": code_at(device, time.time() - 300), "next": "/"}
    )
    assert stale.status_code == 400
    assert "確認コードが正しくありません" in stale.content.decode()
    assert later.session[MFA_VERIFIED] is False
    # django-otp makes the next try wait a second after a failure; no sleep here.
    device.refresh_from_db()
    device.throttle_reset()
    # The next period's code (the enrolment used this one's: each code works once).
    current = code_at(device, time.time() + device.step)
    ok = later.post("/signin/verify/", {"code": current, "next": "/"})
    assert ok.status_code == 302 and ok["Location"] == "/"
    assert later.session[MFA_VERIFIED] is True
    assert later.get("/").status_code == 200
    # The same code cannot open a third session.
    third = password_login(applicant)
    assert third.post("/signin/verify/", {"code": current}).status_code == 400
    assert third.session[MFA_VERIFIED] is False


def test_wrong_first_code_keeps_the_key_unconfirmed(signin_policy, applicant):
    client = password_login(applicant)
    page = client.get("/signin/totp/")
    device = page.context["device"]
    response = client.post(
        "/signin/totp/",
        {"device": device.pk, "code": code_at(device, time.time() - 600)},
    )
    assert response.status_code == 400
    assert "確認コードが正しくありません" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=applicant, confirmed=True).exists()


def test_recovery_codes_are_shown_once_stored_hashed_and_used_once(
    signin_policy, applicant, home_page
):
    signin_policy("always")
    client = password_login(applicant)
    page = client.get("/signin/totp/")
    device = page.context["device"]
    shown = client.post(
        "/signin/totp/", {"device": device.pk, "code": code_at(device, time.time())}
    )
    codes = re.findall(
        r"<code>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})</code>", shown.content.decode()
    )
    assert len(codes) == 10
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert len(stored) == 10
    assert not {code.replace("-", "") for code in codes} & stored
    assert not set(codes) & stored

    later = password_login(applicant)
    typed = codes[3].upper().replace("-", " ")  # as someone might copy it
    ok = later.post("/signin/verify/", {"kind": "recovery", "code": typed, "next": "/"})
    assert ok.status_code == 302
    assert later.session[MFA_VERIFIED] is True
    again = password_login(applicant)
    used = again.post("/signin/verify/", {"kind": "recovery", "code": codes[3]})
    assert used.status_code == 400
    assert StaticToken.objects.count() == 9


def register_passkey(client, authenticator, name="業務用スマートフォン"):
    options = json.loads(client.post("/signin/passkeys/new/options/").content)
    assert options["authenticatorSelection"]["residentKey"] == "required"
    credential = authenticator.create(options, origin=ORIGIN)
    return client.post(
        "/signin/passkeys/new/",
        {"credential": json.dumps(credential), "name": name},
    )


def passkey_sign_in(client, authenticator, *, origin=ORIGIN, rp_id=None):
    options = json.loads(client.post("/signin/passkey/options/").content)
    assertion = authenticator.get(options, origin=origin, rp_id=rp_id)
    return client.post(
        "/signin/passkey/", {"credential": json.dumps(assertion), "next": "/"}
    )


def test_passkey_registered_then_signs_in_without_a_password(
    signin_policy, applicant, home_page
):
    signin_policy("always")
    authenticator = SoftAuthenticator()
    response = register_passkey(password_login(applicant), authenticator)
    assert response.status_code == 200  # the recovery codes
    passkey = Passkey.objects.get(person=applicant)
    assert passkey.name == "業務用スマートフォン"

    browser = Client()
    signed_in = passkey_sign_in(browser, authenticator)
    assert signed_in.status_code == 302 and signed_in["Location"] == "/"
    assert browser.session["_auth_user_id"] == str(applicant.pk)
    assert browser.session[SIGNIN_METHOD] == "passkey"
    assert browser.session[MFA_VERIFIED] is True  # the passkey verified its user
    assert browser.get("/").status_code == 200
    passkey.refresh_from_db()
    assert passkey.sign_count == 1 and passkey.last_used_at


@pytest.mark.parametrize(
    ("origin", "rp_id"),
    [
        ("http://evil.example", None),
        (ORIGIN, "evil.example"),
        ("https://testserver", None),
    ],
)
def test_passkey_assertion_for_another_site_is_refused(
    signin_policy, applicant, home_page, origin, rp_id
):
    authenticator = SoftAuthenticator()
    register_passkey(password_login(applicant), authenticator)
    browser = Client()
    refused = passkey_sign_in(browser, authenticator, origin=origin, rp_id=rp_id)
    assert refused.status_code == 302 and refused["Location"].startswith(
        "/accounts/login/"
    )
    assert "_auth_user_id" not in browser.session
    # The same authenticator, for this site, still works: the refusal was the origin.
    assert passkey_sign_in(browser, authenticator)["Location"] == "/"


def test_passkey_without_user_verification_is_no_sign_in(
    signin_policy, applicant, home_page
):
    authenticator = SoftAuthenticator(user_verification=False)
    register_passkey(password_login(applicant), authenticator)
    browser = Client()
    refused = passkey_sign_in(browser, authenticator)
    assert refused["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in browser.session


def test_a_replayed_assertion_is_refused(signin_policy, applicant, home_page):
    authenticator = SoftAuthenticator()
    register_passkey(password_login(applicant), authenticator)
    browser = Client()
    options = json.loads(browser.post("/signin/passkey/options/").content)
    assertion = json.dumps(authenticator.get(options, origin=ORIGIN))
    assert (
        browser.post("/signin/passkey/", {"credential": assertion})["Location"] == "/"
    )
    other = Client()
    other.post("/signin/passkey/options/")  # a fresh challenge, not the one signed
    replay = other.post("/signin/passkey/", {"credential": assertion})
    assert replay["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in other.session


def test_someone_elses_passkey_is_no_second_factor(
    signin_policy, applicant, stranger, home_page
):
    signin_policy("always")
    mine = SoftAuthenticator()
    register_passkey(password_login(applicant), mine)
    theirs = SoftAuthenticator()
    register_passkey(password_login(stranger), theirs)
    client = password_login(applicant)
    options = json.loads(client.post("/signin/passkey/options/").content)
    assert [c["id"] for c in options["allowCredentials"]] == [
        Passkey.objects.get(person=applicant).credential_id
    ]
    theirs.user_handle = mine.user_handle
    forged = theirs.get(options, origin=ORIGIN)
    response = client.post("/signin/passkey/", {"credential": json.dumps(forged)})
    assert response["Location"].startswith("/signin/verify/")
    assert client.session[MFA_VERIFIED] is False


def test_a_password_alone_cannot_add_a_factor_to_a_protected_account(
    signin_policy, applicant, home_page
):
    signin_policy("always")
    register_passkey(password_login(applicant), SoftAuthenticator())
    attacker = password_login(applicant)
    options = attacker.post("/signin/passkeys/new/options/")
    assert options.status_code == 403
    added = attacker.post("/signin/passkeys/new/", {"credential": "{}", "name": "x"})
    assert added["Location"].startswith("/signin/verify/")
    assert Passkey.objects.filter(person=applicant).count() == 1
    assert attacker.get("/signin/totp/")["Location"].startswith("/signin/verify/")


def test_several_passkeys_named_and_removable(signin_policy, applicant, stranger):
    client = password_login(applicant)
    register_passkey(client, SoftAuthenticator(), "スマートフォン")
    register_passkey(client, SoftAuthenticator(), "セキュリティキー")
    page = client.get("/signin/")
    assert page.status_code == 200
    assert "スマートフォン" in page.content.decode()
    assert "セキュリティキー" in page.content.decode()
    first = Passkey.objects.get(name="スマートフォン")
    assert (
        password_login(stranger)
        .post(f"/signin/passkeys/{first.pk}/remove/")
        .status_code
        == 403
    )
    assert client.post(f"/signin/passkeys/{first.pk}/remove/").status_code == 302
    assert list(Passkey.objects.values_list("name", flat=True)) == ["セキュリティキー"]


def test_garbage_credential_is_a_clear_refusal(signin_policy, applicant, home_page):
    client = Client()
    client.post("/signin/passkey/options/")
    for junk in ("", "not json", "[]", json.dumps({"id": "AAAA"})):
        response = client.post("/signin/passkey/", {"credential": junk}, follow=True)
        assert response.status_code == 200
        assert "ログイン" in response.content.decode()


def test_a_passkey_as_the_second_step_after_the_password(
    signin_policy, applicant, home_page
):
    signin_policy("always")
    authenticator = SoftAuthenticator(user_verification=False)  # a plain security key
    register_passkey(password_login(applicant), authenticator)
    client = password_login(applicant)
    assert client.get("/")["Location"] == "/signin/verify/?next=%2F"
    options = json.loads(client.post("/signin/passkey/options/").content)
    answer = authenticator.get(options, origin=ORIGIN)
    response = client.post(
        "/signin/passkey/", {"credential": json.dumps(answer), "next": "/approvals/"}
    )
    assert response["Location"] == "/approvals/"
    assert client.session[MFA_VERIFIED] is True
    assert client.session[SIGNIN_METHOD] == "password"
    assert client.get("/").status_code == 200


def test_the_middleware_reads_only_the_session_keys(
    signin_policy, applicant, home_page
):
    """However a session was opened (the sso app sets these keys itself), a session
    that says its second factor was verified passes; one that does not, does not."""
    signin_policy("always")
    for verified, expected in ((True, 200), (False, 302)):
        client = Client()
        client.force_login(applicant)
        session = client.session
        session[SIGNIN_METHOD] = "oidc"
        session[MFA_VERIFIED] = verified
        session.save()
        assert client.get("/").status_code == expected
