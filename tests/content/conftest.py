"""Content fixtures: the site's sections, the DX PT (ito, member; watanabe, lead) and
pages published the way the CMS publishes them (a revision, then publish)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group

from directory import roles
from intranet.news.models import NewsArticlePage, NewsIndexPage
from intranet.pages.models import StandardPage
from intranet.pages.publishing import ensure_publishing_setup
from intranet.proposals.models import ProposalIndexPage, ProposalPage
from intranet.surveys.models import SurveyIndexPage
from tests.factories import MembershipFactory, OrgUnitFactory, PersonFactory


@pytest.fixture
def site(home_page):
    """The home page with the PT's sections, groups, permissions and workflow."""
    ensure_publishing_setup()
    return SimpleNamespace(
        home=home_page,
        news=NewsIndexPage.objects.get(),
        proposals=ProposalIndexPage.objects.get(),
        surveys=SurveyIndexPage.objects.get(),
        guides=StandardPage.objects.get(slug="guides"),
    )


@pytest.fixture
def pt(office, site):
    """The DX推進PT: 伊藤 (member) and 渡辺 (lead), a team under 企画課."""
    team = OrgUnitFactory(
        code="dx-pt", name="DX推進PT", kind="team", parent=office.units.ward
    )
    ito = PersonFactory(
        username="ito", last_name="伊藤", first_name="さくら", is_staff=False
    )
    watanabe = PersonFactory(username="watanabe", last_name="渡辺", first_name="大輔")
    MembershipFactory(person=ito, unit=team, post=office.posts.shuji)
    MembershipFactory(person=watanabe, unit=team, post=office.posts.kakaricho)
    Group.objects.get(name=roles.DX_PT).user_set.add(ito, watanabe)
    Group.objects.get(name=roles.DX_PT_LEAD).user_set.add(watanabe)
    return SimpleNamespace(team=team, member=ito, lead=watanabe)


@pytest.fixture
def pt_member(pt):
    return pt.member


@pytest.fixture
def pt_lead(pt):
    return pt.lead


def publish(parent, page, *, by, approver=None):
    page.live = False
    page.owner = by
    parent.add_child(instance=page)
    page.save_revision(user=by).publish(user=approver or by)
    page.refresh_from_db()
    return page


@pytest.fixture
def make_proposal(site, pt):
    def make(title="会議資料のペーパーレス化", **fields):
        fields.setdefault("problem", "<p>会議のたびに資料を印刷しています。</p>")
        fields.setdefault("slug", f"p-{ProposalPage.objects.count() + 1}")
        return publish(
            site.proposals,
            ProposalPage(title=title, **fields),
            by=pt.member,
            approver=pt.lead,
        )

    return make


@pytest.fixture
def proposal(make_proposal):
    return make_proposal()


@pytest.fixture
def make_news(site, pt):
    def make(title="お知らせ", **fields):
        fields.setdefault("body", "<p>本文です。</p>")
        fields.setdefault("slug", f"n-{NewsArticlePage.objects.count() + 1}")
        return publish(site.news, NewsArticlePage(title=title, **fields), by=pt.lead)

    return make
