"""Web Push (RFC 8030, payload encryption RFC 8291, VAPID RFC 8292) to people's devices.

``schedule`` runs after a notification is committed and queues one task per
notification whose recipient has a registered device and wants that kind pushed. The
task (``deliver``) runs in the task worker: it skips a notification already read,
waits out the recipient's quiet hours, encrypts a small payload for each device and
posts it to the device's push service. A push service answering 404 or 410 has dropped
the subscription: the device is removed.

The payload says no more than the bell: the kind, the subject — never the subject of a
notification about a 秘 document — and the link to open.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterable
from functools import cache
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

from . import preferences
from .models import Notification, PushDevice

logger = logging.getLogger(__name__)

# Seconds to wait for a push service; the worker must not hang on one.
TIMEOUT = 10
GONE = {404, 410}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def is_configured() -> bool:
    return bool(settings.WEBPUSH.get("VAPID_PRIVATE_KEY"))


@cache
def _vapid(private_key: str) -> Vapid02:
    if "BEGIN" in private_key:
        return Vapid02.from_pem(private_key.encode())
    return Vapid02.from_string(private_key)


def vapid() -> Vapid02:
    return _vapid(settings.WEBPUSH["VAPID_PRIVATE_KEY"])


def application_server_key() -> str:
    """The VAPID public key as browsers' ``pushManager.subscribe`` wants it."""
    raw = vapid().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def check_endpoint(endpoint: str) -> str:
    """An endpoint of a known push service (https), else ValidationError.

    The server posts to this URL, so it must never be a host inside the network.
    """
    parts = urlsplit(endpoint.strip())
    host = (parts.hostname or "").lower()
    allowed = [entry.lower() for entry in settings.WEBPUSH["ENDPOINT_HOSTS"]]
    known = any(host == entry or host.endswith("." + entry) for entry in allowed)
    secure = parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK)
    if not (known and secure and parts.path):
        raise ValidationError(
            _(
                "このブラウザーのプッシュ通知サービスには対応していません。"
                "別のブラウザーでお試しください。"
            )
        )
    return endpoint.strip()


def payload(note: Notification) -> dict:
    """What the lock screen may show: as little as the bell, never a 秘 subject."""
    with override(settings.LANGUAGE_CODE):
        body = (
            _("秘扱いの文書についてのお知らせがあります。")
            if note.confidential
            else note.subject
        )
        return {
            "title": str(note.kind_label),
            "body": body,
            "url": note.url or "/notifications/",
            "tag": note.group_key or f"notification-{note.pk}",
        }


def schedule(notifications: Iterable[Notification]) -> int:
    """Queue a push for each notification someone should receive (after commit).

    One query finds the recipients with devices; nothing more is done for the rest.
    """
    if not is_configured():
        return 0
    notes = list(notifications)
    with_devices = set(
        PushDevice.objects.filter(
            person_id__in={note.recipient_id for note in notes}
        ).values_list("person_id", flat=True)
    )
    if not with_devices:
        return 0
    prefs = preferences.for_people(with_devices, push=True)
    from .tasks import send_push

    queued = 0
    for note in notes:
        if note.recipient_id in with_devices and prefs[note.recipient_id].push_for(
            note.kind
        ):
            send_push.enqueue(note.pk)
            queued += 1
    return queued


def deliver(notification_id: int) -> dict:
    """Push one notification to each of its recipient's devices (the task's body).

    Returns counts by outcome: sent, removed (404/410), failed; or why nothing was
    sent (read, unwanted, quiet, deferred, gone).
    """
    note = Notification.objects.filter(pk=notification_id).first()
    if note is None:
        return {"skipped": "gone"}
    if note.read_at is not None:
        return {"skipped": "read"}
    prefs = preferences.for_person(note.recipient, push=True)
    if not prefs.push_for(note.kind):
        return {"skipped": "unwanted"}
    quiet_end = prefs.quiet_end(timezone.now())
    if quiet_end is not None:
        from .tasks import send_push

        if send_push.get_backend().supports_defer:
            send_push.using(run_after=quiet_end).enqueue(note.pk)
            return {"skipped": "deferred"}
        return {"skipped": "quiet"}
    data = json.dumps(payload(note), ensure_ascii=False)
    outcome = {"sent": 0, "removed": 0, "failed": 0}
    for device in PushDevice.objects.filter(person_id=note.recipient_id):
        outcome[_send(device, data)] += 1
    return outcome


def _send(device: PushDevice, data: str) -> str:
    config = settings.WEBPUSH
    try:
        webpush(
            device.subscription_info,
            data=data,
            vapid_private_key=vapid(),
            vapid_claims={"sub": config["SUBJECT"]},
            ttl=config["TTL"],
            timeout=TIMEOUT,
        )
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        if status in GONE:
            logger.info(
                "push subscription gone (%s); device %s removed", status, device.pk
            )
            device.delete()
            return "removed"
        logger.warning("push to device %s failed: %s", device.pk, status or error)
        return "failed"
    except (requests.RequestException, ValueError) as error:
        logger.warning("push to device %s failed: %s", device.pk, error)
        return "failed"
    PushDevice.objects.filter(pk=device.pk).update(last_used_at=timezone.now())
    return "sent"
