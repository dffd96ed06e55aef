"""The one way the rest of the intranet tells people things.

``notify`` stores a row per recipient, attaches it to the recipient's e-mail (as they
chose: at once, in the daily digest, or not at all) and, after the transaction
commits, pushes it to the recipient's open tabs. ``publish`` sends a live update to
everyone following a topic. No other app talks to the channel layer or the mail
backend.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet.core.text import single_line

from . import emails, gates, live, notices, push, topics
from .kinds import Kind
from .models import (
    EmailMode,
    KindPreference,
    KindPushPreference,
    Notification,
    NotificationPreference,
    PushDevice,
)
from .preferences import DEFAULT_DIGEST_TIME, default_email, default_push

BODY_PREVIEW_CHARS = 140


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    kind: Kind,
    subject: str,
    body: str = "",
    url: str = "",
    actor=None,
    group_key: str = "",
    email: bool = True,
    confidential: bool = False,
    merge_unread: bool = False,
    about=None,
    withheld: tuple[str, str] | None = None,
) -> list[Notification]:
    """Store one notification per distinct active recipient and push it after commit.

    The actor is not notified of their own action. ``group_key`` ("document:42")
    merges a burst of notifications about one object into one e-mail. ``email=False``
    keeps it to the bell and the list whatever the recipient chose.
    ``confidential`` marks a notification about a 秘 matter: channels that leave the
    intranet's own pages (e.g. a push to a lock screen) must not show its subject.
    ``merge_unread`` (with a ``group_key``) batches a stream of small events (賛同):
    a recipient who has not yet read the last one of this kind and key finds it
    brought up to date rather than a new one beside it (and no further e-mail).

    A kind about a gated model (``kinds.ABOUT``: documents) needs ``about``, the
    object: only the recipients its gate lets know of it get ``subject`` and ``body``;
    the others get ``withheld`` (subject, body) when given, else nothing.
    """
    kind = Kind(kind)
    seen: set[int] = set()
    rows = []
    now = timezone.now()
    knowing, unknowing = gates.split(kind, recipients, about)
    if merge_unread and group_key:
        seen |= _merge_into_unread(
            knowing, kind, str(group_key)[:100], subject, body, url, actor, now
        )
    texts = [(knowing, subject, body)]
    if withheld is not None:
        texts.append((unknowing, *withheld))
    for people, subject_text, body_text in texts:
        for person in people:
            if person.pk in seen or not person.is_active:
                continue
            if actor is not None and person.pk == actor.pk:
                continue
            seen.add(person.pk)
            rows.append(
                Notification(
                    recipient=person,
                    kind=kind.value,
                    subject=single_line(subject_text)[:200],
                    body=str(body_text),
                    url=str(url)[:500],
                    actor=actor,
                    group_key=str(group_key)[:100],
                    confidential=confidential,
                    created_at=now,
                )
            )
    if not rows:
        return []
    if email:
        emails.plan(rows, kind=kind.value, group_key=str(group_key)[:100], now=now)
    created = Notification.objects.bulk_create(rows)
    if any(row.pk is None for row in created):
        # Backends without RETURNING on bulk insert: read the ids back.
        created = list(
            Notification.objects.filter(
                recipient_id__in=seen, created_at=now, kind=kind.value
            ).select_related("actor")
        )
    transaction.on_commit(lambda: _push_notifications(created))
    # Web Push to phones: queued for the task worker; a failure there never fails
    # the action that notified.
    transaction.on_commit(lambda: push.schedule(created), robust=True)
    return created


def _merge_into_unread(recipients, kind, group_key, subject, body, url, actor, now):
    """Bring the recipients' unread notifications of ``kind`` and ``group_key`` up
    to date; the ids of the people who had one."""
    ids = [person.pk for person in recipients if person is not None]
    if actor is not None:
        ids = [pk for pk in ids if pk != actor.pk]
    unread = Notification.objects.filter(
        recipient_id__in=ids, kind=kind.value, group_key=group_key, read_at__isnull=True
    )
    merged = set(unread.values_list("recipient_id", flat=True))
    if merged:
        unread.update(
            subject=str(subject)[:200],
            body=str(body),
            url=str(url)[:500],
            actor=actor,
            created_at=now,
        )
    return merged


def publish(*, topic: str, event: dict) -> None:
    """After commit, send ``event`` to every browser following ``topic``."""
    group, message = topic_message(topic, event)
    transaction.on_commit(lambda: live.send([(group, message)]))


def topic_message(topic: str, event: dict) -> tuple[str, dict]:
    """The channel-layer group and message that carry ``event`` on ``topic``."""
    group = topics.group_name(topic)
    return group, {
        "type": "topic.event",
        "group": group,
        "topic": topic,
        "event": event,
    }


def close_sockets(*, person_ids: Iterable[int], session_key: str | None = None):
    """After commit, close the open sockets of these people (of one session only when
    ``session_key`` is given): at logout, at deactivation."""
    messages = []
    for person_id in person_ids:
        group = topics.session_group(person_id)
        messages.append(
            (
                group,
                {
                    "type": "socket.control",
                    "group": group,
                    "action": "close",
                    "session": session_key or "",
                },
            )
        )
    if messages:
        transaction.on_commit(lambda: live.send(messages))


def unread_count(user) -> int:
    return Notification.objects.filter(
        recipient_id=user.pk, read_at__isnull=True
    ).count()


@transaction.atomic
def mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark some (or all, when ids is None) of the user's notifications read.

    The user's other open tabs learn the new unread count.
    """
    rows = Notification.objects.for_user(user).unread()
    if notification_ids is not None:
        rows = rows.filter(pk__in=list(notification_ids))
    changed = rows.update(read_at=timezone.now())
    if changed:
        transaction.on_commit(lambda: _push_count(user.pk))
    return changed


def payload(note: Notification) -> dict:
    """What a browser receives about a new notification (JSON-safe)."""
    body = " ".join(note.body.split())
    if len(body) > BODY_PREVIEW_CHARS:
        body = body[:BODY_PREVIEW_CHARS] + "…"
    return {
        "id": note.pk,
        "kind": note.kind,
        "kind_label": str(note.kind_label),
        "subject": note.subject,
        "body": body,
        "url": note.url,
        "actor": note.actor.get_full_name() if note.actor_id else "",
        "created_at": note.created_at.isoformat(),
    }


def _unread_counts(person_ids: Iterable[int]) -> dict[int, int]:
    ids = list(person_ids)
    counts = dict.fromkeys(ids, 0)
    rows = (
        Notification.objects.filter(recipient_id__in=ids, read_at__isnull=True)
        .values("recipient_id")
        .annotate(unread=Count("pk"))
        .values_list("recipient_id", "unread")
    )
    counts.update(rows)
    return counts


def _push_notifications(notifications: list[Notification]) -> None:
    counts = _unread_counts({note.recipient_id for note in notifications})
    messages = []
    for note in notifications:
        group = topics.user_group(note.recipient_id)
        message = {
            "type": "notification.new",
            "group": group,
            "notification": payload(note),
            "unread": counts[note.recipient_id],
        }
        messages.append((group, message))
    live.send(messages)


def _push_count(person_id: int) -> None:
    counts = _unread_counts([person_id])
    group = topics.user_group(person_id)
    message = {
        "type": "notification.count",
        "group": group,
        "unread": counts[person_id],
    }
    live.send([(group, message)])


# ---------------------------------------------------------------------------
# Preferences


@transaction.atomic
def update_preferences(
    *,
    person,
    email_modes: Mapping[str, str],
    digest_time: datetime.time = DEFAULT_DIGEST_TIME,
    quiet_from: datetime.time | None = None,
    quiet_until: datetime.time | None = None,
    push_kinds: Mapping[str, bool] | None = None,
) -> None:
    """Save how ``person`` wants notifications by e-mail (and, given ``push_kinds``,
    which kinds push to their devices).

    Only choices that differ from the defaults are stored. Already scheduled e-mails
    follow the new choices when they are sent (kinds turned off are left out; quiet
    hours are honoured, for pushes too).
    """
    if (quiet_from is None) != (quiet_until is None):
        raise ValidationError(
            _("メールを控える時間帯は、開始と終了の両方を指定してください。")
        )
    if quiet_from is not None and quiet_from == quiet_until:
        raise ValidationError(_("メールを控える時間帯の開始と終了が同じ時刻です。"))
    modes = {}
    for kind, mode in email_modes.items():
        kind, mode = Kind(kind).value, EmailMode(mode).value
        if mode != default_email(kind):
            modes[kind] = mode
    NotificationPreference.objects.update_or_create(
        person=person,
        defaults={
            "digest_time": digest_time,
            "quiet_from": quiet_from,
            "quiet_until": quiet_until,
        },
    )
    KindPreference.objects.filter(person=person).delete()
    KindPreference.objects.bulk_create(
        [
            KindPreference(person=person, kind=kind, email=mode)
            for kind, mode in modes.items()
        ]
    )
    if push_kinds is not None:
        changed = {
            Kind(kind).value: bool(wanted)
            for kind, wanted in push_kinds.items()
            if bool(wanted) != default_push(Kind(kind).value)
        }
        KindPushPreference.objects.filter(person=person).delete()
        KindPushPreference.objects.bulk_create(
            [
                KindPushPreference(person=person, kind=kind, push=wanted)
                for kind, wanted in changed.items()
            ]
        )


@transaction.atomic
def reset_preferences(*, person) -> None:
    """Back to the defaults for every kind, the digest time and the quiet hours."""
    KindPreference.objects.filter(person=person).delete()
    KindPushPreference.objects.filter(person=person).delete()
    NotificationPreference.objects.filter(person=person).delete()


# ---------------------------------------------------------------------------
# Devices that receive Web Push

MAX_PUSH_DEVICES = 10


@transaction.atomic
def register_push_device(
    *, person, endpoint: str, p256dh: str, auth: str, name: str
) -> PushDevice:
    """Register (or refresh) the browser subscription ``endpoint`` for ``person``.

    A subscription already registered to someone else (a phone handed over) moves to
    ``person``: one device never receives two people's notifications.
    """
    if not push.is_configured():
        raise ValidationError(_("プッシュ通知は、このシステムでは使えない設定です。"))
    endpoint = push.check_endpoint(endpoint)
    p256dh, auth, name = p256dh.strip(), auth.strip(), name.strip()
    if not (p256dh and auth):
        raise ValidationError(
            _("端末の登録情報が不足しています。もう一度お試しください。")
        )
    if not name:
        raise ValidationError(_("端末の名前を入力してください。"))
    existing = PushDevice.objects.filter(endpoint=endpoint).first()
    others = PushDevice.objects.filter(person=person).exclude(endpoint=endpoint)
    if others.count() >= MAX_PUSH_DEVICES:
        raise ValidationError(
            _("登録できる端末は%(count)d台までです。使わない端末を外してください。")
            % {"count": MAX_PUSH_DEVICES}
        )
    device = existing or PushDevice(endpoint=endpoint)
    device.person = person
    device.p256dh, device.auth, device.name = p256dh, auth, name[:60]
    device.save()
    return device


@transaction.atomic
def remove_push_device(*, person, device_id: int) -> bool:
    """Stop pushing to one of ``person``'s devices. False if it was not theirs."""
    deleted, _rows = PushDevice.objects.filter(pk=device_id, person=person).delete()
    return bool(deleted)


# ---------------------------------------------------------------------------
# Notices from a unit head to the unit (所属への連絡)


@transaction.atomic
def send_unit_notice(
    *, sender, unit, subject: str, body: str = "", url: str = ""
) -> list[Notification]:
    """Notify everyone in ``unit`` and the units below it, from its head.

    Only someone heading the unit (or a unit above it) today may send; raises
    PermissionDenied otherwise.
    """
    if not notices.can_send_notice(sender, unit):
        raise PermissionDenied(_("この所属に連絡を送る権限がありません。"))
    subject = single_line(subject)
    if not subject:
        raise ValidationError(_("件名を入力してください。"))
    return notify(
        recipients=notices.notice_recipients(unit),
        kind=Kind.UNIT_NOTICE,
        subject=subject,
        body=body.strip(),
        url=url,
        actor=sender,
    )
