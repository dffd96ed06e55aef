"""An approval administrator acts only on stuck steps, and never takes one herself
(issue 16, F3)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from directory import roles
from intranet.notifications.kinds import Kind
from intranet.notifications.models import Notification
from tests.factories import PersonFactory
from workflows import queries, services
from workflows.errors import NotAllowed
from workflows.models import Document, LedgerEntry

from .conftest import active_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(office):
    person = PersonFactory(username="hayashi", last_name="林", first_name="聡")
    Group.objects.get(name=roles.APPROVAL_ADMINS).user_set.add(person)
    return person


def overdue(step):
    step.due_date = timezone.localdate() - datetime.timedelta(days=2)
    step.save(update_fields=["due_date"])
    return step


def test_a_step_that_is_simply_waiting_cannot_be_taken(submitted, clerk, office):
    document = submitted(confidential=True)
    step = active_step(document)
    assert step not in queries.stuck_steps()
    with pytest.raises(NotAllowed):
        services.reassign_step(step=step, to=office.bucho, by=clerk, reason="x")
    assert active_step(document).assignee == office.kakaricho


def test_the_administrator_cannot_take_it_herself_nor_give_it_to_the_applicant(
    submitted, clerk, office, applicant
):
    step = overdue(active_step(submitted()))
    assert step in queries.stuck_steps()
    for person in (clerk, applicant):
        with pytest.raises(NotAllowed):
            services.reassign_step(step=step, to=person, by=clerk, reason="x")
    filed = submitted(applicant=office.kakaricho)
    filed_step = overdue(active_step(filed))
    with pytest.raises(NotAllowed):
        services.reassign_step(
            step=filed_step, to=office.kakaricho, by=clerk, reason="x"
        )


def test_a_reassignment_tells_the_applicant_and_the_former_holder(
    submitted, clerk, office, applicant, kakaricho
):
    document = submitted()
    step = overdue(active_step(document))
    Notification.objects.all().delete()
    services.reassign_step(step=step, to=office.kacho, by=clerk, reason="長期不在")
    assert active_step(document).assignee == office.kacho
    told = set(
        Notification.objects.filter(kind=Kind.TASK_REASSIGNED).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {applicant.username, kakaricho.username}
    entry = document.ledger_entries.filter(action=LedgerEntry.Action.REASSIGN).get()
    assert entry.actor == clerk and entry.comment == "長期不在"


def test_the_screen_refuses_a_step_that_is_not_stuck(client, submitted, clerk, office):
    document = submitted()
    step = active_step(document)
    client.force_login(clerk)
    response = client.post(
        f"/approvals/admin/steps/{step.pk}/reassign/",
        {"person": office.bucho.pk, "reason": "x"},
    )
    assert response.status_code in (302, 200)
    assert active_step(document).assignee == office.kakaricho


def test_the_overview_names_only_what_the_gate_lets_her_know(
    client, submitted, clerk, django_assert_max_num_queries
):
    plain = submitted(title="庁内報の発行について")
    secret = submitted(title="職員懲戒処分案", confidential=True)
    for document in (plain, secret):
        overdue(active_step(document))
    client.force_login(clerk)
    page = client.get(reverse("workflows:admin")).content.decode()
    assert "庁内報の発行について" in page
    assert "職員懲戒処分案" not in page
    assert "（秘）文書" in page
    # The gate is asked for every row at once, not once per row.
    for index in range(3):
        overdue(active_step(submitted(title=f"停滞{index}")))
    with django_assert_max_num_queries(20) as counted:
        client.get(reverse("workflows:admin"))
    few = len(counted.captured_queries)
    for index in range(3):
        overdue(active_step(submitted(title=f"停滞{index + 3}")))
    with django_assert_max_num_queries(few):
        client.get(reverse("workflows:admin"))


def test_the_overview_template_asks_the_gate_itself(rf, submitted, clerk):
    """Whatever the view puts in the list, a title reaches the page only through
    the gate: here a row the administrator may not know of (a document taken back
    to draft, which only its author knows), though it is not 秘."""
    step = overdue(active_step(submitted(title="差し戻し中の起案")))
    Document.objects.filter(pk=step.document_id).update(state=Document.State.DRAFT)
    step.document.refresh_from_db()
    request = rf.get("/approvals/admin/")
    request.user = clerk
    page = render_to_string(
        "workflows/admin_overview.html",
        {"steps": [step], "today": timezone.localdate()},
        request=request,
    )
    assert "差し戻し中の起案" not in page
    assert "（秘）文書" in page
