"""Session bookkeeping: how a session was opened, when, and when it ends.

At login the session gets ``SIGNIN_METHOD`` (the password unless the view that signed
the person in said otherwise) and ``MFA_VERIFIED`` (False until a second factor is
shown), and is listed in ``OpenSession`` so that "sign out everywhere" finds it. A
session the list does not know (opened before sessions were listed, or whose key
changed since) is listed at its next request (``ensure_listed``).
"""

from __future__ import annotations

import time

from intranet.core.clients import client_address
from intranet.core.session_deadline import DEADLINE

from .models import OpenSession
from .policy import session_lifetime
from .session import MFA_VERIFIED, SIGNIN_METHOD, SignInMethod

STARTED_AT = "signin_started_at"
# Set while a session must still show its second factor: its sockets are refused
# (``sockets.py``), so a password alone hears nothing live.
PENDING = "signin_mfa_pending"
SEEN_AT = "signin_seen_at"
# The session key under which this session is in ``OpenSession``: once it matches,
# a request costs no query to keep the list whole.
LISTED = "signin_listed_key"
# A session's last activity is written at most this often (seconds): not every
# request needs to save the session, and an idle timeout of half an hour or more
# does not need to know the minute.
SEEN_GRANULARITY = 300


def started(sender, request, user, **kwargs):
    """user_logged_in: mark the session's start and list it."""
    session = getattr(request, "session", None)
    if session is None:
        return
    session.setdefault(SIGNIN_METHOD, SignInMethod.PASSWORD.value)
    session.setdefault(MFA_VERIFIED, False)
    now = int(time.time())
    lifetime = session_lifetime(request)
    session[STARTED_AT] = now
    session[SEEN_AT] = now
    session[DEADLINE] = now + min(lifetime.idle, lifetime.absolute)
    if session.session_key is None:
        session.save()
    _forget_lapsed(user, session.__class__)
    _list(request, user)


def _list(request, person) -> None:
    session = request.session
    OpenSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "person": person,
            "method": session.get(SIGNIN_METHOD, SignInMethod.PASSWORD.value),
            "address": client_address(request)[:64],
        },
    )
    session[LISTED] = session.session_key


def ensure_listed(request) -> None:
    """An authenticated session missing from ``OpenSession`` (opened before the list
    existed, or its key changed since) is listed now, so that "sign out everywhere"
    reaches it; its lifetime counts from now. A listed session costs no query."""
    session = request.session
    key = session.session_key
    if key is None or session.get(LISTED) == key:
        return
    session.setdefault(STARTED_AT, int(time.time()))
    _list(request, request.user)


def _forget_lapsed(person, store) -> None:
    """Sessions that expired without a logout leave their row behind: drop the
    person's rows whose session is gone (a handful per person, at each login)."""
    keys = OpenSession.objects.filter(person=person).values_list(
        "session_key", flat=True
    )
    gone = [key for key in keys if not store().exists(key)]
    if gone:
        OpenSession.objects.filter(session_key__in=gone).delete()


def ended(sender, request, user, **kwargs):
    """user_logged_out: the session is no longer open."""
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None)
    if key:
        OpenSession.objects.filter(session_key=key).delete()


def mark_method(request, method: SignInMethod, *, verified: bool) -> None:
    """After ``login()``: how this session was opened, and whether that counted as
    a second factor too (a passkey with user verification)."""
    request.session[SIGNIN_METHOD] = SignInMethod(method).value
    request.session[MFA_VERIFIED] = verified
    OpenSession.objects.filter(session_key=request.session.session_key).update(
        method=SignInMethod(method).value
    )


def expired(session, lifetime, now: float) -> bool:
    """Has this session been idle too long, or lived too long?"""
    started_at = session.get(STARTED_AT)
    seen_at = session.get(SEEN_AT, started_at)
    if started_at is None:
        return False  # opened before these checks existed: SESSION_COOKIE_AGE holds
    return now - seen_at > lifetime.idle or now - started_at > lifetime.absolute


def touch(session, lifetime, now: float) -> None:
    """Note activity (at most every SEEN_GRANULARITY seconds) and when the session
    lapses without more."""
    if now - session.get(SEEN_AT, 0) >= SEEN_GRANULARITY:
        session[SEEN_AT] = int(now)
        started_at = session.get(STARTED_AT, int(now))
        session[DEADLINE] = min(
            int(now) + lifetime.idle, started_at + lifetime.absolute
        )


def mark_verified(request) -> None:
    """A second factor was shown: the session counts as verified, under a new key
    (whoever knew the old one learns nothing of the new)."""
    old_key = request.session.session_key
    request.session.cycle_key()
    request.session[MFA_VERIFIED] = True
    request.session.pop(PENDING, None)
    OpenSession.objects.filter(session_key=old_key).update(
        session_key=request.session.session_key
    )
    request.session[LISTED] = request.session.session_key
