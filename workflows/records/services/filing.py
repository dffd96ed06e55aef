"""分類, 簿冊, 完結 and 収受."""

from __future__ import annotations

import datetime
import re

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import OrgUnit, Person
from intranet.core.dates import fiscal_year
from intranet.notifications.kinds import Kind
from intranet.notifications.services import notify
from workflows import ledger
from workflows.attachments import check_upload
from workflows.errors import ApprovalError, NotAllowed
from workflows.models import Document, DocumentType, LedgerEntry, Retention
from workflows.numbering import locked_counter, series_for
from workflows.routing import owner_section
from workflows.services import create_draft

from .. import access
from ..lifecycle import RetainedRecord, expiry_date
from ..models import (
    Binder,
    Classification,
    ClassificationTable,
    IncomingCounter,
    IncomingDocument,
)


def suggest_classification(
    *,
    document_type: DocumentType | None,
    section: OrgUnit | None,
    day: datetime.date | None = None,
) -> Classification | None:
    """The 小分類 of the table in force that names this document type: the
    section's own one first, then one common to all sections."""
    table = ClassificationTable.objects.in_force(fiscal_year(day))
    if table is None or document_type is None:
        return None
    leaves = table.classifications.filter(
        level=Classification.Level.MINOR, document_types=document_type
    ).filter(Q(section__isnull=True) | Q(section=section))
    return min(
        leaves,
        key=lambda leaf: (leaf.section_id is None, leaf.code),
        default=None,
    )


def binder_for(
    *, section: OrgUnit, classification: Classification, year: int
) -> Binder:
    """The 課's 簿冊 for this 分類 and 年度, created on first use."""
    binder, _created = Binder.objects.get_or_create(
        section=section,
        classification=classification,
        fiscal_year=year,
        defaults={"name": classification.name},
    )
    return binder


def _check_leaf(classification: Classification, section: OrgUnit) -> None:
    if not classification.is_leaf:
        raise ApprovalError(_("小分類を選んでください。"))
    if classification.section_id not in (None, section.pk):
        raise ApprovalError(_("他の課の分類は選べません。"))


def _file(record: RetainedRecord, *, section, classification, year) -> None:
    record.classification = classification
    record.binder = binder_for(
        section=section, classification=classification, year=year
    )


def _ledger_target(record: RetainedRecord) -> tuple[Document | None, dict]:
    if isinstance(record, Document):
        return record, {}
    return None, {"incoming": record.pk, "number": record.number_label}


def record_act(record: RetainedRecord, *, action, by, comment="", data=None):
    """A ledger entry for an act on a 起案 or a 収受 (a 収受 has no document row:
    the entry names it in ``data``)."""
    document, extra = _ledger_target(record)
    return ledger.append(
        document=document,
        action=action,
        actor=by,
        comment=comment,
        data={**extra, **(data or {})},
    )


@transaction.atomic
def classify(
    *, record: RetainedRecord, classification: Classification, by: Person
) -> RetainedRecord:
    """File a record under a 小分類 (and so into its 簿冊): the authors of a 起案,
    the 担当 of a 収受, or the 文書管理担当. A record already destroyed or
    transferred stays where it was."""
    record = type(record).objects.select_for_update().get(pk=record.pk)
    section = _section_of(record)
    if not (access.is_records_manager(by) or _is_responsible(by, record)):
        raise NotAllowed()
    if record.is_disposed:
        raise ApprovalError(_("廃棄・移管した文書の分類は変更できません。"))
    _check_leaf(classification, section)
    _file(record, section=section, classification=classification, year=_year(record))
    record.save(update_fields=["classification", "binder"])
    record_act(
        record,
        action=LedgerEntry.Action.FILE,
        by=by,
        data={"classification": classification.code, "binder": record.binder_id},
    )
    return record


def _section_of(record: RetainedRecord) -> OrgUnit:
    return record.owner_section if isinstance(record, Document) else record.section


def _year(record: RetainedRecord) -> int:
    if record.fiscal_year:
        return record.fiscal_year
    return fiscal_year()


def _is_responsible(person: Person, record: RetainedRecord) -> bool:
    if isinstance(record, Document):
        return person.pk in (record.applicant_id, record.filer_id)
    return person.pk in (record.assignee_id, record.registered_by_id)


def complete(
    *,
    record: RetainedRecord,
    day: datetime.date,
    by: Person | None,
    ledger_entry: bool = True,
) -> RetainedRecord:
    """完結: the record's last action has ended on ``day``. Sets the 完結日 and the
    保存期間満了日 (see lifecycle.expiry_date), files an unfiled 起案 under the
    分類 suggested by its type, and records it. Call inside the caller's
    transaction (the decision, the 施行, the reply's completion)."""
    if record.completed_on is not None:
        return record
    record.completed_on = day
    record.expires_on = expiry_date(day, record.retention_years)
    fields = ["completed_on", "expires_on"]
    if record.classification_id is None and isinstance(record, Document):
        suggested = suggest_classification(
            document_type=record.document_type, section=record.owner_section, day=day
        )
        if suggested is not None:
            _file(
                record,
                section=record.owner_section,
                classification=suggested,
                year=_year(record),
            )
            fields += ["classification", "binder"]
    type(record).objects.filter(pk=record.pk).update(
        **{name: getattr(record, name) for name in fields}
    )
    if ledger_entry:
        record_act(
            record,
            action=LedgerEntry.Action.COMPLETE,
            by=by,
            data={
                "completed_on": day.isoformat(),
                "expires_on": record.expires_on.isoformat()
                if record.expires_on
                else "",
            },
        )
    if isinstance(record, Document):
        for incoming in IncomingDocument.objects.filter(
            reply=record, completed_on__isnull=True
        ):
            complete(record=incoming, day=day, by=by)
    return record


def _incoming_label(series, number: int) -> str:
    return _("%(prefix)s収第%(number)s号") % {"prefix": series.prefix, "number": number}


@transaction.atomic
def register_incoming(
    *,
    by: Person,
    received_on: datetime.date,
    channel: str,
    sender: str,
    title: str,
    section: OrgUnit,
    assignee: Person | None = None,
    classification: Classification | None = None,
    retention_years: int | None = None,
    confidential: bool = False,
    upload=None,
) -> IncomingDocument:
    """収受: number the received document in the 課's series for the 年度 of the
    収受日 (gapless: the counter is locked and rolls back with the registration),
    store its scan or file, and tell the 担当."""
    title, sender = (title or "").strip(), (sender or "").strip()
    if not title:
        raise ApprovalError(_("件名を入力してください。"))
    if not sender:
        raise ApprovalError(_("差出人を入力してください。"))
    if len(title) > 200 or len(sender) > 200:
        raise ApprovalError(_("件名・差出人は200文字以内で入力してください。"))
    if channel not in IncomingDocument.Channel.values:
        raise ApprovalError(_("収受方法を選んでください。"))
    if received_on > timezone.localdate():
        raise ApprovalError(_("収受日に未来の日付は指定できません。"))
    section = owner_section(section)
    if classification is not None:
        _check_leaf(classification, section)
    if retention_years is None:
        retention_years = (
            classification.retention_years if classification else Retention.FIVE
        )
    if retention_years not in Retention.values:
        raise ApprovalError(_("保存期間を選んでください。"))
    checked = check_upload(upload) if upload is not None else None
    series = series_for(section)
    year = fiscal_year(received_on)
    counter = locked_counter(IncomingCounter, series=series, fiscal_year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    incoming = IncomingDocument(
        series=series,
        fiscal_year=year,
        number=counter.last_number,
        number_label=_incoming_label(series, counter.last_number),
        received_on=received_on,
        channel=channel,
        sender=sender,
        title=title,
        section=section,
        assignee=assignee,
        retention_years=retention_years,
        confidential=confidential,
        registered_by=by,
    )
    if classification is not None:
        _file(incoming, section=section, classification=classification, year=year)
    if checked is not None:
        incoming.sha256 = checked.sha256
        incoming.original_name = checked.name
        incoming.file.save(checked.name, upload, save=False)
    incoming.save()
    record_act(
        incoming,
        action=LedgerEntry.Action.RECEIVE,
        by=by,
        data={"file": incoming.sha256, "section": section.pk},
    )
    if assignee is not None:
        notify(
            recipients=[assignee],
            kind=Kind.INCOMING_ASSIGNED,
            subject=_("収受文書の担当になりました: %(title)s")
            % {"title": access.shown_title(assignee, incoming)},
            body=_("%(number)s（%(sender)s）")
            % {"number": incoming.number_label, "sender": sender},
            url=incoming.get_absolute_url(),
            actor=by,
            confidential=confidential,
        )
    return incoming


def reply_title(title: str) -> str:
    """「研修の開催について（通知）」 → 「研修の開催について（回答）」."""
    base = re.sub(r"（[^（）]*）$", "", title).strip() or title
    if not base.endswith("について"):
        base += "について"
    return (_("%(title)s（回答）") % {"title": base})[:200]


@transaction.atomic
def start_reply(*, incoming: IncomingDocument, by: Person) -> Document:
    """A 起案 in answer to a 収受, linked both ways (処理経過 on both)."""
    incoming = IncomingDocument.objects.select_for_update().get(pk=incoming.pk)
    if not access.can_view_incoming(by, incoming):
        raise NotAllowed()
    if incoming.reply_id is not None:
        raise ApprovalError(_("この収受文書にはすでに回答の起案があります。"))
    if incoming.is_disposed:
        raise ApprovalError(_("廃棄・移管した文書には回答できません。"))
    document = create_draft(
        applicant=by,
        title=reply_title(incoming.title),
        retention_years=incoming.retention_years,
        confidential=incoming.confidential,
    )
    incoming.reply = document
    incoming.save(update_fields=["reply"])
    record_act(
        incoming,
        action=LedgerEntry.Action.FILE,
        by=by,
        data={"reply": document.pk},
    )
    return document


@transaction.atomic
def close_incoming(*, incoming: IncomingDocument, by: Person) -> IncomingDocument:
    """A 収受 that needs no answer is 完結 when its 担当 closes it."""
    incoming = IncomingDocument.objects.select_for_update().get(pk=incoming.pk)
    if not (access.is_records_manager(by) or _is_responsible(by, incoming)):
        raise NotAllowed()
    if incoming.completed_on is not None:
        raise ApprovalError(_("この収受文書はすでに完結しています。"))
    return complete(record=incoming, day=timezone.localdate(), by=by)
