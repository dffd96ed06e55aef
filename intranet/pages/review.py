"""公開申請 waiting for the PT lead's 公開承認 (Wagtail's page moderation), for the
dashboard. Business documents waiting for 決裁 come from workflows.queries instead."""

from __future__ import annotations

from dataclasses import dataclass

from wagtail.models import Page, TaskState

from directory import roles


@dataclass
class PageReview:
    page: Page
    requested_by: object
    submitted_at: object


def pages_awaiting_review(user, *, limit: int = 5) -> list[PageReview]:
    """Pages submitted for 公開承認 that ``user`` may approve, newest first.

    Only the PT lead (and superusers) review pages; everyone else costs one query.
    """
    if not roles.has_role(user, roles.DX_PT_LEAD):
        return []
    states = list(
        TaskState.objects.reviewable_by(user)
        .select_related("workflow_state__requested_by")
        .order_by("-started_at")[:limit]
    )
    ids = [int(state.workflow_state.object_id) for state in states]
    pages = Page.objects.in_bulk(ids)
    return [
        PageReview(
            pages[int(state.workflow_state.object_id)],
            state.workflow_state.requested_by,
            state.started_at,
        )
        for state in states
        if int(state.workflow_state.object_id) in pages
    ]
