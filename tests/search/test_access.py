"""Who finds what: view restrictions on pages, the approvals' rules on documents."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from intranet.search.pages import search_pages
from intranet.search.site import search_site
from tests.workflows.conftest import active_step
from workflows import services

pytestmark = pytest.mark.django_db


def found(user, query):
    return [hit.page_id for hit in search_pages(user, query).hits]


@pytest.fixture
def personnel(office):
    """人事担当: a group holding the 課長 高橋 only."""
    group = Group.objects.create(name="人事担当")
    group.user_set.add(office.kacho)
    return group


@pytest.fixture
def restricted(publish, personnel):
    section = publish("人事担当の部屋")
    restriction = PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(personnel)
    page = publish("人事評価会議の進め方", parent=section)
    return page


def test_a_group_restricted_page_is_found_only_by_its_group(
    restricted, applicant, kacho, administrator
):
    assert found(applicant, "評価会議") == []
    assert found(kacho, "評価会議") == [restricted.pk]
    assert found(administrator, "評価会議") == [restricted.pk]  # superuser


def test_a_login_restriction_lets_every_signed_in_person_find_it(publish, applicant):
    page = publish("職員向け会議室案内")
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.LOGIN
    )
    assert found(applicant, "会議室") == [page.pk]


def test_a_password_restriction_hides_the_page_from_search(publish, administrator):
    page = publish("説明会の資料")
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    assert found(administrator, "説明会") == []


def test_a_restriction_on_a_sibling_does_not_hide_a_page(publish, applicant, personnel):
    # Tree paths share prefixes (0001000100010001 vs 00010001000100010001…): only
    # the restricted page and pages below it are hidden.
    first = publish("人事の会議")
    second = publish("広報の会議")
    restriction = PageViewRestriction.objects.create(
        page=first, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(personnel)
    assert found(applicant, "会議") == [second.pk]


def test_an_inactive_or_anonymous_user_finds_nothing(publish, applicant):
    from django.contrib.auth.models import AnonymousUser

    publish("会議の案内")
    assert found(AnonymousUser(), "会議") == []
    applicant.is_active = False
    assert found(applicant, "会議") == []


def _decide(submitted, kakaricho, kacho, **fields):
    document = submitted(**fields)
    services.approve(step=active_step(document), by=kakaricho)
    services.approve(step=active_step(document), by=kacho)
    return document


def documents(user, query):
    group = next(g for g in search_site(user, query).groups if g.kind == "documents")
    return [document.pk for document in group.items]


def test_a_confidential_document_is_never_found_outside_its_route(
    submitted, kakaricho, kacho, stranger, applicant
):
    secret = _decide(
        submitted, kakaricho, kacho, title="職員の懲戒に関する会議録", confidential=True
    )
    open_one = _decide(submitted, kakaricho, kacho, title="会議室の備品購入")
    assert documents(stranger, "会議") == []
    assert secret.pk not in documents(stranger, "懲戒")
    assert set(documents(kacho, "会議")) == {secret.pk, open_one.pk}
    assert secret.pk in documents(applicant, "懲戒")


def test_restrictions_are_walked_not_every_page(publish, applicant):
    """The restriction check reads each restriction's page by primary key. Joining the
    page table instead let SQLite, once ANALYZE had run on 10,000 pages and no
    restriction, scan every page for every row searched (seconds): the plan must not
    scan the page table. The statistics of such a site are written by hand here."""
    from django.db import connection

    from intranet.search.pages import _page_rows
    from intranet.search.tokens import query_terms

    if connection.vendor != "sqlite":
        pytest.skip("a SQLite query plan (PostgreSQL's is checked by bench/search.py)")
    publish("会議の手引き")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl LIKE 'wagtailcore_page%'")
        cursor.execute(
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES "
            "('wagtailcore_page', 'sqlite_autoindex_wagtailcore_page_1', '10000 1'), "
            "('wagtailcore_page', NULL, '10000')"
        )
        cursor.execute("ANALYZE sqlite_schema")  # the planner reloads the statistics
        sql, params = _page_rows(applicant, query_terms("会議")).query.sql_with_params()
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = [row[-1] for row in cursor.fetchall()]
    scans = [
        step for step in plan if step.startswith("SCAN ") and "wagtailcore_page" in step
    ]
    assert not scans, plan
    assert found(applicant, "会議")
