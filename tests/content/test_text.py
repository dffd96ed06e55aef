"""search_text(): plain text for the site search, and stored XSS in comments."""

from __future__ import annotations

import pytest

from intranet.news.models import NewsArticlePage
from intranet.pages.models import StandardPage
from intranet.pages.text import html_to_text
from intranet.proposals import services
from tests.content.conftest import publish

pytestmark = pytest.mark.django_db


def test_html_to_text_strips_markup_and_keeps_lines():
    assert (
        html_to_text("<p>会議&amp;稟議</p><p>押印<br>廃止</p>")
        == "会議&稟議\n\n押印\n廃止"  # blocks apart, lines joined
    )


def test_proposal_search_text(make_proposal):
    proposal = make_proposal(
        title="押印の廃止",
        problem="<p><b>稟議</b>に押印</p>",
        proposal='<p><a href="https://example.jp">ペーパーレス</a></p>',
        effect="<ul><li>会議が短くなる</li></ul>",
        kpis="押印件数 0件",
    )
    proposal.tags.add("窓口")
    text = proposal.search_text()
    for word in (
        "稟議に押印",
        "ペーパーレス",
        "会議が短くなる",
        "押印件数 0件",
        "窓口",
    ):
        assert word in text
    assert "<" not in text and "href" not in text


def test_standard_page_search_text(site, office):
    page = publish(
        site.guides,
        StandardPage(
            title="手引き",
            slug="guide",
            intro="<p>概要</p>",
            body=[
                ("heading", "会議室"),
                ("paragraph", "<p>予約は<b>座席・会議室</b>から</p>"),
                ("faq", {"question": "押印は？", "answer": "<p>不要です</p>"}),
            ],
        ),
        by=office.admin,
    )
    text = page.search_text()
    # Blocks are kept apart by a blank line, so phrases never run across them.
    assert text.split("\n\n") == [
        "概要",
        "会議室",
        "予約は座席・会議室から",
        "押印は？",
        "不要です",
    ]


def test_news_search_text(make_news):
    article = make_news(
        title="お知らせ", lead="ペーパーレス週間", body="<p>会議資料</p>"
    )
    assert isinstance(article, NewsArticlePage)
    assert article.search_text() == "ペーパーレス週間\n\n会議資料"


def test_comments_are_stored_as_text_and_rendered_escaped(client, applicant, proposal):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    services.add_comment(proposal=proposal, author=applicant, body=payload)
    client.force_login(applicant)
    html = client.get(proposal.url).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
