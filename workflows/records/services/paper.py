"""紙決裁の登録 and new 年度 tables: the transition from paper and the yearly
revision of the 分類表."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Person
from workflows import ledger
from workflows.errors import ApprovalError, NotAllowed
from workflows.integrity import record_digest
from workflows.models import Document, DocumentType, LedgerEntry
from workflows.numbering import assign_number
from workflows.services import add_attachment, create_draft
from workflows.services.common import refresh_search_text

from .. import access
from ..lifecycle import Storage
from ..models import Classification, ClassificationTable
from .filing import _check_leaf, _file, complete


@transaction.atomic
def register_paper_decision(
    *,
    by: Person,
    applicant: Person,
    title: str,
    document_type: DocumentType,
    decided_on: datetime.date,
    classification: Classification | None = None,
    retention_years: int | None = None,
    confidential: bool = False,
    scan=None,
) -> Document:
    """A document decided on paper, registered so the register is complete: it
    takes the next 文書番号 of its 課's series for the 年度 of its 決裁日, its scan
    is its attachment, and it is 完結 on its 決裁日 (保存場所: 紙)."""
    if decided_on > timezone.localdate():
        raise ApprovalError(_("決裁日に未来の日付は指定できません。"))
    document = create_draft(
        applicant=applicant,
        filer=by,
        title=title,
        document_type=document_type,
        retention_years=retention_years,
        confidential=confidential,
    )
    if classification is not None:
        _check_leaf(classification, document.owner_section)
    if scan is not None:
        add_attachment(document=document, by=by, upload=scan)
    decided_at = timezone.make_aware(
        datetime.datetime.combine(decided_on, datetime.time(12, 0))
    )
    document.state = Document.State.DECIDED
    document.submitted_at = document.decided_at = document.closed_at = decided_at
    document.storage = Storage.PAPER
    assign_number(document, decided_on)
    if classification is not None:
        _file(
            document,
            section=document.owner_section,
            classification=classification,
            year=document.fiscal_year,
        )
    refresh_search_text(document)
    document.save()
    ledger.append(
        document=document,
        action=LedgerEntry.Action.REGISTER_PAPER,
        actor=by,
        on_behalf_of=applicant if applicant.pk != by.pk else None,
        data={
            "number": document.number_label,
            "decided_on": decided_on.isoformat(),
            "content": document.content_digest(),
            "record": record_digest(document),
        },
    )
    complete(record=document, day=decided_on, by=by, ledger_entry=False)
    return document


@transaction.atomic
def copy_table(
    *, source: ClassificationTable, fiscal_year: int, by: Person
) -> ClassificationTable:
    """A new 年度's 分類表 as an unpublished copy of ``source`` to edit: the old
    table, and every 簿冊 and record filed under it, stay as they were."""
    if not access.is_records_manager(by):
        raise NotAllowed()
    if ClassificationTable.objects.filter(fiscal_year=fiscal_year).exists():
        raise ApprovalError(_("この年度の分類表はすでにあります。"))
    table = ClassificationTable.objects.create(
        fiscal_year=fiscal_year,
        note=_("%(year)s年度の表から複写") % {"year": source.fiscal_year},
    )
    copies: dict[int, Classification] = {}
    for node in source.classifications.order_by("level", "code").prefetch_related(
        "document_types"
    ):
        copy = Classification.objects.create(
            table=table,
            parent=copies.get(node.parent_id),
            level=node.level,
            code=node.code,
            name=node.name,
            section_id=node.section_id,
            retention_years=node.retention_years,
        )
        copy.document_types.set(node.document_types.all())
        copies[node.pk] = copy
    return table


@transaction.atomic
def publish_table(*, table: ClassificationTable, by: Person) -> ClassificationTable:
    if not access.is_records_manager(by):
        raise NotAllowed()
    if table.is_published:
        raise ApprovalError(_("公開済みの分類表は変更できません。"))
    table.published_at = timezone.now()
    table.save(update_fields=["published_at"])
    return table
