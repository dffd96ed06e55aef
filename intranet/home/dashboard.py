"""The home dashboard: what is waiting for me, my documents, my bookings today,
pinned news, the latest proposals, the surveys I have not answered and the pages my
section should review.

A fixed number of queries whatever the number of documents, bookings or pages
(tests/home/test_dashboard.py holds the bound).
"""

from __future__ import annotations

from dataclasses import dataclass

from intranet.news.models import NewsArticlePage
from intranet.pages.review import pages_awaiting_review
from intranet.pages.stale import stale_pages_for
from intranet.pages.visibility import viewable_by
from intranet.proposals.editor import can_write_proposals
from intranet.proposals.queries import latest_proposals
from intranet.surveys.queries import open_surveys_for
from spaces.queries import bookings_today_for
from workflows.models import Document
from workflows.queries import my_documents_summary, waiting_tasks_for

PANEL_LIMIT = 5


@dataclass
class DocumentCount:
    state: str
    label: str
    count: int


def document_counts(user) -> list[DocumentCount]:
    """My documents by state, the open ones (下書き, 回議中, 差戻し中) always shown."""
    summary = my_documents_summary(user)
    shown = []
    for state in Document.State:
        count = summary.get(state.value, 0)
        if count or state not in Document.CLOSED_STATES:
            shown.append(DocumentCount(state.value, str(state.label), count))
    return shown


def news_for_dashboard(user, limit: int = PANEL_LIMIT) -> list[NewsArticlePage]:
    """Pinned news first, then the newest, of the articles ``user`` may read."""
    return list(
        viewable_by(NewsArticlePage.objects.live(), user)
        .only("title", "url_path", "pinned", "date")
        .order_by("-pinned", "-date", "-pk")[:limit]
    )


def dashboard_for(user) -> dict:
    return {
        "waiting": waiting_tasks_for(user, limit=PANEL_LIMIT, brief=True),
        "pages_to_review": pages_awaiting_review(user, limit=PANEL_LIMIT),
        "document_counts": document_counts(user),
        "bookings_today": bookings_today_for(user),
        "news": news_for_dashboard(user),
        "proposals": latest_proposals(user, limit=PANEL_LIMIT),
        "open_surveys": open_surveys_for(user, limit=PANEL_LIMIT),
        "can_write_proposals": can_write_proposals(user),
        "stale_pages": stale_pages_for(user, limit=PANEL_LIMIT),
    }
