"""A newly published proposal reaches the people it concerns.

When the PT lead publishes a proposal for the first time (公開承認, or publishing
directly), its owners, its author and the staff of the sections it concerns (関係する課,
with the units below them) hear about it on the bell — and by e-mail as each of them
chose (a daily digest unless they change it). Everyone else finds it on the dashboard.
Later edits, and publishing again after an unpublish, notify nobody.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail.signals import page_published

from intranet.core.audit import current_actor
from intranet.notifications.kinds import Kind
from intranet.notifications.notices import notice_recipients
from intranet.notifications.services import notify

from .models import ProposalPage


def audience(proposal: ProposalPage):
    """Who hears of ``proposal``: owners, author, and the staff of its sections."""
    members = Q(pk__in=proposal.owners.values("pk"))
    if proposal.owner_id:
        members |= Q(pk=proposal.owner_id)
    for section in proposal.sections.all():
        members |= Q(pk__in=notice_recipients(section).values("pk"))
    return get_user_model().objects.filter(members, is_active=True).order_by("pk")


def notify_first_publication(sender, instance, revision=None, **kwargs) -> None:
    if instance.first_published_at != instance.last_published_at:
        return  # an edit, or published again after an unpublish
    names = "、".join(instance.sections.values_list("name", flat=True))
    notify(
        recipients=audience(instance),
        kind=Kind.PROPOSAL_PUBLISHED,
        subject=_("DX推進PTの提案「%(title)s」が公開されました")
        % {"title": instance.title},
        body=_("関係する課: %(sections)s") % {"sections": names} if names else "",
        url=instance.get_url() or "",
        actor=current_actor.get(),
        group_key=f"proposal:{instance.pk}",
    )


def connect() -> None:
    page_published.connect(
        notify_first_publication,
        sender=ProposalPage,
        dispatch_uid="proposals.notify_first_publication",
    )
