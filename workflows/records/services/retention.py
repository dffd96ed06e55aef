"""At 満了: 延長, 廃棄 (after a 廃棄協議 decided on the approval engine) and 移管
(a BagIt package for the archives). Each act is a ledger entry."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import bagit
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from directory.models import OrgUnit, Person
from intranet.core.dates import SEIREKI, format_date
from workflows import pdf
from workflows.errors import ApprovalError, NotAllowed
from workflows.models import Attachment, Document, DocumentType, LedgerEntry
from workflows.services import create_draft, submit

from .. import access
from ..lifecycle import Disposition, RetainedRecord, expiry_date
from ..models import DisposalItem, DisposalRequest, IncomingDocument
from .filing import record_act

DISPOSAL_TYPE = "records-disposal"
OPEN_DISPOSITIONS = (Disposition.KEPT, Disposition.EXTENDED)


def _manager_only(by: Person) -> None:
    if not access.is_records_manager(by):
        raise NotAllowed(_("文書管理担当だけが行えます。"))


def _locked(record: RetainedRecord) -> RetainedRecord:
    return type(record).objects.select_for_update().get(pk=record.pk)


def _check_expired(record: RetainedRecord, today: datetime.date) -> None:
    if record.disposition not in OPEN_DISPOSITIONS:
        raise ApprovalError(
            _("「%(title)s」はすでに廃棄または移管されています。")
            % {"title": record.title}
        )
    if record.expires_on is None or record.expires_on >= today:
        raise ApprovalError(
            _("「%(title)s」は保存期間が満了していません。") % {"title": record.title}
        )


@transaction.atomic
def extend_retention(
    *, record: RetainedRecord, years: int, reason: str, by: Person
) -> RetainedRecord:
    """延長: keep a record ``years`` longer than its 保存期間, with a reason."""
    _manager_only(by)
    record = _locked(record)
    reason = (reason or "").strip()
    if not reason:
        raise ApprovalError(_("延長の理由を入力してください。"))
    if not 1 <= years <= 30:
        raise ApprovalError(_("延長する期間は1年から30年の間で指定してください。"))
    if record.disposition not in OPEN_DISPOSITIONS or record.completed_on is None:
        raise ApprovalError(_("完結して保存中の文書だけを延長できます。"))
    if not record.retention_years:
        raise ApprovalError(_("常用の文書は延長できません。"))
    record.extension_years += years
    record.expires_on = expiry_date(record.completed_on, record.period_years)
    record.disposition = Disposition.EXTENDED
    type(record).objects.filter(pk=record.pk).update(
        extension_years=record.extension_years,
        expires_on=record.expires_on,
        disposition=record.disposition,
    )
    record_act(
        record,
        action=LedgerEntry.Action.EXTEND,
        by=by,
        comment=reason,
        data={"years": years, "expires_on": record.expires_on.isoformat()},
    )
    return record


def _pending_items():
    return DisposalItem.objects.filter(request__state=DisposalRequest.State.PENDING)


@transaction.atomic
def request_disposal(
    *, section: OrgUnit, records: list[RetainedRecord], by: Person
) -> DisposalRequest:
    """廃棄協議: a 起案 (document type ``records-disposal``) listing the expired
    records, submitted on the approval engine. Nothing is removed until it is
    decided (see ``apply_disposal``)."""
    _manager_only(by)
    if not records:
        raise ApprovalError(_("廃棄する文書を選んでください。"))
    document_type = DocumentType.objects.filter(code=DISPOSAL_TYPE).first()
    if document_type is None:
        raise ApprovalError(
            _("廃棄協議の文書種別（%(code)s）が登録されていません。")
            % {"code": DISPOSAL_TYPE}
        )
    today = timezone.localdate()
    locked = [_locked(record) for record in records]
    pending = _pending_items()
    for record in locked:
        _check_expired(record, today)
        field = "document" if isinstance(record, Document) else "incoming"
        if pending.filter(**{field: record.pk}).exists():
            raise ApprovalError(
                _("「%(title)s」はすでに廃棄協議中です。") % {"title": record.title}
            )
    lines = "".join(
        f"<li>{escape(_register_number(r))} {escape(r.title)}"
        f"（{escape(_('満了日'))} {format_date(r.expires_on, style=SEIREKI)}）</li>"
        for r in locked
    )
    approval = create_draft(
        applicant=by,
        title=_("保存期間が満了した文書の廃棄について（%(section)s・%(count)s件）")
        % {"section": section.name, "count": len(locked)},
        body=f"<p>{escape(_('次の文書を廃棄してよろしいか伺います。'))}</p><ul>{lines}</ul>",
        document_type=document_type,
        confidential=any(r.confidential for r in locked),
    )
    request = DisposalRequest.objects.create(
        section=section, approval=approval, requested_by=by
    )
    DisposalItem.objects.bulk_create(
        [
            DisposalItem(
                request=request,
                document=r if isinstance(r, Document) else None,
                incoming=r if isinstance(r, IncomingDocument) else None,
            )
            for r in locked
        ]
    )
    submit(document=approval, by=by)
    return request


def _register_number(record: RetainedRecord) -> str:
    return record.number_label or "-"


def _items(request: DisposalRequest) -> list[RetainedRecord]:
    items = request.items.select_related("document", "incoming")
    return [item.document or item.incoming for item in items]


def apply_disposal(*, request: DisposalRequest, by: Person) -> None:
    """Carry out a decided 廃棄協議 (called inside the deciding transaction): every
    listed record loses its content and files; its register entry stays, with the
    廃棄日 and the 廃棄協議's 文書番号."""
    request = DisposalRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != DisposalRequest.State.PENDING:
        return
    today = timezone.localdate()
    reference = request.approval.number_label
    for record in _items(request):
        destroy(record=_locked(record), day=today, reference=reference, by=by)
    request.state = DisposalRequest.State.APPLIED
    request.applied_at = timezone.now()
    request.save(update_fields=["state", "applied_at"])


def destroy(
    *, record: RetainedRecord, day: datetime.date, reference: str, by: Person
) -> None:
    """Remove a record's content and files, keep its register entry."""
    files = []
    if isinstance(record, Document):
        attachments = list(Attachment.objects.filter(document=record))
        files = [attachment.file for attachment in attachments]
        Attachment.objects.filter(document=record).delete()
        Document.objects.filter(pk=record.pk).update(
            body="", search_text="", version=record.version + 1
        )
    elif record.file:
        files = [record.file]
        IncomingDocument.objects.filter(pk=record.pk).update(file="", original_name="")
    type(record).objects.filter(pk=record.pk).update(
        disposition=Disposition.DESTROYED, disposed_on=day, disposal_reference=reference
    )
    record_act(
        record,
        action=LedgerEntry.Action.DESTROY,
        by=by,
        data={"reference": reference, "files": len(files)},
    )
    names = [(file.storage, file.name) for file in files if file.name]
    # Files go only once the removal is committed: a rolled-back 決裁 keeps them.
    transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names) -> None:
    for storage, name in names:
        storage.delete(name)


def transfer_root() -> Path:
    return Path(settings.APPROVALS["TRANSFER_ROOT"])


def _metadata(record: RetainedRecord) -> dict:
    common = {
        "title": record.title,
        "classification": str(record.classification or ""),
        "binder": str(record.binder or ""),
        "retention_years": record.retention_years,
        "extension_years": record.extension_years,
        "completed_on": record.completed_on.isoformat()
        if record.completed_on
        else None,
        "expires_on": record.expires_on.isoformat() if record.expires_on else None,
        "number": record.number_label,
        "fiscal_year": record.fiscal_year,
        "confidential": record.confidential,
    }
    if isinstance(record, Document):
        return {
            **common,
            "kind": "document",
            "section": record.owner_section.name,
            "applicant": record.applicant.full_name,
            "decided_at": record.decided_at.isoformat() if record.decided_at else None,
            "document_type": record.document_type.name,
        }
    return {
        **common,
        "kind": "incoming",
        "section": record.section.name,
        "sender": record.sender,
        "received_on": record.received_on.isoformat(),
    }


def _write_payload(record: RetainedRecord, folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "metadata.json").write_text(
        json.dumps(_metadata(record), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    if isinstance(record, Document):
        (folder / "document.pdf").write_bytes(pdf.render(record))
        files = [
            (a.file, f"attachments/{index:02d}-{Path(a.original_name).name}")
            for index, a in enumerate(record.attachments.current(), start=1)
        ]
    else:
        files = [(record.file, f"received-{Path(record.original_name).name}")]
    for file, name in files:
        if not file:
            continue
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with file.open("rb") as source, target.open("wb") as out:
            shutil.copyfileobj(source, out)


def make_transfer_bag(
    record: RetainedRecord, *, by: Person, root: Path | None = None
) -> Path:
    """Write one record as a BagIt package (payload: decided PDF, attachments,
    metadata.json; SHA-256 manifests) and validate it with bagit itself. The
    payload is the whole record, for the archives; the bag's label
    (bag-info.txt) names it only as far as ``by`` may know of it."""
    root = root or transfer_root()
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    kind = "document" if isinstance(record, Document) else "incoming"
    folder = root / f"{kind}-{record.pk}-{stamp}"
    if folder.exists():
        raise ApprovalError(_("同じ名前の移管パッケージがすでにあります。"))
    _write_payload(record, folder)
    bag = bagit.make_bag(
        str(folder),
        bag_info={
            "Source-Organization": settings.INTRANET_ORGANISATION,
            "External-Identifier": record.number_label or str(record.pk),
            "External-Description": access.shown_title(by, record)[:200],
        },
        checksums=["sha256"],
    )
    bag.validate()
    return folder


@transaction.atomic
def transfer(*, records: list[RetainedRecord], by: Person) -> list[Path]:
    """移管: export expired records to the archives as BagIt packages. The record
    stays in the register as 移管 with the package's name."""
    _manager_only(by)
    today = timezone.localdate()
    folders = []
    try:
        for record in records:
            record = _locked(record)
            _check_expired(record, today)
            if record.is_destroyed:
                raise ApprovalError(_("廃棄した文書は移管できません。"))
            folder = make_transfer_bag(record, by=by)
            folders.append(folder)
            type(record).objects.filter(pk=record.pk).update(
                disposition=Disposition.TRANSFERRED,
                disposed_on=today,
                disposal_reference=folder.name,
            )
            record_act(
                record,
                action=LedgerEntry.Action.TRANSFER,
                by=by,
                data={"package": folder.name},
            )
    except Exception:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return folders
