"""The stale-pages list and the dashboard's panel keep a page's view restriction
(issue 16, F7): a section member outside the page's group does not see its title."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import PageViewRestriction

from intranet.pages.models import StandardPage
from intranet.pages.stale import stale_pages_for
from tests.content.conftest import publish

pytestmark = pytest.mark.django_db


def test_a_restricted_stale_page_shows_only_to_its_group(
    client, applicant, kakaricho, office, site
):
    page = publish(
        site.guides,
        StandardPage(
            title="人事評価の手引き（管理職限定）",
            slug="appraisal",
            owner_unit=office.units.somu_ka,
            review_date=timezone.localdate() - datetime.timedelta(days=1),
        ),
        by=office.admin,
    )
    group = Group.objects.create(name="管理職")
    kakaricho.groups.add(group)
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)

    assert [p.pk for p in stale_pages_for(kakaricho)] == [page.pk]
    assert stale_pages_for(applicant) == []  # same section, not in the group
    client.force_login(applicant)
    for path in ("/", "/pages/stale/"):
        assert "人事評価の手引き" not in client.get(path).content.decode()
    client.force_login(kakaricho)
    assert "人事評価の手引き" in client.get("/pages/stale/").content.decode()
