"""Directory-managed fields (name, kana, e-mail, unit, post) change only through the
directory (issue 16, F2)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from directory.managed import directory_writes
from directory.models import Membership, Person
from intranet.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def cms_member(office):
    """伊藤 さくら of the DX PT: she may use the CMS."""
    person = office.applicant
    person.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    return Person.objects.get(pk=person.pk)


def test_a_name_or_address_changed_outside_the_sync_is_refused_and_audited(office):
    person = Person.objects.get(pk=office.applicant.pk)
    person.last_name = "田中"
    person.first_name_kana = "マコト"
    person.email = "someone@elsewhere.example"
    person.extension = "1234"
    person.save()
    person.refresh_from_db()
    assert (person.last_name, person.first_name_kana) == ("佐藤", "ハナコ")
    assert person.email != "someone@elsewhere.example"
    assert person.extension == "1234"  # not the directory's: saved
    entry = AuditEntry.objects.get(action="directory.change_refused")
    assert entry.target_id == str(person.pk)
    assert set(entry.details) == {"last_name", "first_name_kana", "email"}


def test_update_fields_cannot_sneak_a_name_through(office):
    person = Person.objects.get(pk=office.applicant.pk)
    person.last_name = "田中"
    person.save(update_fields=["last_name"])
    person.refresh_from_db()
    assert person.last_name == "佐藤"


def test_unit_and_post_are_the_directorys(office):
    membership = Membership.objects.get(person=office.applicant)
    membership.post = office.posts.kacho
    membership.unit = office.units.somu_ka
    membership.save()
    membership.refresh_from_db()
    assert membership.post == office.posts.shuji
    assert membership.unit == office.units.shomu
    assert AuditEntry.objects.filter(action="directory.change_refused").exists()


def test_the_directory_writes_them(office):
    person = Person.objects.get(pk=office.applicant.pk)
    with directory_writes():
        person.last_name = "佐々木"
        person.save()
    person.refresh_from_db()
    assert person.last_name == "佐々木"
    assert not AuditEntry.objects.filter(action="directory.change_refused").exists()


def test_the_cms_account_page_offers_no_name_or_email(client, cms_member):
    client.force_login(cms_member)
    page = client.get("/cms/account/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "name_email-last_name" not in html
    assert "name_email-email" not in html
    response = client.post(
        "/cms/account/",
        {
            "name_email-first_name": "誠",
            "name_email-last_name": "田中",
            "name_email-email": "bucho@elsewhere.example",
            "theme-theme": "system",
        },
    )
    assert response.status_code in (200, 302)
    cms_member.refresh_from_db()
    assert cms_member.full_name == "佐藤 花子"
    assert cms_member.email != "bucho@elsewhere.example"


def test_the_django_admin_shows_names_read_only(client, office):
    client.force_login(office.admin)
    person = office.applicant
    html = client.get(f"/django-admin/directory/person/{person.pk}/change/")
    assert html.status_code == 200
    assert 'name="last_name"' not in html.content.decode()
    assert 'name="email"' not in html.content.decode()
