"""施行 and 公印使用: a decided document goes out; with a 公印 it first passes a
公印使用の伺い (an ordinary 起案 of the internal type ``seal-use`` on the approval
engine, decided by the 公印管理者 under the 専決規程), and the 公印使用簿 records
what was sealed, when and by whom. The 施行 completes the document."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from directory.models import Person
from workflows import access as document_access
from workflows.errors import ApprovalError, NotAllowed
from workflows.models import Document, DocumentType, LedgerEntry, RouteStep
from workflows.services import create_draft, submit

from ..models import Issuance, SealUse
from .filing import complete, record_act

SEAL_TYPE = "seal-use"


def _check(document: Document, by: Person) -> None:
    if document.state != Document.State.DECIDED:
        raise ApprovalError(_("施行できるのは決裁済みの文書です。"))
    if by.pk not in (document.applicant_id, document.filer_id):
        raise NotAllowed(_("施行の登録は起案者が行います。"))
    if document.is_disposed:
        raise ApprovalError(_("廃棄・移管した文書は施行できません。"))


@transaction.atomic
def issue(
    *,
    document: Document,
    by: Person,
    issued_on: datetime.date,
    destination: str,
    method: str,
    seal_name: str = "",
) -> Issuance:
    """施行: without a 公印 the document is issued (and 完結) now; with one, a
    公印使用の伺い is submitted and the 施行 follows its 決裁."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    _check(document, by)
    destination, seal_name = (destination or "").strip(), (seal_name or "").strip()
    if not destination:
        raise ApprovalError(_("施行先を入力してください。"))
    if method not in Issuance.Method.values:
        raise ApprovalError(_("発送方法を選んでください。"))
    if issued_on < timezone.localtime(document.decided_at).date():
        raise ApprovalError(_("施行日は決裁日以後の日付にしてください。"))
    issuance = Issuance(
        document=document,
        issued_on=issued_on,
        destination=destination[:200],
        method=method,
        seal_name=seal_name[:60],
        requested_by=by,
    )
    if not seal_name:
        issuance.state = Issuance.State.ISSUED
        issuance.save()
        _issued(issuance, by=by)
        return issuance
    kind = DocumentType.objects.filter(code=SEAL_TYPE).first()
    if kind is None:
        raise ApprovalError(
            _("公印使用の伺いの文書種別（%(code)s）が登録されていません。")
            % {"code": SEAL_TYPE}
        )
    approval = create_draft(
        applicant=by,
        title=_("公印使用について（%(seal)s・%(number)s）")
        % {"seal": seal_name, "number": document.number_label},
        body="<p>{}</p><ul><li>{}</li><li>{}</li><li>{}</li></ul>".format(
            escape(_("次の文書に公印を使用してよろしいか伺います。")),
            escape(f"{document.number_label} {document.title}"),
            escape(_("施行先: %(to)s") % {"to": destination}),
            escape(_("施行日: %(day)s") % {"day": issued_on.isoformat()}),
        ),
        document_type=kind,
        confidential=document.confidential,
    )
    issuance.state = Issuance.State.AWAITING_SEAL
    issuance.seal_approval = approval
    issuance.save()
    submit(document=approval, by=by)
    return issuance


def _issued(issuance: Issuance, *, by: Person) -> None:
    document = issuance.document
    record_act(
        document,
        action=LedgerEntry.Action.ISSUE,
        by=by,
        data={
            "issuance": issuance.pk,
            "issued_on": issuance.issued_on.isoformat(),
            "destination": issuance.destination,
            "method": issuance.method,
            "seal": issuance.seal_name,
        },
    )
    if document.completed_on is not None and document.completed_on < issuance.issued_on:
        # Issued after a 決裁 that had completed it: the 施行 is now its last act.
        Document.objects.filter(pk=document.pk).update(completed_on=None)
        document.completed_on = None
    complete(record=document, day=issuance.issued_on, by=by)


def apply_seal_approval(*, issuance: Issuance, by: Person) -> None:
    """The 公印使用の伺い was decided (inside that transaction): log the seal in the
    公印使用簿 and issue the document."""
    issuance = Issuance.objects.select_for_update().get(pk=issuance.pk)
    if issuance.state != Issuance.State.AWAITING_SEAL:
        return
    approval = issuance.seal_approval
    decider = (
        RouteStep.objects.filter(
            document=approval, kind=RouteStep.Kind.DECISION, acted_by__isnull=False
        )
        .order_by("-acted_at")
        .values_list("acted_by", flat=True)
        .first()
    )
    SealUse.objects.create(
        issuance=issuance,
        seal_name=issuance.seal_name,
        sealed_document=f"{issuance.document.number_label} {issuance.document.title}"[
            :260
        ],
        approval_number=approval.number_label,
        approved_by_id=decider or by.pk,
        used_by=issuance.requested_by,
    )
    record_act(
        issuance.document,
        action=LedgerEntry.Action.SEAL,
        by=by,
        data={"seal": issuance.seal_name, "approval": approval.number_label},
    )
    issuance.state = Issuance.State.ISSUED
    issuance.save(update_fields=["state"])
    _issued(issuance, by=issuance.requested_by)


def can_issue(user, document: Document) -> bool:
    return (
        document.state == Document.State.DECIDED
        and document.requires_issuance
        and document.completed_on is None
        and user.pk in (document.applicant_id, document.filer_id)
        and document_access.can_view_document(user, document)
    )
