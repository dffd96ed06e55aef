"""The 文書管理簿: the command (CSV with BOM, xlsx), the page, 秘 titles withheld,
a bounded number of queries."""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from directory import demo as directory_demo
from intranet.core.dates import fiscal_year
from workflows import demo as workflows_demo
from workflows.access import title_for
from workflows.models import Document
from workflows.records import demo as records_demo
from workflows.records.lifecycle import expiry_date

pytestmark = pytest.mark.django_db


def _csv(capsys_or_out: str) -> list[dict]:
    assert capsys_or_out.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(capsys_or_out.removeprefix("\ufeff"))))


def test_demo_ward_register_lists_the_decided_documents(settings):
    """Done when: records_register --fiscal-year <this 年度> --format csv lists the
    decided demo documents with 文書番号, 件名, 保存期間, 満了日 and 完結日."""
    settings.DEBUG = True
    out = io.StringIO()
    directory_demo.load(stdout=out)
    workflows_demo.load(stdout=out)
    records_demo.load(stdout=out)
    records_demo.load(stdout=out)  # idempotent

    this_year = fiscal_year()
    printed = io.StringIO()
    call_command(
        "records_register",
        "--fiscal-year",
        str(this_year),
        "--format",
        "csv",
        stdout=printed,
    )
    rows = _csv(printed.getvalue())
    decided = Document.objects.filter(
        state=Document.State.DECIDED, fiscal_year=this_year
    )
    assert decided.count() >= 2
    by_number = {row["文書番号"]: row for row in rows if row["区分"] == "起案"}
    assert set(by_number) == set(decided.values_list("number_label", flat=True))
    for document in decided:
        row = by_number[document.number_label]
        assert row["件名"] == document.title
        completed = timezone.localtime(document.decided_at).date()
        assert row["完結日"] == completed.isoformat()
        assert row["保存期間"] == str(document.retention_label)
        assert (
            row["保存期間満了日"]
            == expiry_date(completed, document.retention_years).isoformat()
        )
        assert row["分類"] and row["簿冊"]
    received = [row for row in rows if row["区分"] == "収受"]
    assert len(received) == 3 and all(row["文書番号"] for row in received)

    # The paper-decided document of 令和元年度 is past its 満了日.
    old = io.StringIO()
    call_command("records_register", "--fiscal-year", "2019", stdout=old)
    (paper,) = _csv(old.getvalue())
    assert paper["保存場所"] == "紙"
    assert paper["保存期間満了日"] == "2021-03-31"


def test_xlsx_and_confidential_titles(decided, table, applicant, kacho, stranger):
    secret = decided(title="人事評価の実施方針について", confidential=True)
    decided(title="庁内報の発行について")
    out = io.BytesIO()

    wrapper = io.TextIOWrapper(out, encoding="utf-8")
    call_command(
        "records_register",
        "--fiscal-year",
        str(secret.fiscal_year),
        "--format",
        "xlsx",
        stdout=wrapper,
    )
    wrapper.flush()
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    titles = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    # The published register withholds every 秘 title.
    assert "（秘）文書" in titles and "庁内報の発行について" in titles
    assert secret.title not in titles

    from workflows.records.register import register_rows

    def titles_for(user):
        return [
            row[2] for row in register_rows(fiscal_year=secret.fiscal_year, user=user)
        ]

    assert f"（秘）{secret.title}" in titles_for(kacho)  # on its route
    assert "（秘）文書" in titles_for(stranger)
    assert all(secret.title not in title for title in titles_for(stranger))


def test_confidential_titles_on_the_register_page_and_csv_go_through_the_gate(
    client, decided, table, records_manager, auditor, stranger
):
    """The 文書管理担当 keeps the register but is a stranger to a 秘 document off
    her route: page and CSV name it （秘）文書, as workflows.access.title_for does;
    an auditor may know of it and reads its title marked （秘）."""
    secret = decided(title="人事評価の実施方針について", confidential=True)
    decided(title="庁内報の発行について")
    assert title_for(records_manager, secret) == "（秘）文書"
    url = reverse("records:register") + f"?fiscal_year={secret.fiscal_year}"
    client.force_login(stranger)
    assert client.get(url).status_code == 403
    assert client.get(url + "&format=csv").status_code == 403
    for person, shown in (
        (records_manager, "（秘）文書"),
        (auditor, "（秘）人事評価の実施方針について"),
    ):
        assert title_for(person, secret) == shown
        client.force_login(person)
        page = client.get(url).content.decode()
        assert shown in page and "庁内報の発行について" in page
        export = client.get(url + "&format=csv")
        rows = _csv(b"".join(export.streaming_content).decode())
        titles = {row["文書番号"]: row["件名"] for row in rows}
        assert titles[secret.number_label] == shown
        if person == records_manager:
            assert "人事評価" not in page
            assert all("人事評価" not in title for title in titles.values())


def test_register_page_for_records_managers_only(
    client, decided, table, records_manager, stranger, django_assert_max_num_queries
):
    for index in range(3):
        decided(title=f"文書{index}")
    year = Document.objects.filter(state="decided").first().fiscal_year
    url = reverse("records:register") + f"?fiscal_year={year}"
    client.force_login(stranger)
    assert client.get(url).status_code == 403
    client.force_login(records_manager)
    with django_assert_max_num_queries(15):
        page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count("文書事務") >= 3
    export = client.get(url + "&format=csv")
    body = b"".join(export.streaming_content).decode()
    assert body.startswith("\ufeff") and "文書2" in body
    assert (
        client.get(reverse("records:register") + "?fiscal_year=abc").status_code == 200
    )


def test_an_auditor_reads_the_register_with_its_incoming(
    client, office, table, received
):
    """Auditors read every record: the page lists the 収受 of the year (no 500)."""
    incoming = received("監査で見る収受", confidential=True)
    client.force_login(office.auditor)
    url = reverse("records:register") + f"?fiscal_year={incoming.fiscal_year}"
    page = client.get(url)
    assert page.status_code == 200
    assert "監査で見る収受" in page.content.decode()
