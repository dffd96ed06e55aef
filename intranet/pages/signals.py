"""公開申請 (a page submitted to Wagtail's moderation workflow) reaches the approvers'
bell: the members of the task's groups hear about it through notify()."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.signals import task_submitted

from intranet.notifications.kinds import Kind
from intranet.notifications.services import notify


def notify_page_approvers(sender, instance, user=None, **kwargs):
    task = instance.task.specific
    groups = getattr(task, "groups", None)
    page = instance.workflow_state.content_object
    if groups is None or not hasattr(page, "get_url_parts"):
        return
    approvers = (
        get_user_model()
        .objects.filter(is_active=True, groups__in=groups.all())
        .distinct()
    )
    notify(
        recipients=approvers,
        kind=Kind.PAGE_REVIEW,
        subject=_("「%(title)s」の公開申請が届きました") % {"title": page.title},
        url=reverse("wagtailadmin_pages:edit", args=[page.pk]),
        actor=user,
        group_key=f"page:{page.pk}",
    )


def connect() -> None:
    task_submitted.connect(notify_page_approvers, dispatch_uid="pages.notify_approvers")
