"""Who may see proposals and who may act on them."""

from __future__ import annotations

from directory import roles
from intranet.pages.visibility import viewable_by

from .models import ProposalPage


def is_pt(user) -> bool:
    """A DX PT member or lead (superusers hold every role)."""
    return roles.has_role(user, roles.DX_PT) or roles.has_role(user, roles.DX_PT_LEAD)


def is_pt_lead(user) -> bool:
    return roles.has_role(user, roles.DX_PT_LEAD)


def visible_proposals_for(user):
    """Published proposals whose view restrictions ``user`` passes (a login
    restriction: any member of staff; a group restriction: its groups).

    Drafts and proposals waiting for 公開承認 are read in the CMS, not here.
    """
    if not user.is_authenticated or not user.is_active:
        return ProposalPage.objects.none()
    return viewable_by(ProposalPage.objects.live(), user)


def can_view_proposal(user, proposal: ProposalPage) -> bool:
    return visible_proposals_for(user).filter(pk=proposal.pk).exists()


def pt_members():
    """Everyone in the PT (members and lead): they hear about comments and reports."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True, groups__name__in=[roles.DX_PT, roles.DX_PT_LEAD]
        )
        .distinct()
    )
