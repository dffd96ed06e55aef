"""Page moderation (公開申請 → 公開承認 / 修正依頼) reaches people through notify(), in
Japanese, with links from BASE_URL — in place of Wagtail's English moderation e-mails
(see ``connect``).

- 公開申請: the members of the task's groups (the PT lead) hear of it, with a link
  to the review screen.
- 修正依頼: the person who asked hears it, with the reviewer's comment.
- 承認（公開）: the person who asked hears that the page is published.
- 取りやめ: the reviewers hear that a request sent to them was withdrawn.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import Page, TaskState, WorkflowState
from wagtail.signals import (
    task_submitted,
    workflow_approved,
    workflow_cancelled,
    workflow_rejected,
)

from intranet.notifications.kinds import Kind
from intranet.notifications.services import notify

# Wagtail's own moderation e-mails are receivers with these dispatch_uids
# (wagtail/admin/signal_handlers.py, connected in wagtail.admin's ready()). This app
# comes before wagtail.admin in INSTALLED_APPS and takes the same uids first, so
# Django keeps our receivers and ignores Wagtail's: one Japanese notice per event.
# (workflow_submitted's e-mail goes to superusers only, which the settings turn off.)
WAGTAIL_TASK_SUBMITTED = "group_approval_task_submitted_email_notification"
WAGTAIL_WORKFLOW_REJECTED = "workflow_state_rejected_email_notification"
WAGTAIL_WORKFLOW_APPROVED = "workflow_state_approved_email_notification"


def review_url(page) -> str:
    return reverse("pages:review", args=[page.pk])


def edit_url(page) -> str:
    """Where the author corrects ``page``: the intranet's editor when the page type
    has one (``intranet_edit_url``), else the CMS editor."""
    own = getattr(page, "intranet_edit_url", None)
    return own() if own else reverse("wagtailadmin_pages:edit", args=[page.pk])


def _page(workflow_state) -> Page | None:
    page = workflow_state.content_object
    if not isinstance(page, Page):
        return None
    return page.specific


def _reviewers(task_state):
    groups = getattr(task_state.task.specific, "groups", None)
    if groups is None:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__in=groups.all())
        .distinct()
    )


def _tell(page, *, recipients, kind, subject, url, user, body="", **names) -> None:
    """notify() about ``page``: ``subject`` names it as %(title)s (and ``names``)."""
    notify(
        recipients=recipients,
        kind=kind,
        subject=subject % {"title": page.title, **names},
        body=body,
        url=url,
        actor=user,
        group_key=f"page:{page.pk}",
        # The gate judges the page itself (a view restriction), not its type.
        about=page if type(page) is Page else page.page_ptr,
    )


def notify_page_approvers(sender, instance, user=None, **kwargs):
    page = _page(instance.workflow_state)
    if page is not None:
        _tell(
            page,
            recipients=_reviewers(instance),
            kind=Kind.PAGE_REVIEW,
            subject=_("「%(title)s」の公開申請が届きました"),
            body=_("内容を確認し、公開するか修正を依頼してください。"),
            url=review_url(page),
            user=user,
        )


def notify_changes_requested(sender, instance, user=None, **kwargs):
    page = _page(instance)
    task_state = instance.current_task_state
    if page is None or task_state is None:
        return
    name = user.get_full_name() if user is not None else ""
    _tell(
        page,
        recipients=[instance.requested_by],
        kind=Kind.PAGE_CHANGES_REQUESTED,
        subject=_("「%(title)s」に%(name)sさんから修正の依頼がありました"),
        name=name,
        body=task_state.comment,
        url=edit_url(page),
        user=user,
    )


def notify_approved(sender, instance, user=None, **kwargs):
    page = _page(instance)
    if page is not None:
        task_state = instance.current_task_state
        _tell(
            page,
            recipients=[instance.requested_by],
            kind=Kind.PAGE_APPROVED,
            subject=_("「%(title)s」の公開申請が承認され、公開されました"),
            body=task_state.comment if task_state else "",
            url=page.url or edit_url(page),
            user=user,
        )


def notify_cancelled(sender, instance, user=None, **kwargs):
    page = _page(instance)
    task_state = instance.current_task_state
    if page is not None and task_state is not None:
        _tell(
            page,
            recipients=_reviewers(task_state),
            kind=Kind.PAGE_REVIEW_CANCELLED,
            subject=_("「%(title)s」の公開申請は取りやめになりました"),
            url=edit_url(page),
            user=user,
        )


def connect() -> None:
    task_submitted.connect(
        notify_page_approvers, sender=TaskState, dispatch_uid=WAGTAIL_TASK_SUBMITTED
    )
    workflow_rejected.connect(
        notify_changes_requested,
        sender=WorkflowState,
        dispatch_uid=WAGTAIL_WORKFLOW_REJECTED,
    )
    workflow_approved.connect(
        notify_approved, sender=WorkflowState, dispatch_uid=WAGTAIL_WORKFLOW_APPROVED
    )
    workflow_cancelled.connect(
        notify_cancelled, sender=WorkflowState, dispatch_uid="pages.notify_cancelled"
    )
