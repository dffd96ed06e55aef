"""The user menu's CMS link: right after every change that grants or takes the
right away, and no permission query on a page."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intranet.core import cms_access

pytestmark = pytest.mark.django_db


def has_link(client) -> bool:
    return 'data-testid="cms-link"' in client.get("/").content.decode()


@pytest.fixture
def editors():
    group = Group.objects.create(name="テスト編集者")
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    return group


def test_the_link_follows_group_membership_and_group_rights(
    client, office, home_page, editors
):
    person = office.stranger
    client.force_login(person)
    assert not has_link(client)
    person.groups.add(editors)
    assert has_link(client)
    editors.permissions.clear()
    assert not has_link(client)
    editors.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    assert has_link(client)
    editors.delete()
    assert not has_link(client)


def test_the_directory_sync_moves_the_answer_on(office, editors):
    from directory.signals import group_memberships_synced

    person = office.stranger
    assert not cms_access.may_use_cms(person)
    person.groups.through.objects.create(
        group=editors, person=person
    )  # bulk, no signal
    group_memberships_synced.send(sender=type(person), added=[], removed=[])
    person = type(person).objects.get(pk=person.pk)  # a new request's user
    assert cms_access.may_use_cms(person)


def test_a_page_asks_no_permission_query_once_answered(client, office, home_page):
    client.force_login(office.applicant)
    client.get("/notifications/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/notifications/").status_code == 200
    assert not [q for q in queries if "auth_permission" in q["sql"]]
