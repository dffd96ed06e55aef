"""Login throttling: growing delays per (account, client address), never a lock.

A hard lock after N failures let anyone lock anyone out (five wrong passwords from
any machine kept a decider out on a deadline day; one NAT/VDI address locked the
office out through typos). Instead, each (account, address) pair has
``LOGIN_FREE_FAILURES`` free failures; after that it must wait before trying again,
``LOGIN_DELAY_SECONDS`` doubling with each further failure up to
``LOGIN_MAX_DELAY_SECONDS``. The person who knows her password is at most slowed,
and only on the address where the guessing happens; from another address, or once
the delay has passed, she logs in. A success forgets the pair's failures.

Guessing that goes on regardless (``LOGIN_ALERT_FAILURES`` failures against one
account, or from one address, within ``WINDOW``) is announced once per window
(``directory.signals.login_failures_sustained``) and the administrators are told.
Failures are rows in the database (``LoginFailure``), so every web process sees the
same counts on PostgreSQL and SQLite alike. The client address is
``intranet.core.clients.client_address`` (X-Forwarded-For only from TRUSTED_PROXIES).
"""

from __future__ import annotations

import datetime
import math

from django.conf import settings
from django.utils import timezone

from intranet.core.clients import client_address

from .models import LoginFailure
from .signals import login_failures_sustained

__all__ = ["clear", "client_address", "record_failure", "wait_seconds"]

# Failures older than this are forgotten (and no longer count for delays or alerts).
WINDOW = datetime.timedelta(hours=1)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _account(username: str) -> str:
    return (username or "").strip().casefold()[:150]


def _since(now: datetime.datetime) -> datetime.datetime:
    return now - WINDOW


def delay_after(failures: int) -> int:
    """Seconds to wait after the pair's ``failures``-th failure (0 while free)."""
    free = _setting("LOGIN_FREE_FAILURES", 5)
    if failures < free:
        return 0
    base = _setting("LOGIN_DELAY_SECONDS", 2)
    ceiling = _setting("LOGIN_MAX_DELAY_SECONDS", 60)
    return min(ceiling, base * 2 ** min(failures - free, 30))


def wait_seconds(username: str, address: str) -> int:
    """How long this (account, address) pair must still wait before trying (0: now)."""
    now = timezone.now()
    failures = LoginFailure.objects.filter(
        username=_account(username), address=address, at__gte=_since(now)
    )
    times = list(failures.order_by("-at").values_list("at", flat=True)[:200])
    delay = delay_after(len(times))
    if not delay:
        return 0
    remaining = (times[0] + datetime.timedelta(seconds=delay) - now).total_seconds()
    return max(0, math.ceil(remaining))


def record_failure(username: str, address: str) -> None:
    now = timezone.now()
    LoginFailure.objects.filter(at__lt=_since(now)).delete()
    account = _account(username)
    LoginFailure.objects.create(username=account, address=address, at=now)
    threshold = _setting("LOGIN_ALERT_FAILURES", 50)
    recent = LoginFailure.objects.filter(at__gte=_since(now))
    for field, value in (("username", account), ("address", address)):
        if value and recent.filter(**{field: value}).count() == threshold:
            login_failures_sustained.send(
                sender=LoginFailure,
                username=account if field == "username" else "",
                address=address if field == "address" else "",
                count=threshold,
                window=WINDOW,
            )


def clear(username: str, address: str) -> None:
    """A successful login forgets the failures of this (account, address) pair."""
    LoginFailure.objects.filter(username=_account(username), address=address).delete()
