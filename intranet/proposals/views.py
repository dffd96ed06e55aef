"""Staff responses to proposals (賛同, comments, reports) and the PT's actions on them.

Thin: find what the user may see (404 otherwise), call the service, answer. A
refused action is 403; a request that cannot be carried out comes back as a message.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import editor, queries, services
from .access import is_pt, is_pt_lead, visible_proposals_for
from .models import Comment, ProposalPage


def _proposal(request, pk) -> ProposalPage:
    return get_object_or_404(visible_proposals_for(request.user), pk=pk)


def _comment(request, pk) -> Comment:
    return get_object_or_404(
        Comment.objects.select_related("proposal"),
        pk=pk,
        proposal__in=visible_proposals_for(request.user),
    )


def _run(request, action, *, success: str = ""):
    """Call a service: NotAllowed → 403, other refusals → an error message."""
    try:
        result = action()
    except services.NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except services.ProposalError as error:
        messages.error(request, error.message)
        return None
    if success:
        messages.success(request, success)
    return result


SUPPORT_INTENTS = {
    "support": services.support_proposal,
    "withdraw": services.withdraw_support,
}


@require_POST
def support(request, pk):
    """賛同する / 取り消す: the form says which, so a stale tab or a second tap
    repeats the same intent instead of undoing it."""
    proposal = _proposal(request, pk)
    action = SUPPORT_INTENTS.get(request.POST.get("intent", ""))
    if action is None:
        messages.error(
            request, _("操作を判別できませんでした。画面を開き直してください。")
        )
        supported = proposal.supports.filter(person_id=request.user.pk).exists()
        result = services.SupportResult(supported, proposal.supports.count())
    else:
        result = action(proposal=proposal, person=request.user)
    if request.headers.get("HX-Request"):
        return render(
            request,
            "proposals/_support.html",
            {
                "page": proposal,
                "supported": result.supported,
                "support_count": result.count,
                "support_error": action is None,
            },
        )
    return redirect(proposal.url + "#support")


@require_POST
def comment(request, pk):
    proposal = _proposal(request, pk)
    parent = None
    if request.POST.get("parent"):
        parent = Comment.objects.filter(
            pk=request.POST["parent"] if request.POST["parent"].isdigit() else 0,
            proposal=proposal,
        ).first()
        if parent is None:
            messages.error(request, _("返信先のコメントが見つかりません。"))
            return redirect(proposal.url + "#comments")
    made = _run(
        request,
        lambda: services.add_comment(
            proposal=proposal,
            author=request.user,
            body=request.POST.get("body", ""),
            parent=parent,
        ),
        success=_("コメントを投稿しました。"),
    )
    anchor = f"#comment-{made.pk}" if made else "#comments"
    return redirect(proposal.url + anchor)


@require_http_methods(["GET", "POST"])
def edit_comment(request, pk):
    comment = _comment(request, pk)
    if comment.author_id != request.user.pk:
        raise PermissionDenied
    proposal = comment.proposal
    body = comment.body
    if request.method == "POST":
        body = request.POST.get("body", "")
        if _run(
            request,
            lambda: services.edit_comment(comment=comment, by=request.user, body=body),
            success=_("コメントを修正しました。"),
        ):
            return redirect(f"{proposal.url}#comment-{comment.pk}")
        if not comment.can_edit(request.user):
            return redirect(f"{proposal.url}#comment-{comment.pk}")
    elif not comment.can_edit(request.user):
        messages.error(request, _("編集できる時間を過ぎました。"))
        return redirect(f"{proposal.url}#comment-{comment.pk}")
    return render(
        request,
        "proposals/comment_edit.html",
        {"comment": comment, "proposal": proposal, "body": body},
    )


def _act_on_comment(request, pk, action, *, success: str):
    """Run ``action(comment)`` for a comment the user may see; back to the comment."""
    comment = _comment(request, pk)
    _run(request, lambda: action(comment), success=success)
    return redirect(f"{comment.proposal.url}#comment-{comment.pk}")


def comment_reports(request):
    """通報されたコメント: what the PT has still to look at (hide or keep)."""
    if not is_pt(request.user):
        raise PermissionDenied
    lead = is_pt_lead(request.user)
    return render(
        request,
        "proposals/comment_reports.html",
        {
            "comments": queries.open_comment_reports(with_reporters=lead),
            "show_reporters": lead,
        },
    )


@require_POST
def report_comment(request, pk):
    return _act_on_comment(
        request,
        pk,
        lambda comment: services.report_comment(
            comment=comment, by=request.user, reason=request.POST.get("reason", "")
        ),
        success=_("通報しました。DX推進PTが確認します。"),
    )


@require_POST
def hide_comment(request, pk):
    return _act_on_comment(
        request,
        pk,
        lambda comment: services.hide_comment(comment=comment, by=request.user),
        success=_("コメントを非表示にしました。"),
    )


@require_POST
def restore_comment(request, pk):
    return _act_on_comment(
        request,
        pk,
        lambda comment: services.restore_comment(comment=comment, by=request.user),
        success=_("コメントを再表示しました。"),
    )


@require_POST
def change_status(request, pk):
    proposal = _proposal(request, pk)
    _run(
        request,
        lambda: services.change_status(
            proposal=proposal,
            to=request.POST.get("status", ""),
            by=request.user,
            note=request.POST.get("note", ""),
        ),
        success=_("状態を変更しました。"),
    )
    return redirect(proposal.url + "#status")


@require_POST
def draft_document(request, pk):
    proposal = _proposal(request, pk)
    document = _run(
        request,
        lambda: services.draft_document(
            proposal=proposal,
            by=request.user,
        ),
        success=_(
            "提案から起案文書の下書きを作りました。内容を確認して提出してください。"
        ),
    )
    if document is None:
        return redirect(proposal.url)
    return redirect(document.get_absolute_url())


# ---------------------------------------------------------------------------
# 提案を書く: the intranet's editor (editor.py)


@require_http_methods(["GET", "POST"])
def write(request):
    """A new proposal: 下書き保存 or 公開を申請する."""
    if not editor.can_write_proposals(request.user):
        raise PermissionDenied
    form = editor.ProposalForm(
        request.POST or None, initial={"creation_token": uuid.uuid4()}
    )
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        page = editor.create_proposal(by=request.user, form=form, submit=submit)
        return _saved(request, page, submit)
    return _editor(request, form, page=None)


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    """A proposal already written: a new revision, submitted if asked."""
    page = get_object_or_404(ProposalPage, pk=pk)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    draft = page.get_latest_revision_as_object()
    form = editor.ProposalForm(
        request.POST or None, initial=editor.ProposalForm.initial_for(draft)
    )
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            draft = editor.save_proposal(
                page=page, by=request.user, form=form, submit=submit
            )
        except editor.EditorError as error:
            messages.error(request, error.message)
        else:
            return _saved(request, draft, submit)
    return _editor(request, form, page=draft)


def _saved(request, page, submitted: bool):
    if submitted:
        messages.success(
            request,
            _("公開を申請しました。DX推進PTリーダーの承認後に公開されます。"),
        )
    else:
        messages.success(request, _("下書きを保存しました。"))
    return redirect("proposal_editor:edit", pk=page.pk)


def _editor(request, form, *, page):
    state = page.current_workflow_state if page is not None else None
    task_state = state.current_task_state if state is not None else None
    return render(
        request,
        "proposals/editor.html",
        {
            "form": form,
            "proposal": page,
            "workflow_state": state,
            "in_moderation": page is not None and editor.in_moderation(page),
            "changes_comment": task_state.comment
            if state is not None and state.status == state.STATUS_NEEDS_CHANGES
            else "",
        },
    )
