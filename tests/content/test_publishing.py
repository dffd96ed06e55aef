"""Page types, who may write where, and 公開申請 → 公開承認 through Wagtail's own
admin views (the page workflow, not the electronic approvals)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter
from wagtail.models import Page, Workflow
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from intranet.home.models import HomePage
from intranet.news.models import NewsArticlePage, NewsIndexPage
from intranet.notifications.kinds import Kind
from intranet.notifications.models import Notification
from intranet.pages.models import StandardPage
from intranet.pages.publishing import WORKFLOW_NAME, ensure_publishing_setup
from intranet.proposals.models import ProposalIndexPage, ProposalPage
from intranet.surveys.models import SurveyIndexPage, SurveyPage

pytestmark = pytest.mark.django_db


def test_page_type_rules():
    assert set(HomePage.allowed_subpage_models()) == {
        NewsIndexPage,
        ProposalIndexPage,
        SurveyIndexPage,
        StandardPage,
    }
    assert NewsIndexPage.allowed_subpage_models() == [NewsArticlePage]
    assert ProposalIndexPage.allowed_subpage_models() == [ProposalPage]
    assert SurveyIndexPage.allowed_subpage_models() == [SurveyPage]
    assert ProposalPage.allowed_subpage_models() == []
    assert ProposalPage.allowed_parent_page_models() == [ProposalIndexPage]
    assert NewsArticlePage.allowed_parent_page_models() == [NewsIndexPage]


def test_sections_exist_once(site):
    assert not ProposalIndexPage.can_create_at(site.home)  # max_count = 1
    assert ProposalPage.can_create_at(site.proposals)
    assert not ProposalPage.can_create_at(site.news)
    assert not NewsArticlePage.can_create_at(site.home)


def test_setup_is_idempotent(site):
    counts = (Page.objects.count(), Workflow.objects.count())
    ensure_publishing_setup()
    ensure_publishing_setup()
    assert (Page.objects.count(), Workflow.objects.count()) == counts
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    for section in (site.news, site.proposals, site.surveys):
        assert section.get_workflow() == workflow


def proposal_form(title, **extra):
    return nested_form_data(
        {
            "title": title,
            "slug": f"p{abs(hash(title)) % 100000}",
            "problem": rich_text("<p>紙の稟議に押印が必要です。</p>"),
            "proposal": rich_text(""),
            "effect": rich_text(""),
            "kpis": "押印件数: 0件",
            "tags": "押印",
            "comments": inline_formset([]),
            **extra,
        }
    )


def add_url(parent, model=ProposalPage):
    return reverse(
        "wagtailadmin_pages:add",
        args=(model._meta.app_label, model._meta.model_name, parent.pk),
    )


def test_staff_cannot_enter_the_cms(client, applicant, site):
    client.force_login(applicant)
    response = client.get("/cms/")
    assert response.status_code in {302, 403}
    response = client.post(add_url(site.proposals), proposal_form("勝手な提案"))
    assert response.status_code in {302, 403}
    assert not ProposalPage.objects.exists()


def test_a_pt_member_cannot_publish_but_can_submit_for_review(client, pt, site):
    client.force_login(pt.member)
    response = client.post(
        add_url(site.proposals), proposal_form("押印の廃止", **{"action-publish": "1"})
    )
    page = ProposalPage.objects.get(title="押印の廃止")
    assert response.status_code in {302, 403}
    assert not page.live

    client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        proposal_form("押印の廃止", **{"action-submit": "1"}),
    )
    page.refresh_from_db()
    assert not page.live
    assert page.workflow_in_progress
    assert page.current_workflow_task.name == "公開承認"
    # The lead hears about the 公開申請 on the bell.
    assert Notification.objects.filter(
        kind=Kind.PAGE_REVIEW, recipient=pt.lead
    ).exists()


def test_the_lead_approves_and_the_page_goes_live(client, pt, site, applicant):
    client.force_login(pt.member)
    client.post(
        add_url(site.proposals), proposal_form("会議の削減", **{"action-submit": "1"})
    )
    page = ProposalPage.objects.get(title="会議の削減")
    assert page.workflow_in_progress
    # A member cannot approve their own request; staff cannot see it at all.
    approve = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[page.pk, "approve", page.current_workflow_task_state.pk],
    )
    client.post(approve)
    page.refresh_from_db()
    assert not page.live
    client.force_login(applicant)
    assert client.get(page.url or f"/proposals/{page.slug}/").status_code == 404

    client.force_login(pt.lead)
    client.post(approve)
    page.refresh_from_db()
    assert page.live
    client.force_login(applicant)
    assert client.get(page.url).status_code == 200


def test_pt_members_write_only_in_their_sections(client, pt, site):
    client.force_login(pt.member)
    response = client.get(add_url(site.guides, StandardPage))
    assert response.status_code in {302, 403}
    response = client.get(add_url(site.news, NewsArticlePage))
    assert response.status_code == 200


def test_the_lead_publishes_news_directly(client, pt, site):
    client.force_login(pt.lead)
    client.post(
        add_url(site.news, NewsArticlePage),
        nested_form_data(
            {
                "title": "ペーパーレス週間",
                "slug": "paperless",
                "date": "2026-11-27",
                "category": "dx",
                "pinned": "on",
                "lead": "",
                "body": rich_text("<p>資料を印刷しない1週間です。</p>"),
                "comments": inline_formset([]),
                "action-publish": "1",
            }
        ),
    )
    article = NewsArticlePage.objects.get(slug="paperless")
    assert article.live and article.pinned


def test_rich_text_fields_are_sanitised(client, pt, site, applicant):
    """The editor's content (Draftail) is stored through Wagtail's whitelist."""
    contentstate = {
        "blocks": [
            {
                "key": "a1",
                "type": "unstyled",
                "depth": 0,
                "text": "<script>alert(1)</script> リンク",
                "inlineStyleRanges": [],
                "entityRanges": [{"offset": 27, "length": 3, "key": 0}],
            }
        ],
        "entityMap": {
            "0": {
                "type": "LINK",
                "mutability": "MUTABLE",
                "data": {"url": "javascript:alert(2)"},
            }
        },
    }
    client.force_login(pt.lead)
    form = proposal_form("XSSの確認", **{"action-publish": "1"})
    form["problem"] = json.dumps(contentstate)
    client.post(add_url(site.proposals), form)
    page = ProposalPage.objects.get(title="XSSの確認")
    assert "<script>" not in page.problem
    assert "javascript:" not in page.problem
    client.force_login(applicant)
    html = client.get(page.url).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html
    assert "javascript:alert" not in html


def test_the_whitelist_strips_html_pasted_into_the_editor():
    converter = EditorHTMLConverter(features=["bold", "link"])
    cleaned = converter.to_database_format(
        '<p onclick="steal()">本文<script>alert(1)</script>'
        '<a href="javascript:alert(2)">リンク</a><img src=x onerror=alert(3)></p>'
    )
    assert "script" not in cleaned
    assert "onclick" not in cleaned
    assert "javascript:" not in cleaned
    assert "onerror" not in cleaned


def test_the_leads_dashboard_lists_pages_awaiting_approval(client, pt, site):
    client.force_login(pt.member)
    client.post(
        add_url(site.proposals), proposal_form("申請中の提案", **{"action-submit": "1"})
    )
    assert 'data-testid="panel-page-review"' not in client.get("/").content.decode()
    client.force_login(pt.lead)
    html = client.get("/").content.decode()
    assert 'data-testid="panel-page-review"' in html
    assert "申請中の提案" in html and "伊藤 さくらさんの公開申請" in html


def test_page_moderation_is_worded_apart_from_electronic_approvals(client, pt, site):
    """The CMS buttons speak of 公開 (publishing), never of a bare 承認 or 提出 as a
    稟議 does (intranet/locale/ja overrides Wagtail's Japanese)."""
    client.force_login(pt.member)
    editor = client.get(add_url(site.proposals)).content.decode()
    assert "公開を申請する（公開承認（DX推進PTリーダー））" in editor
    assert "に提出する" not in editor
    # Sections and owners are ticked, not Ctrl-clicked in a multiple select.
    assert 'type="checkbox" name="owners"' in editor
    assert 'type="checkbox" name="sections"' in editor
    client.post(
        add_url(site.proposals),
        proposal_form("庁内報の電子化", **{"action-submit": "1"}),
    )
    page = ProposalPage.objects.get(title="庁内報の電子化")
    client.force_login(pt.lead)
    html = client.get(
        reverse("wagtailadmin_pages:edit", args=[page.pk])
    ).content.decode()
    for label in ("承認して公開", "コメントを付けて承認・公開", "修正を依頼"):
        assert label in html
    assert "変更をリクエスト" not in html
    assert "と公開" not in html  # not 「公開を承認と公開」
