"""Notification e-mails: which delivery a new notification joins, and the sender.

Planning (inside ``notify``'s transaction): each recipient who wants the kind by e-mail
gets the notification attached to an :class:`EmailDelivery`. Immediate e-mails wait
``NOTIFICATION_EMAIL_DELAY`` seconds so that a burst about one object (same
``group_key``) goes out as one e-mail; digests wait for the person's digest time; both
wait for the end of the person's quiet hours.

Sending (:func:`send_due_emails`, run by the task worker): each due delivery is first
*claimed* in its own committed transaction (pending → sending), then sent, then marked
sent. Two workers never send the same delivery; a retried task finds nothing left to
do; a worker killed mid-send leaves a claim that expires after :data:`CLAIM_LEASE` and
is sent again with the same Message-ID. Nothing that is due is left behind: every
delivery schedules a task for its due time, and ``manage.py send_notification_emails``
sweeps up whatever a lost task missed.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from intranet.core import dates, scheduling
from intranet.core.links import absolute_url
from intranet.core.text import single_line

from . import preferences
from .models import EmailDelivery, EmailMode, Notification

logger = logging.getLogger(__name__)

# A claim older than this is taken to belong to a worker that died mid-send.
CLAIM_LEASE = datetime.timedelta(minutes=10)
# Waits before sending again after an SMTP error; after the last, the delivery fails.
RETRY_DELAYS = [
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=15),
    datetime.timedelta(hours=1),
    datetime.timedelta(hours=3),
]
MAX_ITEMS = 30
DIGEST_BODY_CHARS = 300


def email_delay() -> datetime.timedelta:
    return datetime.timedelta(
        seconds=getattr(settings, "NOTIFICATION_EMAIL_DELAY", 120)
    )


# ---------------------------------------------------------------------------
# Planning: called by notify() inside its transaction


def plan(rows: list[Notification], *, kind: str, group_key: str, now) -> None:
    """Attach each row whose recipient wants ``kind`` by e-mail to a delivery.

    Sets ``row.email_delivery`` (rows are not yet saved) and schedules the sender.
    """
    rows = [row for row in rows if row.recipient.email]
    if not rows:
        return
    prefs = preferences.for_people({row.recipient_id for row in rows})
    immediate: dict[int, datetime.datetime] = {}
    digest: dict[str, dict[int, datetime.datetime]] = {}
    for row in rows:
        person_prefs = prefs[row.recipient_id]
        mode = person_prefs.mode_for(kind)
        if mode == EmailMode.IMMEDIATE:
            immediate[row.recipient_id] = person_prefs.outside_quiet_hours(
                now + email_delay()
            )
        elif mode == EmailMode.DIGEST:
            due = person_prefs.next_digest(now)
            key = f"digest:{timezone.localdate(due).isoformat()}"
            digest.setdefault(key, {})[row.recipient_id] = due
    deliveries: dict[int, EmailDelivery] = {}
    new_due: set[datetime.datetime] = set()
    if immediate:
        if group_key:
            found, due = _join_or_start(
                EmailDelivery.Mode.IMMEDIATE, group_key, immediate
            )
        else:
            found, due = _start(EmailDelivery.Mode.IMMEDIATE, immediate)
        deliveries.update(found)
        new_due |= due
    for key, wanted in digest.items():
        found, due = _join_or_start(EmailDelivery.Mode.DIGEST, key, wanted)
        deliveries.update(found)
        new_due |= due
    for row in rows:
        row.email_delivery = deliveries.get(row.recipient_id)
    schedule(new_due)


def _start(mode: str, wanted: dict[int, datetime.datetime], key: str = ""):
    created = EmailDelivery.objects.bulk_create(
        [
            EmailDelivery(recipient_id=pk, mode=mode, group_key=key, due_at=due)
            for pk, due in wanted.items()
        ]
    )
    if any(delivery.pk is None for delivery in created):
        tokens = [delivery.message_token for delivery in created]
        created = list(EmailDelivery.objects.filter(message_token__in=tokens))
    return {d.recipient_id: d for d in created}, {d.due_at for d in created}


def _join_or_start(mode: str, key: str, wanted: dict[int, datetime.datetime]):
    """The pending delivery per recipient for ``key``, created where there is none.

    The pending row is locked (PostgreSQL) so that a worker cannot claim it while this
    transaction attaches a notification; a unique index makes concurrent creators meet
    on one row.
    """
    found: dict[int, EmailDelivery] = {}
    new_due: set[datetime.datetime] = set()
    for attempt in range(3):
        missing = [pk for pk in wanted if pk not in found]
        if not missing:
            break
        pending = EmailDelivery.objects.select_for_update().filter(
            status=EmailDelivery.Status.PENDING,
            mode=mode,
            group_key=key,
            recipient_id__in=missing,
        )
        for delivery in pending:
            found[delivery.recipient_id] = delivery
            if attempt:  # created by the insert below (or a concurrent one)
                new_due.add(delivery.due_at)
        missing = [pk for pk in missing if pk not in found]
        if missing:
            EmailDelivery.objects.bulk_create(
                [
                    EmailDelivery(
                        recipient_id=pk, mode=mode, group_key=key, due_at=wanted[pk]
                    )
                    for pk in missing
                ],
                ignore_conflicts=True,
            )
    missing = {pk: wanted[pk] for pk in wanted if pk not in found}
    if missing:
        # Each time, the row we met was claimed before we could lock it: give up
        # merging rather than the e-mail.
        started, due = _start(mode, missing)
        found.update(started)
        new_due |= due
    return found, new_due


def schedule(due_times: Iterable[datetime.datetime]) -> None:
    """Make sure the sender runs at each of ``due_times`` (``core.scheduling``)."""
    from .tasks import send_due_emails as task

    scheduling.run_at(task, due_times)


# ---------------------------------------------------------------------------
# Sending: run by the task worker


@dataclass
class SendReport:
    sent: int = 0
    skipped: int = 0
    postponed: int = 0
    retrying: int = 0
    failed: int = 0

    def as_dict(self) -> dict:
        return {
            "sent": self.sent,
            "skipped": self.skipped,
            "postponed": self.postponed,
            "retrying": self.retrying,
            "failed": self.failed,
        }


def send_due_emails(
    *, now: datetime.datetime | None = None, limit: int = 500
) -> SendReport:
    """Send every delivery that is due (or whose claim has expired). Idempotent."""
    now = now or timezone.now()
    report = SendReport()
    candidates = list(
        EmailDelivery.objects.claimable(now, now - CLAIM_LEASE)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    connection = None
    watchdog = False
    try:
        for pk in candidates:
            delivery = _claim(pk, now, watchdog=not watchdog)
            if delivery is None:
                continue  # another worker has it
            watchdog = True
            if connection is None:
                connection = get_connection()
            outcome = _deliver(delivery, now, connection)
            setattr(report, outcome, getattr(report, outcome) + 1)
    finally:
        if connection is not None:
            connection.close()
    if len(candidates) == limit:
        schedule([now])  # more are due: carry on in a fresh task
    _watch_other_claims(now)
    return report


def _claim(pk: int, now, *, watchdog: bool) -> EmailDelivery | None:
    with transaction.atomic():
        claimed = (
            EmailDelivery.objects.claimable(now, now - CLAIM_LEASE)
            .filter(pk=pk)
            .update(status=EmailDelivery.Status.SENDING, claimed_at=now)
        )
        if not claimed:
            return None
        if watchdog:
            # If this worker dies mid-send, a later run finds the expired claim.
            _schedule_in_database(now + CLAIM_LEASE + datetime.timedelta(seconds=5))
    return EmailDelivery.objects.select_related("recipient").get(pk=pk)


def _schedule_in_database(due: datetime.datetime) -> None:
    from .tasks import send_due_emails as task

    if scheduling.stores_tasks_in_database(task.get_backend()):
        task.using(run_after=due).enqueue()


def _watch_other_claims(now) -> None:
    """Claims held by other workers: look again when their lease runs out."""
    oldest = (
        EmailDelivery.objects.filter(
            status=EmailDelivery.Status.SENDING, claimed_at__gte=now - CLAIM_LEASE
        )
        .order_by("claimed_at")
        .values_list("claimed_at", flat=True)
        .first()
    )
    if oldest is not None:
        _schedule_in_database(oldest + CLAIM_LEASE + datetime.timedelta(seconds=5))


def _deliver(delivery: EmailDelivery, now, connection) -> str:
    person = delivery.recipient
    if not person.is_active or not person.email:
        _finish(delivery, EmailDelivery.Status.SKIPPED, error="no active address")
        return "skipped"
    prefs = preferences.for_person(person)
    quiet_end = prefs.quiet_end(now)
    if quiet_end is not None:
        _release(delivery, due=quiet_end)
        return "postponed"
    notes = [
        note
        for note in delivery.notifications.filter(read_at__isnull=True)
        .select_related("actor")
        .order_by("created_at", "pk")
        if prefs.mode_for(note.kind) != EmailMode.OFF
    ]
    if not notes:
        # Seen in the browser before the e-mail went out, or no longer wanted.
        _finish(delivery, EmailDelivery.Status.SKIPPED)
        return "skipped"
    message = compose(delivery, person, notes)
    attempts = delivery.attempts + 1
    try:
        if connection.send_messages([message]) != 1:
            raise RuntimeError("the e-mail backend did not accept the message")
    except Exception as error:
        if attempts > len(RETRY_DELAYS):
            logger.error(
                "Notification e-mail %s to %s failed for good after %d attempts: %s",
                delivery.pk,
                person.email,
                attempts,
                error,
            )
            _finish(
                delivery,
                EmailDelivery.Status.FAILED,
                error=repr(error),
                attempts=attempts,
            )
            return "failed"
        logger.warning(
            "Notification e-mail %s to %s failed (attempt %d), will retry: %s",
            delivery.pk,
            person.email,
            attempts,
            error,
        )
        _release(
            delivery,
            due=now + RETRY_DELAYS[attempts - 1],
            error=repr(error),
            attempts=attempts,
        )
        return "retrying"
    _finish(
        delivery,
        EmailDelivery.Status.SENT,
        attempts=attempts,
        sent_at=timezone.now(),
        address=person.email,
        subject=message.subject[:255],
    )
    return "sent"


def _finish(delivery: EmailDelivery, status: str, *, error: str = "", **fields) -> None:
    updated = EmailDelivery.objects.filter(
        pk=delivery.pk,
        status=EmailDelivery.Status.SENDING,
        claimed_at=delivery.claimed_at,
    ).update(status=status, last_error=error, **fields)
    if not updated:
        logger.warning(
            "Notification e-mail %s: the claim expired before it finished (%s).",
            delivery.pk,
            status,
        )


def _release(delivery: EmailDelivery, *, due, error: str = "", **fields) -> None:
    """Back to pending, due at ``due``, with a task scheduled for then."""
    with transaction.atomic():
        EmailDelivery.objects.filter(
            pk=delivery.pk,
            status=EmailDelivery.Status.SENDING,
            claimed_at=delivery.claimed_at,
        ).update(
            status=EmailDelivery.Status.PENDING,
            due_at=due,
            claimed_at=None,
            last_error=error or F("last_error"),
            **fields,
        )
        schedule([due])


# ---------------------------------------------------------------------------
# The message


def mail_subject(note: Notification) -> str:
    """A notification's subject as an e-mail may carry it: a 秘 matter's subject
    stays on the intranet's pages (the mail says only what kind of notice it is)."""
    if note.confidential:
        return _("（秘）%(kind)sのお知らせ") % {"kind": note.kind_label}
    return note.subject


def _items(notes: list[Notification], *, digest: bool) -> list[dict]:
    items = []
    for note in notes[:MAX_ITEMS]:
        body = "" if note.confidential else note.body.strip()
        if digest and len(body) > DIGEST_BODY_CHARS:
            body = body[:DIGEST_BODY_CHARS].rstrip() + "…"
        items.append(
            {
                "subject": mail_subject(note),
                "kind": str(note.kind_label),
                "when": dates.format_datetime(note.created_at, year=False),
                "actor": note.actor.get_full_name() if note.actor_id else "",
                "body": body,
                "link": absolute_url(note.url or reverse("notifications:list")),
            }
        )
    return items


def compose(
    delivery: EmailDelivery, person, notes: list[Notification]
) -> EmailMultiAlternatives:
    """The Japanese e-mail (plain text and HTML) for ``notes``, dates in the style
    the person chose (西暦 or 和暦)."""
    with (
        translation.override("ja"),
        dates.style_of(getattr(person, "date_style", None)),
    ):
        digest = delivery.mode == EmailDelivery.Mode.DIGEST
        count = len(notes)
        site = settings.INTRANET_SITE_NAME
        if digest:
            subject = _("未読のお知らせ %(count)d件（%(date)s）") % {
                "count": count,
                "date": dates.format_date(delivery.due_at, year=False),
            }
            lead = _("まだご覧になっていないお知らせが%(count)d件あります。") % {
                "count": count
            }
        else:
            subject = mail_subject(notes[0])
            if count > 1:
                subject = _("%(subject)s（ほか%(more)d件）") % {
                    "subject": subject,
                    "more": count - 1,
                }
            lead = (
                _("%(site)sに新しいお知らせがあります。") % {"site": site}
                if count == 1
                else _("%(site)sに新しいお知らせが%(count)d件あります。")
                % {"site": site, "count": count}
            )
        context = {
            "name": person.get_full_name() or person.username,
            "lead": lead,
            "items": _items(notes, digest=digest),
            "more": max(0, count - MAX_ITEMS),
            "list_url": absolute_url(reverse("notifications:list")),
            "settings_url": absolute_url(reverse("notifications:preferences")),
            "site": site,
            "organisation": settings.INTRANET_ORGANISATION,
        }
        text = render_to_string("notifications/email/message.txt", context)
        html = render_to_string("notifications/email/message.html", context)
        prefix = getattr(settings, "EMAIL_SUBJECT_PREFIX", "")
    message = EmailMultiAlternatives(
        # Never a line break in a header, whatever a subject was given.
        subject=single_line(f"{prefix}{subject}"),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.email],
        headers={
            "Message-ID": f"<{delivery.message_token}@{_mail_domain()}>",
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
            "List-Unsubscribe": f"<{context['settings_url']}>",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _mail_domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL
    domain = address.rsplit("@", 1)[-1].strip(" >") if "@" in address else ""
    return domain or "intranet.invalid"
