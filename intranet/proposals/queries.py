"""Reads for proposal pages: lists with counts, and everything one page shows.

Each is a fixed number of queries whatever the number of proposals, supports or
comments.
"""

from __future__ import annotations

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q

from workflows.access import can_view_document

from .access import is_pt, visible_proposals_for
from .models import (
    TRANSITIONS,
    Comment,
    CommentReport,
    ProposalPage,
    Status,
    StatusChange,
    Support,
)

LIST_LIMIT = 50


def with_counts(proposals):
    return proposals.annotate(
        support_count=Count("supports", distinct=True),
        comment_count=Count(
            "comments", filter=Q(comments__hidden_at__isnull=True), distinct=True
        ),
    )


def proposal_list(
    user, *, parent=None, status: str = "", tag: str = "", limit=LIST_LIMIT
):
    proposals = visible_proposals_for(user)
    if parent is not None:
        proposals = proposals.child_of(parent)
    if status:
        proposals = proposals.filter(status=status)
    if tag:
        proposals = proposals.filter(tags__name=tag)
    return list(
        with_counts(proposals)
        .prefetch_related("tags")
        .order_by("-first_published_at", "-pk")[:limit]
    )


def latest_proposals(user, limit: int = 5) -> list[ProposalPage]:
    """The newest published proposals with their support counts (the dashboard)."""
    return list(
        visible_proposals_for(user)
        .only("title", "url_path", "status", "first_published_at")
        .annotate(support_count=Count("supports"))
        .order_by("-first_published_at", "-pk")[:limit]
    )


def proposal_detail(*, proposal: ProposalPage, user) -> dict:
    """What a proposal page shows ``user``: counts, their support, threads, history."""
    pt = is_pt(user)
    comments = list(
        Comment.objects.filter(proposal=proposal)
        .select_related("author")
        .annotate(
            open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)),
            reported_by_me=Exists(
                CommentReport.objects.filter(
                    comment=OuterRef("pk"), reporter_id=user.pk
                )
            ),
        )
    )
    threads, replies = [], {}
    for comment in comments:
        comment.editable = comment.can_edit(user)
        if comment.parent_id is None:
            threads.append(comment)
        else:
            replies.setdefault(comment.parent_id, []).append(comment)
    for comment in threads:
        comment.thread_replies = replies.get(comment.pk, [])
    history = list(
        StatusChange.objects.filter(proposal=proposal).select_related("changed_by")
    )
    return {
        "support_count": Support.objects.filter(proposal=proposal).count(),
        "supported": Support.objects.filter(
            proposal=proposal, person_id=user.pk
        ).exists(),
        "threads": threads,
        "comment_count": sum(1 for c in comments if not c.is_hidden),
        "status_history": history,
        "is_pt": pt,
        "next_statuses": [
            (value, Status(value).label) for value in TRANSITIONS[proposal.status]
        ]
        if pt
        else [],
        "document_visible": proposal.document_id is not None
        and can_view_document(user, proposal.document_id),
        "sections_list": list(proposal.sections.all()),
        "owners_list": list(proposal.owners.all()),
        "tags_list": list(proposal.tags.all()),
    }


def open_comment_reports(*, with_reporters: bool) -> list[Comment]:
    """Comments with unresolved reports (通報), the longest waiting first, each with
    its open reports in ``open_list``. Reporters are loaded only ``with_reporters``
    (for the PT lead: the report form says only the lead sees who reported)."""
    reports = CommentReport.objects.filter(resolved_at__isnull=True).order_by(
        "created_at", "pk"
    )
    if with_reporters:
        reports = reports.select_related("reporter")
    comments = list(
        Comment.objects.filter(
            pk__in=CommentReport.objects.filter(resolved_at__isnull=True).values(
                "comment_id"
            )
        )
        .select_related("author", "proposal")
        .annotate(
            first_reported_at=Min(
                "reports__created_at", filter=Q(reports__resolved_at__isnull=True)
            )
        )
        .prefetch_related(Prefetch("reports", queryset=reports, to_attr="open_list"))
        .order_by("first_reported_at", "pk")
    )
    return comments
