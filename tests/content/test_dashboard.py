"""The home dashboard: panels for approvals, documents, bookings, news, proposals and
stale pages, in a number of queries that does not grow with the data."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from intranet.pages.models import StandardPage
from intranet.pages.stale import stale_pages_for
from intranet.proposals import services as proposal_services
from tests.content.conftest import publish
from tests.workflows.conftest import rules, zaisei  # noqa: F401 - fixtures
from workflows import services as approval_services

pytestmark = pytest.mark.django_db


def fill(make_news, make_proposal, applicant, n):
    for i in range(n):
        make_news(title=f"お知らせ{i}", pinned=(i == 0))
        proposal = make_proposal(title=f"提案{i}")
        proposal_services.support_proposal(proposal=proposal, person=applicant)


@pytest.fixture
def drafts(applicant, rules):  # noqa: F811 - the fixture imported above
    def make(n):
        for i in range(n):
            approval_services.create_draft(applicant=applicant, title=f"起案{i}")

    return make


def test_dashboard_panels(client, applicant, make_news, make_proposal, drafts):
    make_news(title="ふつうのお知らせ")
    make_news(title="重要なお知らせ", pinned=True, date=datetime.date(2020, 4, 1))
    make_proposal(title="押印の廃止")
    drafts(2)
    client.force_login(applicant)
    html = client.get("/").content.decode()
    for panel in ("waiting", "documents", "bookings", "news", "proposals"):
        assert f'data-testid="panel-{panel}"' in html
    # Pinned news comes first even when older.
    assert html.index("重要なお知らせ") < html.index("ふつうのお知らせ")
    assert "押印の廃止" in html
    assert 'data-testid="document-count-draft"><span>下書き</span> <strong>2' in html


def test_dashboard_queries_do_not_grow_with_data(
    client,
    applicant,
    make_news,
    make_proposal,
    drafts,
    django_assert_max_num_queries,
):
    fill(make_news, make_proposal, applicant, 2)
    drafts(1)
    client.force_login(applicant)
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    fill(make_news, make_proposal, applicant, 8)
    drafts(6)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/")
    assert response.status_code == 200
    assert len(many) == len(few)
    with django_assert_max_num_queries(30):
        client.get("/")


def test_stale_pages_are_listed_for_their_section(
    client, applicant, stranger, office, site
):
    today = timezone.localdate()
    stale = publish(
        site.guides,
        StandardPage(
            title="古い規程",
            slug="old-rule",
            owner_unit=office.units.somu_ka,
            review_date=today - datetime.timedelta(days=1),
        ),
        by=office.admin,
    )
    publish(
        site.guides,
        StandardPage(
            title="新しい規程",
            slug="new-rule",
            owner_unit=office.units.somu_ka,
            review_date=today + datetime.timedelta(days=1),
        ),
        by=office.admin,
    )
    # 佐藤 (庶務係, under 総務課) answers for 総務課's pages; 小林 (戸籍住民課) does not.
    assert [page.pk for page in stale_pages_for(applicant)] == [stale.pk]
    assert stale_pages_for(stranger) == []
    client.force_login(applicant)
    assert 'data-testid="panel-stale"' in client.get("/").content.decode()
    assert "古い規程" in client.get("/pages/stale/").content.decode()
    client.force_login(stranger)
    assert 'data-testid="panel-stale"' not in client.get("/").content.decode()
    assert "古い規程" not in client.get("/pages/stale/").content.decode()


def test_restricted_articles_show_to_those_who_may_read_them(
    client, applicant, stranger, pt, make_news, make_proposal
):
    """The panels and lists judge a view restriction as the page itself does: a
    login restriction lets in all staff, a group restriction only its groups."""
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    staff_only = make_news(title="職員限定のお知らせ")
    PageViewRestriction.objects.create(
        page=staff_only, restriction_type=PageViewRestriction.LOGIN
    )
    group = Group.objects.create(name="庶務担当者会")
    applicant.groups.add(group)
    members_only = make_news(title="庶務担当者会のお知らせ")
    restriction = PageViewRestriction.objects.create(
        page=members_only, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    closed = make_proposal(title="合言葉で読む提案")
    PageViewRestriction.objects.create(
        page=closed, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )

    client.force_login(applicant)
    home = client.get("/").content.decode()
    news = client.get(staff_only.get_parent().url).content.decode()
    for html in (home, news):
        assert "職員限定のお知らせ" in html
        assert "庶務担当者会のお知らせ" in html
    assert "合言葉で読む提案" not in home
    assert (
        "合言葉で読む提案" not in client.get(closed.get_parent().url).content.decode()
    )

    client.force_login(stranger)
    home = client.get("/").content.decode()
    assert "職員限定のお知らせ" in home
    assert "庶務担当者会のお知らせ" not in home
    assert (
        "庶務担当者会のお知らせ"
        not in client.get(members_only.get_parent().url).content.decode()
    )
