"""Administrative changes are recorded; request logs carry no personal data."""

import json
import logging

import pytest
from django.contrib.auth.models import Group, Permission

from directory import roles
from intranet.core.logformat import JsonFormatter
from intranet.core.models import AuditEntry
from tests.directory.conftest import demo_ward, posts
from tests.factories import PostFactory

__all__ = ["demo_ward", "posts"]


@pytest.mark.django_db
def test_group_membership_change_is_recorded_with_the_acting_admin(
    client, administrator, applicant, home_page
):
    client.force_login(administrator)
    response = client.post(
        f"/django-admin/directory/person/{applicant.pk}/change/",
        {
            "username": applicant.username,
            "last_name": applicant.last_name,
            "first_name": applicant.first_name,
            "email": applicant.email,
            "is_active": "on",
            "groups": [Group.objects.get(name=roles.AUDITORS).pk],
            "date_joined_0": "2024-04-01",
            "date_joined_1": "09:00:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="groups.added", target_id=str(applicant.pk))
    assert entry.actor == administrator
    assert entry.source == "web"
    assert entry.details == {"groups": [roles.AUDITORS]}


@pytest.mark.django_db
def test_a_group_created_renamed_and_deleted_from_code_is_recorded(applicant):
    group = Group.objects.create(name="臨時作業班")
    group.user_set.add(applicant)
    group.permissions.add(Permission.objects.get(codename="view_person"))
    group.name = "臨時作業班（廃止）"
    group.save()
    group.delete()  # memberships and permissions go without m2m signals
    entries = {
        e.action: e for e in AuditEntry.objects.filter(action__startswith="group.")
    }
    assert set(entries) == {"group.created", "group.renamed", "group.deleted"}
    assert entries["group.renamed"].details == {
        "name": ["臨時作業班", "臨時作業班（廃止）"]
    }
    assert entries["group.deleted"].details == {
        "members": [str(applicant)],
        "permissions": ["directory.view_person"],
    }
    assert entries["group.deleted"].source == "system"


@pytest.mark.django_db
def test_changes_outside_requests_are_recorded_too(applicant):
    group = Group.objects.get(name=roles.DX_PT)
    group.user_set.add(applicant)
    group.permissions.add(Permission.objects.get(codename="view_person"))
    applicant.is_staff = True
    applicant.save()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"groups.added", "permissions.added", "account.flags_changed"} <= actions
    flags = AuditEntry.objects.get(action="account.flags_changed")
    assert flags.details == {"is_staff": [False, True]}
    assert flags.actor is None
    assert flags.source == "system"


@pytest.mark.django_db
def test_request_log_line_has_no_personal_data(applicant_client, home_page, caplog):
    with caplog.at_level(logging.INFO, logger="intranet.request"):
        response = applicant_client.get("/notifications/?q=佐藤花子")
    record = next(r for r in caplog.records if r.name == "intranet.request")
    line = JsonFormatter().format(record)
    fields = json.loads(line)
    assert fields["status"] == 200
    assert fields["route"] == "notifications/"
    assert fields["request_id"] == response["X-Request-ID"]
    for personal in ("佐藤", "sato", "花子", "127.0.0.1", "q="):
        assert personal not in line


@pytest.mark.django_db
def test_role_groups_from_the_directory_sync_are_recorded(demo_ward):
    """The sync writes memberships in bulk (no m2m signal): it announces them."""
    from directory.models import Person

    memberships = {
        (person.pk, group.name)
        for person in Person.objects.prefetch_related("groups")
        for group in person.groups.all()
    }
    assert memberships
    recorded = {
        (int(entry.target_id), entry.details["groups"][0])
        for entry in AuditEntry.objects.filter(
            action="groups.added", source="directory-sync"
        )
    }
    assert recorded == memberships


@pytest.mark.django_db
def test_custom_admin_actions_are_logged(client, administrator, office):
    from django.contrib.admin.models import LogEntry

    from spaces.models import Resource
    from tests.spaces.conftest import make_campus

    campus = make_campus(office)
    client.force_login(administrator)
    response = client.post(
        "/django-admin/spaces/desk/",
        {
            "action": "renew_tokens",
            "_selected_action": [campus.desk.pk],
        },
    )
    assert response.status_code in {200, 302}
    entry = LogEntry.objects.get(object_id=str(campus.desk.pk))
    assert entry.user == administrator
    assert issubclass(entry.content_type.model_class(), Resource)
    assert "チェックイン用トークン" in entry.get_change_message()


@pytest.mark.django_db
def test_publishing_a_rule_book_is_logged(client, administrator):
    import datetime

    from django.contrib.admin.models import LogEntry

    from workflows.models import DelegationRule, DocumentType, RuleBook

    book = RuleBook.objects.create(number=7, valid_from=datetime.date(2027, 4, 1))
    DelegationRule.objects.create(
        rulebook=book,
        document_type=DocumentType.objects.create(code="g", name="一般文書"),
        decider_post=PostFactory(code="kacho", name="課長", rank=40),
    )
    client.force_login(administrator)
    client.post(
        "/django-admin/workflows/rulebook/",
        {"action": "publish", "_selected_action": [book.pk]},
    )
    book.refresh_from_db()
    assert book.published_at is not None
    entry = LogEntry.objects.get(object_id=str(book.pk))
    assert entry.user == administrator
    assert "published_at" in entry.get_change_message() or entry.is_change()


@pytest.mark.django_db
def test_the_audit_log_is_readable_and_read_only_in_the_admin(
    client, administrator, applicant, django_assert_max_num_queries
):
    Group.objects.get(name=roles.AUDITORS).user_set.add(applicant)
    entry = AuditEntry.objects.get(action="groups.added", target_id=str(applicant.pk))
    client.force_login(administrator)
    with django_assert_max_num_queries(12):
        page = client.get("/django-admin/core/auditentry/")
    assert page.status_code == 200
    assert str(applicant) in page.content.decode()
    assert client.get("/django-admin/core/auditentry/add/").status_code == 403
    change = f"/django-admin/core/auditentry/{entry.pk}/change/"
    client.post(change, {"action": "nothing.happened"})
    delete = f"/django-admin/core/auditentry/{entry.pk}/delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.action == "groups.added"


@pytest.mark.django_db
def test_accounts_the_directory_sync_deactivates_are_recorded(demo_ward, tmp_path):
    """A leaver: the full sync deactivates the account in bulk and says so."""
    import datetime
    import re

    from directory.demo import CONFIG, LDIF
    from directory.ldap.sync import run_sync

    text = LDIF.read_text(encoding="utf-8")
    without_sato = re.sub(r"(?ms)^dn: uid=sato,.*?(?:\n\n|\Z)", "", text)
    assert without_sato != text
    ldif = tmp_path / "leaver.ldif"
    ldif.write_text(without_sato, encoding="utf-8")
    result = run_sync(
        config=CONFIG,
        ldif=str(ldif),
        full=True,
        trigger="test",
        effective_date=datetime.date(2026, 4, 2),
    )
    assert result.ok, result.message
    sato = demo_ward["sato"]
    sato.refresh_from_db()
    assert not sato.is_active
    entry = AuditEntry.objects.get(
        action="account.flags_changed", target_id=str(sato.pk)
    )
    assert entry.source == "directory-sync"
    assert entry.details == {"is_active": [True, False]}
