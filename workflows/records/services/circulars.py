"""回覧: pass a decided document, a 収受 or a notice round, with read receipts.

Not the 供覧 step of a route: a 回覧 blocks nothing. Recipients are people and the
current members of units; each gets a notification, marks it read (既読), the
unread can be reminded, and the sender ends it (回覧終了).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Membership, OrgUnit, Person
from intranet.notifications.kinds import Kind
from intranet.notifications.services import notify
from workflows import access as document_access
from workflows.errors import ApprovalError, NotAllowed
from workflows.models import Document, LedgerEntry

from .. import access
from ..models import Circular, CircularRecipient, IncomingDocument
from .filing import record_act

MAX_RECIPIENTS = 500


def _recipients(people, units) -> list[Person]:
    chosen = {person.pk: person for person in people if person.is_active}
    unit_ids = set()
    for unit in units:
        unit_ids.update(
            OrgUnit.objects.filter(path__startswith=unit.path).values_list(
                "pk", flat=True
            )
        )
    if unit_ids:
        for membership in (
            Membership.objects.on()
            .active_people()
            .filter(unit_id__in=unit_ids)
            .select_related("person")
        ):
            chosen.setdefault(membership.person_id, membership.person)
    return list(chosen.values())


def _subject_title(circular: Circular) -> str:
    confidential = bool(
        (circular.document and circular.document.confidential)
        or (circular.incoming and circular.incoming.confidential)
    )
    # A 秘 record's circular is named in full only on its page, to its recipients.
    return document_access.withheld_title() if confidential else circular.subject


@transaction.atomic
def start_circular(
    *,
    by: Person,
    subject: str,
    message: str = "",
    people=(),
    units=(),
    document: Document | None = None,
    incoming: IncomingDocument | None = None,
) -> Circular:
    """回覧を開始: only a decided document or a 収受 the sender may read, and never a
    秘 one to people who may not read it."""
    subject = (subject or "").strip()
    if not subject:
        raise ApprovalError(_("件名を入力してください。"))
    if document is not None and incoming is not None:
        raise ApprovalError(_("回覧できるのは1件の文書です。"))
    if document is not None:
        if document.state != Document.State.DECIDED:
            raise ApprovalError(_("回覧できるのは決裁済みの文書です。"))
        if not document_access.can_view_document(by, document):
            raise NotAllowed()
    if incoming is not None and not access.can_view_incoming(by, incoming):
        raise NotAllowed()
    recipients = [p for p in _recipients(people, units) if p.pk != by.pk]
    if not recipients:
        raise ApprovalError(_("回覧先を選んでください。"))
    if len(recipients) > MAX_RECIPIENTS:
        raise ApprovalError(
            _("回覧先は%(limit)s人までです。") % {"limit": MAX_RECIPIENTS}
        )
    confidential = bool(
        (document and document.confidential) or (incoming and incoming.confidential)
    )
    if confidential:
        refused = [
            person.full_name
            for person in recipients
            if not (
                document_access.can_view_document(person, document)
                if document
                else access.can_view_incoming(person, incoming)
            )
        ]
        if refused:
            raise ApprovalError(
                _("秘文書は閲覧できない職員に回覧できません（%(names)s）。")
                % {"names": "、".join(refused[:5])}
            )
    circular = Circular.objects.create(
        subject=subject[:200],
        message=message or "",
        document=document,
        incoming=incoming,
        created_by=by,
    )
    CircularRecipient.objects.bulk_create(
        [CircularRecipient(circular=circular, person=p) for p in recipients]
    )
    _ledger(circular, by=by, event="start", count=len(recipients))
    notify(
        recipients=recipients,
        kind=Kind.RECORDS_CIRCULAR,
        subject=_("回覧: %(subject)s") % {"subject": _subject_title(circular)},
        body=message[:140] if not confidential else "",
        url=circular.get_absolute_url(),
        actor=by,
        group_key=f"circular:{circular.pk}",
        confidential=confidential,
    )
    return circular


def _ledger(circular: Circular, *, by: Person, event: str, **data) -> None:
    record = circular.document or circular.incoming
    payload = {"circular": circular.pk, "event": event, **data}
    if record is not None:
        record_act(record, action=LedgerEntry.Action.CIRCULATE, by=by, data=payload)
    else:
        from workflows import ledger

        ledger.append(
            document=None, action=LedgerEntry.Action.CIRCULATE, actor=by, data=payload
        )


@transaction.atomic
def mark_read(*, circular: Circular, by: Person) -> CircularRecipient:
    """既読: idempotent; the first reading time is kept."""
    receipt = (
        CircularRecipient.objects.select_for_update()
        .filter(circular=circular, person=by)
        .first()
    )
    if receipt is None:
        raise NotAllowed()
    if receipt.read_at is None:
        receipt.read_at = timezone.now()
        receipt.save(update_fields=["read_at"])
    return receipt


@transaction.atomic
def remind_unread(*, circular: Circular, by: Person) -> int:
    """A reminder to everyone who has not read it yet; returns how many."""
    circular = Circular.objects.select_for_update().get(pk=circular.pk)
    if by.pk != circular.created_by_id:
        raise NotAllowed()
    if circular.is_closed:
        raise ApprovalError(_("回覧は終了しています。"))
    unread = list(
        circular.recipients.filter(read_at__isnull=True).select_related("person")
    )
    if not unread:
        return 0
    now = timezone.now()
    CircularRecipient.objects.filter(pk__in=[r.pk for r in unread]).update(
        reminded_at=now
    )
    notify(
        recipients=[r.person for r in unread],
        kind=Kind.RECORDS_CIRCULAR,
        subject=_("未読の回覧があります: %(subject)s")
        % {"subject": _subject_title(circular)},
        url=circular.get_absolute_url(),
        actor=by,
        group_key=f"circular:{circular.pk}",
    )
    return len(unread)


@transaction.atomic
def close_circular(*, circular: Circular, by: Person) -> Circular:
    """回覧終了: no more receipts are expected; who read it stays recorded."""
    circular = Circular.objects.select_for_update().get(pk=circular.pk)
    if by.pk != circular.created_by_id:
        raise NotAllowed()
    if circular.is_closed:
        raise ApprovalError(_("回覧は終了しています。"))
    circular.closed_at = timezone.now()
    circular.save(update_fields=["closed_at"])
    read = circular.recipients.filter(read_at__isnull=False).count()
    _ledger(
        circular, by=by, event="close", read=read, total=circular.recipients.count()
    )
    return circular
