"""Session lifetimes and the second factor, enforced on every request.

``SecondFactorMiddleware`` reads only the session keys of ``session.py``: however a
person signed in (password, passkey, OpenID Connect, SAML), a session that needs a
second factor and has not shown one reaches only the enrolment and verification
pages, logout, language and static files — never locked out, never further.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import policy, sessions
from .session import MFA_VERIFIED

# URL names a session waiting for its second factor may reach.
ALLOWED_WHILE_PENDING = frozenset(
    {
        "logout",
        "set_language",
        "javascript-catalog",
        "health",
        "manifest",
        "service-worker",
        "offline",
        "favicon",
        "signin:verify",
        "signin:enrol",
        "signin:totp",
        "signin:passkey_new_options",
        "signin:passkey_add",
        "signin:passkey_options",
        "signin:passkey_verify",
        "signin:recovery_codes",
    }
)


class SessionLifetimeMiddleware:
    """Sign out a session idle longer than its idle timeout, or older than its
    absolute lifetime (both shorter outside the office networks); list a session
    that "sign out everywhere" would not find yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            lifetime = policy.session_lifetime(request)
            if sessions.expired(request.session, lifetime, now):
                logout(request)
                messages.info(
                    request,
                    _(
                        "一定時間が経過したため、ログアウトしました。もう一度ログインしてください。"
                    ),
                )
                return redirect(
                    f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}"
                )
            sessions.ensure_listed(request)
            sessions.touch(request.session, lifetime, now)
        return self.get_response(request)


def _url_name(request) -> str | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match.view_name


class SecondFactorMiddleware:
    """Lead a session that needs a second factor to show one (or enrol one) first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        pending = self._pending(request)
        session = getattr(request, "session", None)
        if session is not None:
            # Marked for the socket stack, which has no request to ask the policy.
            if pending and not session.get(sessions.PENDING):
                session[sessions.PENDING] = True
            elif not pending and sessions.PENDING in session:
                del session[sessions.PENDING]
        if pending and not self._allowed(request):
            person = request.user
            target = (
                "signin:verify" if policy.has_second_factor(person) else "signin:enrol"
            )
            next_url = request.get_full_path()
            return redirect(f"{reverse(target)}?{urlencode({'next': next_url})}")
        return self.get_response(request)

    def _pending(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if request.session.get(MFA_VERIFIED):
            return False
        return policy.second_factor_required(user, request)

    def _allowed(self, request) -> bool:
        if request.path_info.startswith(settings.STATIC_URL):
            return True
        return _url_name(request) in ALLOWED_WHILE_PENDING
