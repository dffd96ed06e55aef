"""紙決裁の登録 from its screen: the 文書管理担当 only; a future 決裁日 or a 分類 of
another 年度's table is refused with a message and nothing is stored."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from workflows.models import Document
from workflows.records.lifecycle import Storage
from workflows.records.models import Classification, ClassificationTable

pytestmark = pytest.mark.django_db

URL = "/records/paper/new/"


def scan():
    return SimpleUploadedFile(
        "決裁文書.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    )


def form(rules, table, applicant, **changes):
    return {
        "title": "令和2年度 庁舎清掃業務の委託について",
        "applicant": applicant.pk,
        "document_type": rules.general.pk,
        "decided_on": "2020-07-01",
        "classification": table.jimu.pk,
        "retention_years": "",
        "scan": scan(),
        **changes,
    }


def test_the_records_manager_registers_a_paper_decision(
    client, rules, table, records_manager, applicant
):
    assert reverse("records:paper_new") == URL
    client.force_login(records_manager)
    assert "紙決裁の登録" in client.get(URL).content.decode()
    answer = client.post(URL, form(rules, table, applicant), follow=True)
    document = Document.objects.get(title="令和2年度 庁舎清掃業務の委託について")
    assert document.state == Document.State.DECIDED
    assert document.storage == Storage.PAPER
    assert document.fiscal_year == 2020
    assert document.attachments.count() == 1
    page = answer.content.decode()
    assert f"{document.number_with_year} として紙決裁を登録しました。" in page
    register = client.get("/records/register/", {"fiscal_year": 2020})
    assert document.number_label in register.content.decode()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"decided_on": "2999-01-01"}, "決裁日に未来の日付は指定できません。"),
        ({"scan": ""}, "この項目は必須です"),
    ],
)
def test_bad_input_is_told_and_nothing_is_stored(
    client, rules, table, records_manager, applicant, changes, message
):
    client.force_login(records_manager)
    before = Document.objects.count()
    answer = client.post(URL, form(rules, table, applicant, **changes))
    assert answer.status_code == 200
    assert message in answer.content.decode()
    assert Document.objects.count() == before


def test_a_classification_of_another_years_table_is_refused(
    client, rules, table, records_manager, applicant
):
    later = ClassificationTable.objects.create(
        fiscal_year=2024,
        published_at=datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC),
    )
    leaf = Classification.objects.create(
        table=later,
        code="9-9-9",
        name="新しい分類",
        level=Classification.Level.MINOR,
        retention_years=5,
    )
    client.force_login(records_manager)
    answer = client.post(URL, form(rules, table, applicant, classification=leaf.pk))
    assert (
        "決裁日の年度の文書分類表にある分類を選んでください。"
        in answer.content.decode()
    )
    assert not Document.objects.filter(title__startswith="令和2年度 庁舎清掃").exists()


def test_only_the_records_manager(client, rules, table, applicant, stranger):
    for person in (applicant, stranger):
        client.force_login(person)
        assert client.get(URL).status_code == 403
        answer = client.post(URL, form(rules, table, applicant))
        assert answer.status_code == 403
    assert not Document.objects.filter(title__startswith="令和2年度 庁舎清掃").exists()
