"""Every state change of proposals: status, support, comments, reports, moderation,
and turning an adopted proposal into a 起案 document."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from intranet.notifications.kinds import Kind
from intranet.notifications.services import notify
from workflows.errors import ApprovalError
from workflows.services import create_draft

from .access import is_pt, pt_members
from .models import (
    COMMENT_MAX_CHARS,
    TRANSITIONS,
    Comment,
    CommentReport,
    ProposalPage,
    Status,
    StatusChange,
    Support,
)


class ProposalError(Exception):
    """A request that cannot be carried out; the message is shown to the user."""

    def __init__(self, message=""):
        super().__init__(str(message))
        self.message = str(message)


class NotAllowed(ProposalError):
    """The user may not do this (403)."""


@dataclass
class SupportResult:
    supported: bool
    count: int


def _require_pt(by) -> None:
    if not is_pt(by):
        raise NotAllowed(_("DX推進PTのメンバーだけが行えます。"))


def _lock(proposal: ProposalPage) -> ProposalPage:
    return ProposalPage.objects.select_for_update().get(pk=proposal.pk)


@transaction.atomic
def change_status(
    *, proposal: ProposalPage, to: str, by, note: str = ""
) -> StatusChange:
    """Move a proposal along its lifecycle (PT only) and record it in the history."""
    _require_pt(by)
    proposal = _lock(proposal)
    current = proposal.status
    if to not in TRANSITIONS.get(current, ()):
        raise ProposalError(_("この状態には変更できません。"))
    ProposalPage.objects.filter(pk=proposal.pk).update(status=to)
    return StatusChange.objects.create(
        proposal=proposal,
        from_status=current,
        to_status=to,
        note=(note or "").strip()[:500],
        changed_by=by,
    )


@transaction.atomic
def toggle_support(*, proposal: ProposalPage, person) -> SupportResult:
    """賛同 or withdraw it. The database holds one support per person and proposal."""
    deleted, _rows = Support.objects.filter(proposal=proposal, person=person).delete()
    supported = False
    if not deleted:
        try:
            with transaction.atomic():
                Support.objects.create(proposal=proposal, person=person)
        except IntegrityError:
            pass  # a double click raced us: the support is there either way
        supported = True
    return SupportResult(supported, Support.objects.filter(proposal=proposal).count())


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ProposalError(_("コメントを入力してください。"))
    if len(body) > COMMENT_MAX_CHARS:
        raise ProposalError(
            _("コメントは%(max)d文字以内で入力してください。")
            % {"max": COMMENT_MAX_CHARS}
        )
    return body


@transaction.atomic
def add_comment(
    *, proposal: ProposalPage, author, body: str, parent: Comment | None = None
) -> Comment:
    """A comment, or a reply to a top-level comment (threads are one level deep).

    The PT is told (bell, and e-mail as each member chose).
    """
    body = _clean_body(body)
    if parent is not None:
        if parent.proposal_id != proposal.pk or parent.is_hidden:
            raise ProposalError(_("このコメントには返信できません。"))
        if parent.parent_id is not None:
            parent = parent.parent  # a reply to a reply joins the same thread
    comment = Comment.objects.create(
        proposal=proposal, parent=parent, author=author, body=body
    )
    notify(
        recipients=pt_members(),
        kind=Kind.PROPOSAL_COMMENTED,
        subject=_("「%(title)s」に%(name)sさんがコメントしました")
        % {"title": proposal.title, "name": author.get_full_name() or author},
        body=body,
        url=f"{proposal.url}#comment-{comment.pk}",
        actor=author,
        group_key=f"proposal:{proposal.pk}",
    )
    return comment


@transaction.atomic
def edit_comment(*, comment: Comment, by, body: str) -> Comment:
    """The author corrects a comment within the edit window."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if by.pk != comment.author_id:
        raise NotAllowed(_("自分のコメントだけを編集できます。"))
    if not comment.can_edit(by):
        raise ProposalError(_("編集できる時間を過ぎました。"))
    comment.body = _clean_body(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


@transaction.atomic
def report_comment(*, comment: Comment, by, reason: str = "") -> CommentReport:
    """通報: anyone may report a comment once; the PT is told at once."""
    report, created = CommentReport.objects.get_or_create(
        comment=comment,
        reporter=by,
        defaults={"reason": (reason or "").strip()[:500]},
    )
    if created:
        proposal = comment.proposal
        notify(
            recipients=pt_members(),
            kind=Kind.PROPOSAL_COMMENT_REPORTED,
            subject=_("「%(title)s」へのコメントが通報されました")
            % {"title": proposal.title},
            body=report.reason,
            url=f"{proposal.url}#comment-{comment.pk}",
            actor=by,
            group_key=f"proposal:{proposal.pk}",
        )
    return report


@transaction.atomic
def hide_comment(*, comment: Comment, by) -> Comment:
    """The PT hides a comment; its reports count as dealt with."""
    _require_pt(by)
    now = timezone.now()
    Comment.objects.filter(pk=comment.pk, hidden_at__isnull=True).update(
        hidden_at=now, hidden_by=by
    )
    CommentReport.objects.filter(comment=comment, resolved_at__isnull=True).update(
        resolved_at=now
    )
    comment.refresh_from_db()
    return comment


@transaction.atomic
def restore_comment(*, comment: Comment, by) -> Comment:
    """The PT shows a hidden comment again."""
    _require_pt(by)
    Comment.objects.filter(pk=comment.pk).update(hidden_at=None, hidden_by=None)
    comment.refresh_from_db()
    return comment


def _document_body(proposal: ProposalPage) -> str:
    """The 起案 body: the proposal's sections under headings (sanitised by workflows)."""
    parts = []
    for heading, value in (
        (_("現状の課題"), proposal.problem),
        (_("提案内容"), proposal.proposal),
        (_("期待される効果"), proposal.effect),
    ):
        if value:
            parts.append(f"<h3>{escape(heading)}</h3>{value}")
    kpis = proposal.kpi_list()
    if kpis:
        items = "".join(f"<li>{escape(kpi)}</li>" for kpi in kpis)
        parts.append(f"<h3>{escape(_('KPI（成果指標）'))}</h3><ul>{items}</ul>")
    if not parts:
        parts.append(linebreaks(escape(proposal.title)))
    return "".join(parts)


@transaction.atomic
def draft_document(*, proposal: ProposalPage, by, base_url: str = ""):
    """起案にする: a 起案 draft prefilled from the proposal, applicant ``by`` (PT only).

    The document links back to the proposal (its 関連ページ) and the proposal keeps
    the document. A proposal becomes one document: asking again returns it.
    """
    _require_pt(by)
    proposal = _lock(proposal)
    if proposal.document_id is not None:
        return proposal.document
    if not proposal.live:
        raise ProposalError(_("公開中の提案だけを起案にできます。"))
    if proposal.status == Status.DROPPED:
        raise ProposalError(_("見送りの提案は起案にできません。"))
    try:
        document = create_draft(
            applicant=by,
            title=proposal.title,
            body=_document_body(proposal),
            source_url=base_url.rstrip("/") + proposal.url,
        )
    except ApprovalError as error:
        raise ProposalError(str(error)) from error
    ProposalPage.objects.filter(pk=proposal.pk).update(document=document)
    return document
