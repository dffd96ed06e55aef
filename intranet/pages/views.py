from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.models import Page

from .review import (
    REVIEW_COMMENT_MAX_CHARS,
    ReviewError,
    may_see_in_review,
    publish_reviewed_page,
    request_page_changes,
    task_to_review,
)
from .stale import stale_pages_for

REVIEW_ACTIONS = {
    "publish": (publish_reviewed_page, _("公開しました。申請者に通知しました。")),
    "request_changes": (
        request_page_changes,
        _("修正を依頼しました。申請者に通知しました。"),
    ),
}


def stale_pages(request):
    """見直し期日を過ぎたページ: the pages the user's sections should review."""
    return render(
        request, "pages/stale_pages.html", {"pages": stale_pages_for(request.user)}
    )


@require_http_methods(["GET", "POST"])
def review(request, pk):
    """公開申請の確認: what was submitted, and 公開する / 修正を依頼する.

    For the reviewers of the page's moderation task; the person who asked sees the
    state of the request. Everyone else, and anyone outside the page's view
    restriction: 404 (``may_see_in_review``).
    """
    page = Page.objects.filter(pk=pk).first()
    if page is None:
        raise Http404
    page = page.specific
    if not may_see_in_review(page, request.user):
        raise Http404
    state = task_to_review(page, request.user)
    workflow_state = page.current_workflow_state
    comment = ""
    if request.method == "POST":
        if state is None:
            raise PermissionDenied
        comment = request.POST.get("comment", "")
        action, done = REVIEW_ACTIONS.get(request.POST.get("action", ""), (None, ""))
        if action is None:
            messages.error(
                request, _("「公開する」か「修正を依頼する」を選んでください。")
            )
        else:
            try:
                action(page=page, by=request.user, comment=comment)
            except ReviewError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, done)
                return redirect("/")
    task_state = state or page.current_workflow_task_state
    revision = task_state.revision if task_state else page.get_latest_revision()
    submitted = revision.as_object() if revision is not None else page
    return render(
        request,
        "pages/review.html",
        {
            "page": page,
            "submitted": submitted,
            "sections": review_sections(submitted),
            "state": state,
            "workflow_state": workflow_state,
            "comment": comment,
            "comment_max": REVIEW_COMMENT_MAX_CHARS,
        },
    )


def review_sections(page) -> list[tuple[str, str, bool]]:
    """(heading, content, is_html) for the review screen: the page type's own
    ``review_sections`` where it has one, else its plain text."""
    own = getattr(page, "review_sections", None)
    if own is not None:
        return own()
    text = page.search_text() if hasattr(page, "search_text") else ""
    return [(_("本文"), text, False)] if text else []
