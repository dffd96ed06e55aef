"""Login throttling per (account, address) with growing delays, and session expiry.

The LDAP cases (filter injection at login, escaped DNs in the sync) are at the end and
need slapd; the rest runs against local (Django-password) accounts.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import F
from django.test import Client
from django.utils import timezone

from directory.models import LoginFailure
from intranet.notifications.kinds import Kind
from intranet.notifications.models import Notification
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"
WAIT = "秒ほど待ってから"


def log_in(client, username, password, address="10.0.0.1", **extra):
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def throttle(settings):
    settings.LOGIN_FREE_FAILURES = 5
    settings.LOGIN_DELAY_SECONDS = 2
    settings.LOGIN_MAX_DELAY_SECONDS = 60
    settings.LOGIN_ALERT_FAILURES = 50
    settings.TRUSTED_PROXIES = []
    return settings


def age_failures(seconds: int) -> None:
    LoginFailure.objects.update(at=F("at") - datetime.timedelta(seconds=seconds))


def test_nobody_can_lock_out_someone_who_knows_her_password(
    client, office, home_page, throttle
):
    """F4: twenty wrong passwords from other machines do not keep 佐藤 out."""
    for attempt in range(20):
        log_in(Client(), "sato", "wrong", address=f"10.0.1.{attempt}")
    for _attempt in range(20):
        log_in(Client(), "sato", "wrong", address="10.0.9.9")
    response = log_in(client, "sato", PASSWORD, address="10.0.2.1")
    assert response.status_code == 302 and logged_in(client)


def test_one_address_does_not_lock_the_office(client, office, home_page, throttle):
    """Behind one NAT/VDI address, many people's typos slow only those accounts."""
    for number in range(40):
        log_in(Client(), f"typo{number}", "wrong", address="10.0.3.3")
    assert log_in(client, "sato", PASSWORD, address="10.0.3.3").status_code == 302


def test_the_pair_waits_longer_after_each_failure(client, office, home_page, throttle):
    for _attempt in range(5):
        assert WAIT not in log_in(client, "sato", "wrong").content.decode()
    page = log_in(client, "sato", PASSWORD).content.decode()
    assert not logged_in(client)
    assert WAIT in page
    assert re.search(r'role="alert"><li>[^<]*' + WAIT, page)
    assert LoginFailure.objects.count() == 5  # a refused try adds no failure
    age_failures(2)
    log_in(client, "sato", "wrong")  # the sixth failure: now 4 seconds
    age_failures(2)
    assert WAIT in log_in(client, "sato", PASSWORD).content.decode()
    age_failures(2)
    assert log_in(client, "sato", PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username="sato", address="10.0.0.1").exists()


def test_delays_grow_to_the_ceiling(throttle):
    from directory.throttle import delay_after

    assert [delay_after(n) for n in range(4, 12)] == [0, 2, 4, 8, 16, 32, 60, 60]


def test_the_account_ignores_case_and_spaces(client, office, throttle):
    for name in ("sato", "SATO", " Sato ", "sAto", "sato"):
        log_in(client, name, "wrong")
    assert WAIT in log_in(client, "sato", PASSWORD).content.decode()


def test_the_wait_message_is_translated(client, office, throttle):
    for _attempt in range(5):
        log_in(client, "sato", "wrong")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = log_in(client, "sato", PASSWORD).content.decode()
    assert WAIT not in page
    assert "seconds" in page


def test_failures_are_counted_per_process_independent_rows(client, office, throttle):
    """The counts live in the database, so every web worker sees the same wait."""
    for _attempt in range(5):
        log_in(Client(), "sato", "wrong")
    assert LoginFailure.objects.filter(username="sato").count() == 5
    assert WAIT in log_in(Client(), "sato", PASSWORD).content.decode()


def test_sustained_failures_alert_the_administrators(client, office, throttle):
    throttle.LOGIN_ALERT_FAILURES = 3
    for attempt in range(6):
        log_in(Client(), "sato", "wrong", address=f"10.0.5.{attempt}")
    alerts = Notification.objects.filter(kind=Kind.LOGIN_FAILURES)
    assert [note.recipient for note in alerts] == [office.admin]  # once per window
    assert "sato" in alerts[0].subject


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(client, office, throttle):
    forged = {"HTTP_X_FORWARDED_FOR": "10.7.7.7"}
    log_in(client, "sato", "wrong", address="10.0.4.4", **forged)
    assert LoginFailure.objects.get().address == "10.0.4.4"
    LoginFailure.objects.all().delete()
    throttle.TRUSTED_PROXIES = ["127.0.0.1", "10.9.0.0/16"]
    chain = {"HTTP_X_FORWARDED_FOR": "10.6.6.6, 10.8.8.8, 10.9.1.1"}
    log_in(client, "sato", "wrong", address="127.0.0.1", **chain)
    assert LoginFailure.objects.get().address == "10.8.8.8"


def test_a_retired_setting_stops_start_up(monkeypatch):
    from intranet.settings import environment

    monkeypatch.setenv("LOGIN_LOCKOUT_MINUTES", "15")
    with pytest.raises(environment.ConfigurationError, match="no longer used"):
        environment.login_throttle()


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
