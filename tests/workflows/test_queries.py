"""Read functions for the dashboard, the search hook, create_draft for proposals, demo."""

import io

import pytest
from django.urls import reverse

from directory import demo as directory_demo
from workflows import demo, queries, services
from workflows.models import Document, DocumentType, LedgerEntry, RouteStep
from workflows.search import search_documents

from .conftest import active_step

pytestmark = pytest.mark.django_db


def test_dashboard_reads(
    submitted, applicant, kakaricho, kacho, django_assert_max_num_queries
):
    first = submitted(title="一件目")
    submitted(title="二件目")
    services.return_document(step=active_step(first), by=kakaricho, comment="再考")
    with django_assert_max_num_queries(8):
        waiting = queries.waiting_tasks_for(kakaricho, limit=5)
    assert [item.document.title for item in waiting] == ["二件目"]
    mine = queries.waiting_tasks_for(applicant)
    assert [(item.document.title, item.step) for item in mine] == [("一件目", None)]
    summary = queries.my_documents_summary(applicant)
    assert (
        summary["returned"] == 1
        and summary["in_progress"] == 1
        and summary["draft"] == 0
    )
    assert queries.waiting_count_for(kakaricho) == 1


def test_search_finds_decided_documents_the_user_may_see(
    submitted, kakaricho, kacho, stranger, auditor
):
    document = submitted(title="押印の見直しに関する稟議")
    assert search_documents(kacho, "押印") == []  # not decided yet
    services.approve(step=active_step(document), by=kakaricho)
    services.approve(step=active_step(document), by=kacho)
    assert search_documents(kacho, "押印") == [Document.objects.get(pk=document.pk)]
    assert search_documents(kacho, "稟議　押印")  # full-width space, two words
    assert search_documents(kacho, "千代総第1号")
    assert search_documents(auditor, "押印")
    assert search_documents(stranger, "押印") == []
    assert search_documents(kacho, "  ") == []


def test_create_draft_for_an_adopted_proposal(rules, applicant):
    document = services.create_draft(
        applicant=applicant,
        title="ペーパーレス会議の導入について",
        body="提案の内容\n\n第二段落",
        source_url="/proposals/paperless/",
    )
    assert document.state == Document.State.DRAFT
    assert document.document_type == DocumentType.objects.filter(is_active=True).first()
    assert document.body == "<p>提案の内容</p><p>第二段落</p>"
    assert document.source_url == "/proposals/paperless/"


def test_demo_loads_documents_in_every_state(db):
    out = io.StringIO()
    directory_demo.load(stdout=out)
    demo.load(stdout=out)
    states = set(Document.objects.values_list("state", flat=True))
    assert states == {state.value for state in Document.State}
    assert Document.objects.filter(number_label="千代総第1号").exists()
    assert RouteStep.objects.filter(
        kind=RouteStep.Kind.CONSULTATION, status="approved"
    ).exists()
    assert LedgerEntry.objects.exists()
    before = Document.objects.count()
    demo.load(stdout=out)  # idempotent
    assert Document.objects.count() == before


def test_rules_admin_for_the_approval_administrator(client, db):
    out = io.StringIO()
    directory_demo.load(stdout=out)
    demo.load(stdout=out)
    from directory.models import Person
    from workflows.permissions import grant_admin_permissions

    grant_admin_permissions()
    client.force_login(Person.objects.get(username="hayashi"))
    assert client.get("/django-admin/workflows/delegationrule/").status_code == 200
    assert client.get("/django-admin/workflows/rulebook/").status_code == 200
    book = demo.RuleBook.objects.get(number=1)
    rule = book.rules.first()
    # Published rules are read-only (the change view shows them without a save button).
    page = client.get(f"/django-admin/workflows/delegationrule/{rule.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    response = client.post(
        "/django-admin/workflows/rulebook/",
        {"action": "copy_as_new_version", "_selected_action": [book.pk]},
    )
    assert response.status_code == 302
    copy = demo.RuleBook.objects.get(number=2)
    assert copy.rules.count() == book.rules.count() and copy.published_at is None
    assert reverse("workflows:inbox") == "/approvals/"
