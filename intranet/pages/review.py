"""公開申請 waiting for the PT lead's 公開承認 (Wagtail's page moderation): the
dashboard's list, and the two answers of the review screen — 公開する and 修正を依頼する
— acting on the page's Wagtail workflow task, so the CMS and the intranet agree.
Business documents waiting for 決裁 come from workflows.queries instead."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Page, TaskState

from directory import roles

from .visibility import viewable_by

REVIEW_COMMENT_MAX_CHARS = 2000


class ReviewError(Exception):
    """A review action that cannot be carried out; the message is shown to the user."""

    def __init__(self, message=""):
        super().__init__(str(message))
        self.message = str(message)


@dataclass
class PageReview:
    page: Page
    requested_by: object
    submitted_at: object


def pages_awaiting_review(user, *, limit: int = 5) -> list[PageReview]:
    """Pages submitted for 公開承認 that ``user`` may approve, newest first.

    Only the PT lead (and superusers) review pages; everyone else costs one query.
    Pages behind a view restriction the user does not pass are left out.
    """
    if not roles.has_role(user, roles.DX_PT_LEAD):
        return []
    states = list(
        TaskState.objects.reviewable_by(user)
        .select_related("workflow_state__requested_by")
        .order_by("-started_at")[:limit]
    )
    ids = [int(state.workflow_state.object_id) for state in states]
    # A reviewer outside a page's view restriction does not learn its title here.
    pages = viewable_by(Page.objects.filter(pk__in=ids), user).in_bulk()
    return [
        PageReview(
            pages[int(state.workflow_state.object_id)],
            state.workflow_state.requested_by,
            state.started_at,
        )
        for state in states
        if int(state.workflow_state.object_id) in pages
    ]


def task_to_review(page: Page, user) -> TaskState | None:
    """The in-progress moderation task on ``page`` that ``user`` may act on."""
    state = page.current_workflow_task_state
    if state is None or state.status != TaskState.STATUS_IN_PROGRESS:
        return None
    actions = {name for name, *_rest in state.task.specific.get_actions(page, user)}
    return state if "approve" in actions else None


def may_see_in_review(page: Page, user) -> bool:
    """May ``user`` see ``page`` (title and submitted content) on the review screen?

    Only if they pass its view restrictions (Wagtail's rules, as in every list), and
    either review it (its moderation task offers them 承認) or asked for it or own it
    and may still edit it by Wagtail's page permissions (someone who left the PT
    no longer reads what the PT is publishing).
    """
    if not viewable_by(Page.objects.filter(pk=page.pk), user).exists():
        return False
    if task_to_review(page, user) is not None:
        return True
    state = page.current_workflow_state
    requester = state.requested_by_id if state else None
    return (
        user.pk in (requester, page.owner_id)
        and page.permissions_for_user(user).can_edit()
    )


def _act(*, page: Page, by, action: str, comment: str) -> TaskState:
    page = Page.objects.select_for_update().get(pk=page.pk).specific
    state = task_to_review(page, by)
    if state is None:
        if page.current_workflow_task_state is None:
            raise ReviewError(_("このページは公開申請中ではありません。"))
        raise PermissionDenied(_("このページの公開を承認する権限がありません。"))
    if len(comment) > REVIEW_COMMENT_MAX_CHARS:
        raise ReviewError(
            _("コメントは%(max)d文字以内で入力してください。")
            % {"max": REVIEW_COMMENT_MAX_CHARS}
        )
    state.task.specific.on_action(state, by, action, comment=comment)
    return state


@transaction.atomic
def publish_reviewed_page(*, page: Page, by, comment: str = "") -> TaskState:
    """公開する: approve the moderation task; the workflow publishes the revision
    that was submitted, and the author is told (intranet/pages/signals.py)."""
    return _act(page=page, by=by, action="approve", comment=(comment or "").strip())


@transaction.atomic
def request_page_changes(*, page: Page, by, comment: str) -> TaskState:
    """修正を依頼する: reject the moderation task with a reason (required); the
    author hears of it with the reason and can resubmit."""
    comment = (comment or "").strip()
    if not comment:
        raise ReviewError(_("修正してほしい点を入力してください。"))
    return _act(page=page, by=by, action="reject", comment=comment)
