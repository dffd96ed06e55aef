"""The one way the rest of the intranet tells people things.

``notify`` stores a row per recipient; after the transaction commits it pushes them to
the recipients' open tabs. ``publish`` sends a live update to everyone following a
topic. No other app talks to the channel layer or the mail backend.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from . import topics
from .kinds import Kind
from .models import Notification

logger = logging.getLogger(__name__)


def notify(
    *,
    recipients: Iterable,
    kind: Kind,
    subject: str,
    body: str = "",
    url: str = "",
    actor=None,
    group_key: str = "",
) -> list[Notification]:
    """Store one notification per distinct active recipient and push it after commit.

    The actor is not notified of their own action.
    """
    kind = Kind(kind)
    seen: set[int] = set()
    rows = []
    now = timezone.now()
    for person in recipients:
        if person is None or person.pk in seen or not person.is_active:
            continue
        if actor is not None and person.pk == actor.pk:
            continue
        seen.add(person.pk)
        rows.append(
            Notification(
                recipient=person,
                kind=kind.value,
                subject=str(subject)[:200],
                body=str(body),
                url=url,
                actor=actor,
                group_key=group_key,
                created_at=now,
            )
        )
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    if any(row.pk is None for row in created):
        # Backends without RETURNING on bulk insert: read the ids back.
        created = list(
            Notification.objects.filter(
                recipient_id__in=seen, created_at=now, kind=kind.value
            )
        )
    transaction.on_commit(lambda: _push_notifications(created))
    return created


def publish(*, topic: str, event: dict) -> None:
    """After commit, send ``event`` to every browser following ``topic``."""
    group = topics.group_name(topic)
    message = {"type": "topic.event", "topic": topic, "event": event}
    transaction.on_commit(lambda: _send(group, message))


def unread_count(user) -> int:
    return Notification.objects.filter(
        recipient_id=user.pk, read_at__isnull=True
    ).count()


def mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark some (or all, when ids is None) of the user's notifications read."""
    rows = Notification.objects.for_user(user).unread()
    if notification_ids is not None:
        rows = rows.filter(pk__in=list(notification_ids))
    changed = rows.update(read_at=timezone.now())
    if changed:
        transaction.on_commit(
            lambda: _send(
                topics.user_group(user.pk),
                {"type": "notification.count", "unread": unread_count(user)},
            )
        )
    return changed


def _push_notifications(notifications: list[Notification]) -> None:
    counts: dict[int, int] = {}
    for note in notifications:
        if note.recipient_id not in counts:
            counts[note.recipient_id] = Notification.objects.filter(
                recipient_id=note.recipient_id, read_at__isnull=True
            ).count()
        _send(
            topics.user_group(note.recipient_id),
            {
                "type": "notification.new",
                "notification": {
                    "id": note.pk,
                    "kind": note.kind,
                    "kind_label": str(note.kind_label),
                    "subject": note.subject,
                    "url": note.url,
                    "created_at": note.created_at.isoformat(),
                },
                "unread": counts[note.recipient_id],
            },
        )


_layer_failed = False


def _send(group: str, message: dict) -> None:
    """Best effort: a channel layer that is down must never fail the request."""
    global _layer_failed
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:
        if not _layer_failed:
            logger.exception("Channel layer unavailable; live updates paused.")
        _layer_failed = True
    else:
        if _layer_failed:
            logger.info("Channel layer reachable again; live updates resumed.")
        _layer_failed = False
