"""Administrative changes are recorded; request logs carry no personal data."""

import json
import logging

import pytest
from django.contrib.auth.models import Group, Permission

from directory import roles
from intranet.core.logformat import JsonFormatter
from intranet.core.models import AuditEntry


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
