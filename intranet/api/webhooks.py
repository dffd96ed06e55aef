"""Webhook deliveries: recorded with the action that caused them, sent by the task
worker, signed, retried with backoff (the worker runs the ``deliver_due`` sweep at each
retry's time; ``manage.py deliver_webhooks`` sweeps up after a lost task), and switched
off after repeated failures.

Each POST carries the JSON body and three headers:

- ``X-Webhook-Id``: the event's UUID (the same on every retry: de-duplicate on it);
- ``X-Webhook-Timestamp``: Unix seconds when this attempt was signed;
- ``X-Webhook-Signature``: ``sha256=`` + hex HMAC-SHA256 of ``"{timestamp}.{body}"``
  with the subscription's secret.

A receiver checks the signature and refuses a timestamp more than five minutes old
(``REPLAY_WINDOW``), so a recorded request cannot be played again later.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet.core import scheduling
from intranet.notifications.kinds import Kind
from intranet.notifications.services import notify

from .models import WebhookDelivery, WebhookSubscription
from .services import check_webhook_url

logger = logging.getLogger("intranet.api")

REPLAY_WINDOW = datetime.timedelta(minutes=5)
# Waits before the 2nd, 3rd … attempt of one delivery; then it is given up.
BACKOFF = (
    datetime.timedelta(seconds=10),
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
)
MAX_ATTEMPTS = len(BACKOFF) + 1


def sign(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(
    secret: str, timestamp: str, body: bytes, signature: str, now: float | None = None
) -> bool:
    """What a receiver does (docs/api.md): signature and replay window."""
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((now or time.time()) - stamp) > REPLAY_WINDOW.total_seconds():
        return False
    return hmac.compare_digest(sign(secret, stamp, body), signature or "")


def active_subscriptions(event: str) -> list[WebhookSubscription]:
    now = timezone.now()
    return [
        subscription
        for subscription in WebhookSubscription.objects.filter(
            is_active=True, token__revoked_at__isnull=True, token__expires_at__gt=now
        ).select_related("token__person")
        if event in subscription.events
    ]


def record(subscription: WebhookSubscription, event: str, data: dict) -> None:
    """Store a delivery in the current transaction and have the worker send it."""
    delivery = WebhookDelivery(subscription=subscription, event=event, payload={})
    delivery.payload = {
        "id": str(delivery.event_id),
        "event": event,
        "occurred_at": delivery.created_at.isoformat(),
        "data": data,
    }
    delivery.save()
    _schedule(delivery.pk, None)


def _schedule(delivery_id: int, run_after: datetime.datetime | None) -> None:
    """The first attempt: a task for this delivery, after the commit (the worker must
    find the row, never a rolled-back one). A retry: the sweep, at its due time."""
    from .tasks import deliver_due_webhooks, deliver_webhook

    if run_after is not None:
        scheduling.run_at(deliver_due_webhooks, [run_after])
        return
    transaction.on_commit(lambda: deliver_webhook.enqueue(delivery_id))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is a failure: it could lead off the allowed hosts


_opener = urllib.request.build_opener(_NoRedirects)


def _post(subscription: WebhookSubscription, delivery: WebhookDelivery) -> int:
    check_webhook_url(subscription.url)
    body = json.dumps(delivery.payload, ensure_ascii=False).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 - http(s) only, allowed hosts
        subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "ward-intranet-webhooks/1",
            "X-Webhook-Id": str(delivery.event_id),
            "X-Webhook-Event": delivery.event,
            "X-Webhook-Timestamp": str(timestamp),
            "X-Webhook-Signature": sign(subscription.secret, timestamp, body),
        },
    )
    with _opener.open(request, timeout=settings.API["WEBHOOK_TIMEOUT"]) as response:
        return response.status


def deliver(delivery_id: int, *, now: datetime.datetime | None = None) -> str:
    """One attempt at sending a pending delivery; returns its status afterwards."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("subscription__token__person")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
            return delivery.status if delivery else "missing"
        now = now or timezone.now()
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return delivery.status  # another sweep has just tried: not due again yet
        subscription = delivery.subscription
        if not subscription.is_active:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.last_error = "subscription disabled"
            delivery.save(update_fields=["status", "last_error"])
            return delivery.status
        delivery.attempts += 1
        status_code, error = None, ""
        try:
            status_code = _post(subscription, delivery)
        except urllib.error.HTTPError as failure:
            status_code, error = failure.code, f"HTTP {failure.code}"
        except (OSError, ValidationError) as failure:
            error = str(failure)[:500] or failure.__class__.__name__
        delivery.response_status = status_code
        if status_code is not None and 200 <= status_code < 300:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.delivered_at = now
            delivery.last_error = ""
            delivery.next_attempt_at = None
            subscription.consecutive_failures = 0
            subscription.save(update_fields=["consecutive_failures"])
        else:
            delivery.last_error = error or f"HTTP {status_code}"
            _failed(delivery, subscription, now)
        delivery.save()
        return delivery.status


def _failed(delivery, subscription, now) -> None:
    logger.warning(
        "webhook delivery failed",
        extra={
            "fields": {
                "delivery": delivery.pk,
                "subscription": subscription.pk,
                "attempt": delivery.attempts,
                "error": delivery.last_error,
            }
        },
    )
    subscription.consecutive_failures += 1
    subscription.save(update_fields=["consecutive_failures"])
    if subscription.consecutive_failures >= settings.API["WEBHOOK_MAX_FAILURES"]:
        _disable(subscription, now)
    if subscription.is_active and delivery.attempts < MAX_ATTEMPTS:
        delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
        _schedule(delivery.pk, delivery.next_attempt_at)
    else:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None


def _disable(subscription: WebhookSubscription, now) -> None:
    subscription.is_active = False
    subscription.disabled_at = now
    subscription.save(update_fields=["is_active", "disabled_at"])
    owner = subscription.token.person
    recipients = [owner, subscription.token.created_by]
    notify(
        recipients=[person for person in recipients if person is not None],
        kind=Kind.SYSTEM,
        subject=_("Webhookの送信を停止しました: %(url)s") % {"url": subscription.url},
        body=_(
            "APIトークン「%(token)s」の送信先への送信が%(count)s回続けて失敗したため、"
            "送信を停止しました。送信先を確認し、登録し直してください。"
        )
        % {
            "token": subscription.token.name,
            "count": subscription.consecutive_failures,
        },
        email=True,
    )


def deliver_due(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Send every pending delivery whose time has come: the sweep the task worker
    runs at each retry's due time, and ``manage.py deliver_webhooks`` beside it.
    Idempotent: a delivery tried by another sweep meanwhile is not sent again."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    pks = list(due.order_by("pk").values_list("pk", flat=True)[:limit])
    for pk in pks:
        deliver(pk, now=now)
    if len(pks) == limit:
        from .tasks import deliver_due_webhooks

        scheduling.run_at(deliver_due_webhooks, [now])  # more are due: carry on
    return len(pks)
