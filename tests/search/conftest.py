"""Pages to search: plain Wagtail pages under the home page, published for real
(``save_revision().publish()`` sends page_published, which indexes them)."""

from __future__ import annotations

import itertools

import pytest
from wagtail.models import Page

_slugs = itertools.count(1)


@pytest.fixture
def publish(home_page):
    """``publish(title, body="", parent=None, live=True)`` → the page, published
    through Wagtail (or saved as a draft only, with live=False)."""

    def make(title, body="", *, parent=None, live=True):
        page = (parent or home_page).add_child(
            instance=Page(
                title=title,
                slug=f"page-{next(_slugs)}",
                search_description=body,
                live=False,
            )
        )
        revision = page.save_revision()
        if live:
            revision.publish()
            page.refresh_from_db()
        return page

    return make


# The approvals' rule book and drafts (tests/workflows/conftest.py), for documents.
from tests.workflows.conftest import (  # noqa: E402, F401
    decided,
    draft,
    rules,
    submitted,
    zaisei,
)
