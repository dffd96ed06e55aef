"""The 文書管理担当's screens: records at 満了 (and the Q4 notice), the 分類表 CSV."""

import datetime

import pytest
from django.urls import reverse

from intranet.notifications.models import Notification
from workflows.errors import ApprovalError
from workflows.models import Document
from workflows.records import classification_csv, services
from workflows.records.lifecycle import Disposition
from workflows.records.models import ClassificationTable
from workflows.records.services.expiring import notify_expiring

pytestmark = pytest.mark.django_db


def test_expiring_page_extends_and_starts_a_disposal(
    client,
    paper_document,
    disposal_rule,
    records_manager,
    stranger,
    django_assert_max_num_queries,
):
    first = paper_document()
    second = paper_document(title="二件目")
    url = reverse("records:expiring")
    client.force_login(stranger)
    assert client.get(url).status_code == 403
    client.force_login(records_manager)
    with django_assert_max_num_queries(20):
        page = client.get(url)
    assert first.title in page.content.decode()
    answer = client.post(
        url,
        {"record": [f"d{first.pk}"], "action": "extend", "years": "2", "reason": ""},
        follow=True,
    )
    assert "理由" in answer.content.decode()  # refused with the reason, nothing lost
    client.post(
        url,
        {
            "record": [f"d{first.pk}"],
            "action": "extend",
            "years": "2",
            "reason": "監査対応",
        },
    )
    first.refresh_from_db()
    assert first.disposition == Disposition.EXTENDED
    answer = client.post(url, {"record": [f"d{second.pk}"], "action": "dispose"})
    assert answer.status_code == 302
    approval = Document.objects.get(disposal_request__isnull=False)
    assert answer["Location"] == approval.get_absolute_url()
    assert approval.state == Document.State.IN_PROGRESS


def test_q4_notice_to_records_managers(paper_document, records_manager):
    paper_document()
    assert notify_expiring(day=datetime.date(2026, 10, 1)) == 0  # not in Q4
    assert notify_expiring(day=datetime.date(2027, 1, 15)) == 1
    note = Notification.objects.get(recipient=records_manager)
    assert note.kind == "records_expiring" and "1件" in note.subject


def test_classification_csv_round_trip(table, records_manager, applicant):
    exported = "".join(classification_csv.export_lines(table.table))
    assert exported.startswith("\ufeff分類記号,名称,階層")
    draft = ClassificationTable.objects.create(fiscal_year=2030)
    count = classification_csv.import_csv(
        table=draft, data=exported.encode("utf-8"), by=records_manager
    )
    assert count == table.table.classifications.count()
    leaf = draft.classifications.get(code="1-1-1")
    assert leaf.retention_years == 5 and leaf.parent.code == "1-1"
    broken = exported.replace("1-1-2,庁内報,3,1-1,,1", "1-1-2,庁内報,3,1-1,,7")
    with pytest.raises(ApprovalError, match="行目"):
        classification_csv.import_csv(
            table=draft, data=broken.encode("utf-8"), by=records_manager
        )
    assert draft.classifications.count() == count  # all or nothing
    with pytest.raises(ApprovalError, match="公開済み"):
        classification_csv.import_csv(
            table=table.table, data=exported.encode(), by=records_manager
        )
    copy = services.copy_table(source=table.table, fiscal_year=2031, by=records_manager)
    assert copy.classifications.count() == count and not copy.is_published


def test_the_versioned_tables_admin_forms_keep_their_field_order(
    client, administrator, table, rules
):
    """専決規程 and 文書分類表 share their version fields (PublishedVersion); the admin
    still asks for what identifies the version first."""
    client.force_login(administrator)
    for url, first, later in (
        (
            reverse("admin:workflows_rulebook_change", args=[rules.book.pk]),
            "field-number",
            "field-note",
        ),
        (
            reverse("admin:records_classificationtable_change", args=[table.table.pk]),
            "field-fiscal_year",
            "field-note",
        ),
    ):
        page = client.get(url).content.decode()
        assert page.index(first) < page.index(later), url
