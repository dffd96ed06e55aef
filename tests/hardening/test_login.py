"""Login throttling per account and per address, its message, and session expiry.

The LDAP cases (filter injection at login, escaped DNs in the sync) are at the end and
need slapd; the rest runs against local (Django-password) accounts.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from directory.models import LoginFailure
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"
LOCKED_ACCOUNT = "このユーザーIDでのログインを一時停止しています"
LOCKED_ADDRESS = "この端末からのログイン失敗が続いたため"


def log_in(client, username, password, address="10.0.0.1"):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def throttle(settings):
    settings.LOGIN_THROTTLE = {"PER_ACCOUNT": 5, "PER_ADDRESS": 8, "WINDOW_MINUTES": 15}
    return settings.LOGIN_THROTTLE


def test_an_account_is_locked_after_five_failures_even_with_the_right_password(
    client, office, home_page, throttle
):
    for attempt in range(5):
        response = log_in(client, "sato", "wrong", address=f"10.0.1.{attempt}")
        assert LOCKED_ACCOUNT not in response.content.decode()
    response = log_in(client, "sato", PASSWORD, address="10.0.2.1")
    assert not logged_in(client)
    page = response.content.decode()
    assert LOCKED_ACCOUNT in page
    assert "15 分ほど待ってから" in page
    # The message is shown as the form's error, where the person is looking.
    assert re.search(r'role="alert"><li>[^<]*' + LOCKED_ACCOUNT, page)
    # Someone else at the same PC is not locked out.
    assert log_in(Client(), "suzuki", PASSWORD, address="10.0.2.1").status_code == 302


def test_the_account_lock_ignores_case_and_spaces(client, office, throttle):
    for name in ("sato", "SATO", " Sato ", "sAto", "sato"):
        log_in(client, name, "wrong")
    response = log_in(client, "sato", PASSWORD, address="10.9.9.9")
    assert LOCKED_ACCOUNT in response.content.decode()


def test_an_address_is_locked_after_many_failures_over_many_accounts(
    client, office, home_page, throttle
):
    for number in range(8):
        log_in(client, f"guess{number}", "wrong", address="10.0.3.3")
    response = log_in(client, "sato", PASSWORD, address="10.0.3.3")
    assert not logged_in(client)
    assert LOCKED_ADDRESS in response.content.decode()
    # The same person from another PC is fine: only that address waits.
    assert log_in(Client(), "sato", PASSWORD, address="10.0.3.4").status_code == 302


def test_the_lock_ends_after_the_window(client, office, home_page, throttle):
    for _attempt in range(5):
        log_in(client, "sato", "wrong")
    assert LOCKED_ACCOUNT in log_in(client, "sato", PASSWORD).content.decode()
    LoginFailure.objects.update(at=timezone.now() - datetime.timedelta(minutes=16))
    assert log_in(client, "sato", PASSWORD).status_code == 302


def test_the_lockout_message_is_translated(client, office, throttle):
    for _attempt in range(5):
        log_in(client, "sato", "wrong")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = log_in(client, "sato", PASSWORD).content.decode()
    assert LOCKED_ACCOUNT not in page
    assert "15" in page and "minutes" in page


def test_failures_are_counted_per_process_independent_rows(client, office, throttle):
    """The counts live in the database, so every web worker sees the same lock."""
    for _attempt in range(5):
        log_in(Client(), "sato", "wrong")
    assert LoginFailure.objects.filter(username="sato").count() == 5
    assert LOCKED_ACCOUNT in log_in(Client(), "sato", PASSWORD).content.decode()


# --- session expiry ---------------------------------------------------------------------


def test_the_session_cookie_ends_with_the_browser(client, office, home_page):
    response = log_in(client, "sato", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert cookie["httponly"]


def test_a_session_lasts_at_most_a_working_day_on_the_server(client, office, home_page):
    log_in(client, "sato", PASSWORD)
    session = Session.objects.get(session_key=client.session.session_key)
    lifetime = session.expire_date - timezone.now()
    assert datetime.timedelta(hours=9) < lifetime <= datetime.timedelta(hours=10)
    assert client.get("/").status_code == 200
    # The next morning the same cookie opens nothing.
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_logging_out_ends_the_session_on_the_server(client, office, home_page):
    log_in(client, "sato", PASSWORD)
    key = client.session.session_key
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
