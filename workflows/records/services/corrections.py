"""訂正 after 決裁: a correction with a reason, approved by the person who decided
(or whoever holds that post now). The decided document never changes: approved
corrections are kept beside it, in its ledger and in its PDF. A larger change is a
new 起案 (copy the document; the copy keeps ``copied_from``)."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Person
from directory.org import VacantPostError, post_holder
from intranet.notifications.kinds import Kind
from intranet.notifications.services import notify
from workflows import access as document_access
from workflows import signing
from workflows.errors import ApprovalError, NotAllowed
from workflows.models import Document, LedgerEntry, RouteStep

from .. import access
from ..models import Correction
from .filing import record_act

MAX_CHARS = 4000


def correction_approver(document: Document) -> Person:
    """The person who decided, while they still hold the deciding post; else the
    post's holder today (their successor)."""
    step = (
        RouteStep.objects.filter(
            document=document, kind=RouteStep.Kind.DECISION, acted_by__isnull=False
        )
        .select_related("acted_by", "post", "unit")
        .order_by("-acted_at")
        .first()
    )
    if step is None:
        raise ApprovalError(_("この文書の決裁者が記録されていません。"))
    decider = step.on_behalf_of or step.acted_by
    if step.post_id is None or step.unit_id is None:
        return decider
    try:
        holder = post_holder(step.post, step.unit).person
    except VacantPostError:
        if decider.is_active:
            return decider
        raise ApprovalError(
            _("決裁者の職が空席のため、訂正を承認できる職員がいません。")
        ) from None
    return holder


def signing_reason(correction: Correction) -> str:
    """The reason signed into the corrected revision's PDF signature."""
    return f"{correction.document.number_label} 訂正（第{correction.revision}号）"


@transaction.atomic
def request_correction(
    *, document: Document, by: Person, reason: str, content: str
) -> Correction:
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.state != Document.State.DECIDED:
        raise ApprovalError(_("訂正できるのは決裁済みの文書です。"))
    if not document_access.is_author(by, document):
        raise NotAllowed(_("訂正は起案者が申請します。"))
    if document.is_destroyed:
        raise ApprovalError(_("廃棄した文書は訂正できません。"))
    reason, content = (reason or "").strip(), (content or "").strip()
    if not reason or not content:
        raise ApprovalError(_("訂正の理由と内容を入力してください。"))
    if len(content) > MAX_CHARS or len(reason) > MAX_CHARS:
        raise ApprovalError(
            _("訂正の理由・内容は%(limit)s文字以内で入力してください。")
            % {"limit": MAX_CHARS}
        )
    if document.corrections.filter(state=Correction.State.PENDING).exists():
        raise ApprovalError(_("承認待ちの訂正があります。"))
    approver = correction_approver(document)
    last = document.corrections.aggregate(last=Max("revision"))["last"] or 0
    correction = Correction.objects.create(
        document=document,
        revision=last + 1,
        reason=reason,
        content=content,
        requested_by=by,
        approver=approver,
    )
    record_act(
        document,
        action=LedgerEntry.Action.CORRECT,
        by=by,
        comment=reason,
        data={"revision": correction.revision, "event": "request"},
    )
    notify(
        recipients=[approver],
        kind=Kind.RECORDS_CORRECTION,
        subject=_("決裁後の訂正の承認依頼: %(title)s")
        % {"title": access.shown_title(approver, document)},
        url=document.get_absolute_url(),
        actor=by,
        group_key=f"document:{document.pk}",
        confidential=document.confidential,
    )
    return correction


@transaction.atomic
def decide_correction(
    *, correction: Correction, by: Person, approve: bool, comment: str = ""
) -> Correction:
    correction = Correction.objects.select_for_update().get(pk=correction.pk)
    if correction.state != Correction.State.PENDING:
        raise ApprovalError(_("この訂正はすでに処理されています。"))
    if by.pk != correction.approver_id:
        raise NotAllowed(_("訂正を承認できるのは決裁者（またはその後任）です。"))
    correction.state = (
        Correction.State.APPROVED if approve else Correction.State.REJECTED
    )
    correction.decided_at = timezone.now()
    correction.comment = (comment or "").strip()
    correction.save(update_fields=["state", "decided_at", "comment"])
    record_act(
        correction.document,
        action=LedgerEntry.Action.CORRECT,
        by=by,
        comment=correction.comment,
        data={
            "revision": correction.revision,
            "event": "approve" if approve else "reject",
        },
    )
    if approve:
        # The corrected content is a new revision, signed again like a decision;
        # the bytes signed at 決裁 never change.
        transaction.on_commit(
            partial(
                signing.sign_after_revision,
                correction.document_id,
                signing_reason(correction),
            )
        )
    notify(
        recipients=[correction.requested_by],
        kind=Kind.RECORDS_CORRECTION,
        subject=(
            _("訂正が承認されました: %(title)s")
            if approve
            else _("訂正は承認されませんでした: %(title)s")
        )
        % {"title": access.shown_title(correction.requested_by, correction.document)},
        url=correction.document.get_absolute_url(),
        actor=by,
        group_key=f"document:{correction.document_id}",
        confidential=correction.document.confidential,
    )
    return correction
