"""Bearer-token authentication, scopes and the per-token rate limit.

``scoped("documents:read")`` is the ``auth`` of an operation: it finds the token by its
digest, refuses a revoked or expired one (401), one without the scope (403) and one
over its rate limit (429 with Retry-After), then acts as the token's person: the
request's user, the audit trail's actor (source ``api:<prefix>``).
"""

from __future__ import annotations

import datetime
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from intranet.core import audit

from .errors import ApiProblem
from .models import ApiToken
from .services import digest_of

LAST_USED_STEP = datetime.timedelta(minutes=5)
WINDOW_SECONDS = 60


def token_for(raw: str) -> ApiToken | None:
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("person").filter(digest=digest_of(raw)).first()
    )
    if token is None or not token.is_usable() or not token.person.is_active:
        return None
    return token


def check_rate(token: ApiToken) -> None:
    """A fixed one-minute window per token, counted in the shared cache."""
    limit = token.rate_limit or settings.API["RATE_LIMIT"]
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"api-rate:{token.pk}:{window}"
    cache.add(key, 0, WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS + 5)
        count = 1
    if count > limit:
        retry = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
        raise ApiProblem(
            429,
            "rate_limited",
            _("リクエストが多すぎます。%(seconds)s秒後にやり直してください。")
            % {"seconds": retry},
            headers={"Retry-After": str(retry)},
        )


class TokenAuth(HttpBearer):
    def __init__(self, scope: str | None):
        self.scope = scope
        super().__init__()

    def authenticate(self, request, token):
        found = token_for(token)
        if found is None:
            return None
        check_rate(found)
        if self.scope is not None and not found.allows(self.scope):
            raise ApiProblem(
                403,
                "insufficient_scope",
                _("このトークンには「%(scope)s」の権限がありません。")
                % {"scope": self.scope},
            )
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_STEP:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.person
        request.api_token = found
        audit.current_actor.set(found.person)
        audit.current_source.set(f"api:{found.prefix}")
        return found


_auth: dict[str, TokenAuth] = {}


def scoped(scope: str | None) -> TokenAuth:
    """The auth of an operation needing ``scope`` (None: any valid token)."""
    if scope not in _auth:
        _auth[scope] = TokenAuth(scope)
    return _auth[scope]
