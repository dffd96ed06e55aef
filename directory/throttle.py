"""Login throttling: after repeated failures an account, or an address, waits a while.

Failures are rows in the database (``LoginFailure``), so every web process sees the
same counts on PostgreSQL and SQLite alike. Limits: ``settings.LOGIN_THROTTLE``
(LOGIN_MAX_FAILURES_PER_ACCOUNT, LOGIN_MAX_FAILURES_PER_ADDRESS, LOGIN_LOCKOUT_MINUTES).
"""

from __future__ import annotations

import datetime
from enum import Enum

from django.conf import settings
from django.utils import timezone

from .models import LoginFailure


class Lock(Enum):
    ACCOUNT = "account"
    ADDRESS = "address"


def _limits() -> dict:
    return getattr(
        settings,
        "LOGIN_THROTTLE",
        {"PER_ACCOUNT": 5, "PER_ADDRESS": 30, "WINDOW_MINUTES": 15},
    )


def window_minutes() -> int:
    return _limits()["WINDOW_MINUTES"]


def client_address(request) -> str:
    """The client's address (the ASGI server sets it from the proxy's header)."""
    return (request.META.get("REMOTE_ADDR") or "unknown")[:64] if request else ""


def _account(username: str) -> str:
    return (username or "").strip().casefold()[:150]


def _since() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=window_minutes())


def lock_for(username: str, address: str) -> Lock | None:
    """Which lock applies now, if any: the account's or the address's."""
    limits = _limits()
    recent = LoginFailure.objects.filter(at__gte=_since())
    if (
        username
        and recent.filter(username=_account(username)).count() >= limits["PER_ACCOUNT"]
    ):
        return Lock.ACCOUNT
    if address and recent.filter(address=address).count() >= limits["PER_ADDRESS"]:
        return Lock.ADDRESS
    return None


def record_failure(username: str, address: str) -> None:
    LoginFailure.objects.filter(at__lt=_since()).delete()
    LoginFailure.objects.create(username=_account(username), address=address)


def clear(username: str) -> None:
    """A successful login forgets the account's failures."""
    LoginFailure.objects.filter(username=_account(username)).delete()
