"""Every state change of proposals: status, support, comments, reports, moderation,
and turning an adopted proposal into a 起案 document."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from intranet.core.links import absolute_url
from intranet.notifications.kinds import Kind
from intranet.notifications.services import notify
from workflows.errors import ApprovalError
from workflows.services import create_draft

from .access import is_pt, is_pt_lead, pt_members
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
    change = StatusChange.objects.create(
        proposal=proposal,
        from_status=current,
        to_status=to,
        note=_limited(note, NOTE_MAX_CHARS, _("メモ")),
        changed_by=by,
    )
    notify(
        recipients=_followers(proposal),
        kind=Kind.PROPOSAL_STATUS_CHANGED,
        subject=_("「%(title)s」が「%(status)s」になりました")
        % {"title": proposal.title, "status": Status(to).label},
        body=change.note,
        url=f"{proposal.url}#status",
        actor=by,
        group_key=f"proposal:{proposal.pk}",
    )
    return change


def _followers(proposal: ProposalPage):
    """Who follows a proposal: its supporters and the authors of its shown comments."""
    return get_user_model().objects.filter(
        Q(pk__in=Support.objects.filter(proposal=proposal).values("person"))
        | Q(pk__in=Comment.objects.shown().filter(proposal=proposal).values("author")),
        is_active=True,
    )


def _support_result(proposal: ProposalPage, supported: bool) -> SupportResult:
    return SupportResult(supported, Support.objects.filter(proposal=proposal).count())


def proposal_people(proposal: ProposalPage):
    """The author (page owner) and the owners (担当者) of ``proposal``."""
    people = list(proposal.owners.filter(is_active=True))
    if proposal.owner_id and proposal.owner.is_active:
        people.append(proposal.owner)
    return people


@transaction.atomic
def support_proposal(*, proposal: ProposalPage, person) -> SupportResult:
    """賛同する. Idempotent: a second tap or a stale tab leaves one support.

    The author and owners hear of it on the bell, batched: one unread notice per
    proposal that counts the supporters, not one per tap.
    """
    try:
        with transaction.atomic():
            Support.objects.create(proposal=proposal, person=person)
    except IntegrityError:
        return _support_result(proposal, True)  # already supported
    result = _support_result(proposal, True)
    notify(
        recipients=proposal_people(proposal),
        kind=Kind.PROPOSAL_SUPPORTED,
        subject=_("「%(title)s」への賛同が%(count)d人になりました")
        % {"title": proposal.title, "count": result.count},
        body=_("%(name)sさんが賛同しました。")
        % {"name": person.get_full_name() or person},
        url=f"{proposal.url}#support",
        actor=person,
        group_key=f"proposal-support:{proposal.pk}",
        merge_unread=True,
    )
    return result


@transaction.atomic
def withdraw_support(*, proposal: ProposalPage, person) -> SupportResult:
    """賛同を取り消す. Idempotent: withdrawing twice leaves none."""
    Support.objects.filter(proposal=proposal, person=person).delete()
    return _support_result(proposal, False)


NOTE_MAX_CHARS = 500


def _limited(text: str, limit: int, label: str) -> str:
    """``text`` stripped; refused with a message (never cut) when over ``limit``."""
    text = (text or "").strip()
    if len(text) > limit:
        raise ProposalError(
            _("%(label)sは%(max)d文字以内で入力してください（いま%(count)d文字です）。")
            % {"label": label, "max": limit, "count": len(text)}
        )
    return text


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
    """通報: anyone may report a comment once; the PT is told at once. The
    reporter's name goes to the PT lead only (the report form says so)."""
    report, created = CommentReport.objects.get_or_create(
        comment=comment,
        reporter=by,
        defaults={"reason": _limited(reason, NOTE_MAX_CHARS, _("理由"))},
    )
    if created:
        proposal = comment.proposal
        members = list(pt_members().exclude(pk=by.pk))
        leads = [person for person in members if is_pt_lead(person)]
        for recipients, actor in (
            (leads, by),
            ([person for person in members if person not in leads], None),
        ):
            notify(
                recipients=recipients,
                kind=Kind.PROPOSAL_COMMENT_REPORTED,
                subject=_("「%(title)s」へのコメントが通報されました")
                % {"title": proposal.title},
                body=report.reason,
                url=f"{proposal.url}#comment-{comment.pk}",
                actor=actor,
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
def draft_document(*, proposal: ProposalPage, by):
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
            source_url=absolute_url(proposal.url),
            source_title=proposal.title,
        )
    except ApprovalError as error:
        raise ProposalError(str(error)) from error
    ProposalPage.objects.filter(pk=proposal.pk).update(document=document)
    return document
