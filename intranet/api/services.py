"""Issuing and revoking API tokens, and subscribing to webhooks.

A token reads ``<prefix>_<secret>``; only its SHA-256 digest is stored, so it is shown
once (by the command or the admin that issued it) and never again.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet.core import audit

from .events import EVENTS
from .models import ApiToken, WebhookSubscription
from .scopes import parse_scopes

TOKEN_PREFIX = "wi"  # noqa: S105 - a visible prefix, not a secret


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the whole token, shown once


@transaction.atomic
def issue_token(
    *,
    name: str,
    person,
    scopes: str | list[str],
    days: int | None = None,
    by=None,
) -> IssuedToken:
    """A new token for ``person`` with ``scopes`` ("all" or "a,b"), valid ``days``."""
    if isinstance(scopes, str):
        scopes = parse_scopes(scopes)
    else:
        scopes = parse_scopes(",".join(scopes))
    if not person.is_active:
        raise ValidationError(_("無効になった職員にはトークンを発行できません。"))
    days = days if days is not None else settings.API["TOKEN_DAYS"]
    if days < 1:
        raise ValidationError(_("有効日数は1日以上にしてください。"))
    prefix = f"{TOKEN_PREFIX}{secrets.token_hex(4)}"
    whole = f"{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name.strip()[:100] or prefix,
        person=person,
        prefix=prefix,
        digest=digest_of(whole),
        scopes=scopes,
        created_by=by,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    audit.record(
        action="api_token.issued",
        target=token,
        details={"person": person.username, "scopes": scopes, "days": days},
    )
    return IssuedToken(token, whole)


@transaction.atomic
def revoke_token(*, token: ApiToken, by=None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(action="api_token.revoked", target=token, details={})
    return token


def check_webhook_url(url: str) -> str:
    """An http(s) URL on an allowed host (API_WEBHOOK_HOSTS): the intranet posts to
    nothing else (no requests into the ward's network on a token holder's say-so)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(
            _("送信先URLは http:// または https:// で始めてください。")
        )
    if parts.username or parts.password:
        raise ValidationError(
            _("送信先URLに利用者名やパスワードを含めないでください。")
        )
    allowed = settings.API["WEBHOOK_HOSTS"]
    if parts.hostname.lower() not in allowed:
        raise ValidationError(
            _(
                "この送信先ホストは許可されていません。情報システム担当に登録を依頼してください。"
            )
        )
    return url


@dataclass(frozen=True)
class NewSubscription:
    subscription: WebhookSubscription
    secret: str


@transaction.atomic
def subscribe(*, token: ApiToken, url: str, events: list[str]) -> NewSubscription:
    url = check_webhook_url(url.strip())
    unknown = [event for event in events if event not in EVENTS]
    if not events or unknown:
        raise ValidationError(_("イベントの指定が正しくありません。"))
    secret = secrets.token_hex(32)
    subscription = WebhookSubscription.objects.create(
        token=token, url=url, events=sorted(set(events)), secret=secret
    )
    audit.record(
        action="webhook.subscribed",
        target=subscription,
        details={"token": token.prefix, "events": subscription.events},
    )
    return NewSubscription(subscription, secret)


@transaction.atomic
def unsubscribe(*, subscription: WebhookSubscription) -> None:
    if subscription.is_active:
        subscription.is_active = False
        subscription.disabled_at = timezone.now()
        subscription.save(update_fields=["is_active", "disabled_at"])
        audit.record(action="webhook.unsubscribed", target=subscription, details={})
