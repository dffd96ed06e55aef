"""/cms/ as a PT member sees it is Japanese: the screens 伊藤 uses, rendered, hold
none of the common English admin words (intranet/locale/ja completes Wagtail's
Japanese and rewords it for a ward office)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from intranet.proposals.models import ProposalPage

pytestmark = pytest.mark.django_db

ENGLISH = [
    "Dashboard",
    "Pages",
    "Edit",
    "Save draft",
    "Publish",
    "Preview",
    "Collapse all",
    "Expand all",
    "Help",
    "Search",
    "Status",
    "Live",
    "Draft",
    "In moderation",
    "IN MODERATION",
    "Add child page",
    "Sort menu order",
    "More options",
    "Title",
    "Updated",
    "Type",
    "Actions",
    "Comments",
    "History",
    "Workflow",
    "Cancel",
    "Delete",
    "Submit",
    "Form data",
    "Choose",
    "Unpublish",
    "View live",
    "Changes requested",
    "Awaiting",
    "Approved",
    "Your pages",
    "Recent edits",
    "Page",
    "Account",
    "Log out",
    "Reports",
    "Settings",
    "Documents",
    "Images",
    "Snippets",
    "Forms",
    "Privacy",
    "Content",
    "Promote",
    "Filter",
    "Sort",
    "Locked",
    "Unlocked",
    "Revisions",
    "Compare",
    "Current",
    "Created",
    "Published",
    "Not published",
    "Edited",
    "Slug",
    "Owner",
    "No results",
]
WORDS = re.compile(r"\b(" + "|".join(re.escape(word) for word in ENGLISH) + r")\b")


class VisibleText(HTMLParser):
    """Text a person reads: no scripts, styles, templates or hidden parts."""

    SKIP = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__()
        self.skipping = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.SKIP or "hidden" in attrs:
            self.skipping += 1

    def handle_endtag(self, tag):
        if self.skipping and tag in self.SKIP:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(data.strip())


def english_in(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return sorted({match for part in parser.parts for match in WORDS.findall(part)})


@pytest.fixture
def in_moderation(client, pt, site):
    page = ProposalPage(
        title="会議の削減",
        slug="fewer-meetings",
        problem="<p>会議が多い。</p>",
        live=False,
        owner=pt.member,
    )
    site.proposals.add_child(instance=page)
    page.save_revision(user=pt.member)
    page.get_workflow().start(page, pt.member)
    return page


def screens(site, page):
    return [
        "/cms/",
        f"/cms/pages/{site.proposals.pk}/",
        reverse(
            "wagtailadmin_pages:add",
            args=("proposals", "proposalpage", site.proposals.pk),
        ),
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        reverse("wagtailadmin_pages:history", args=[page.pk]),
        reverse("wagtailadmin_pages:workflow_history", args=[page.pk]),
    ]


def test_the_cms_speaks_japanese_to_the_pt(client, pt, site, in_moderation):
    found = {}
    for who in (pt.member, pt.lead):
        client.force_login(who)
        for url in screens(site, in_moderation):
            response = client.get(url)
            assert response.status_code == 200, url
            words = english_in(response.content.decode())
            if words:
                found[f"{who.username} {url}"] = words
    assert found == {}
