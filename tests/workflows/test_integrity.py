"""The ledger checks content: a decided document changed in the database is named by
its 文書番号, and verify_ledger exits 1; ledger rows refuse UPDATE and DELETE."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from workflows import integrity, services
from workflows.models import Attachment, LedgerEntry, RouteStep

from .conftest import active_step
from .test_delegation import away

pytestmark = pytest.mark.django_db


def raw(sql, params=()):
    """A change made around the application, as someone with database access could."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def run_verify_ledger():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_ledger", stdout=out, stderr=err)
    except SystemExit as exit_info:
        return exit_info.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def test_the_decision_entry_records_the_decided_content(decided):
    document = decided()
    entry = document.ledger_entries.get(action=LedgerEntry.Action.DECIDE)
    assert entry.data["record"] == integrity.record_digest(document)
    report = integrity.verify_contents()
    assert report.ok and report.documents == 1
    code, output = run_verify_ledger()
    assert code == 0 and "1 decided documents checked" in output


@pytest.mark.parametrize(
    ("sql", "what"),
    [
        ("UPDATE workflows_document SET body = %s WHERE id = %s", "本文を書き換え"),
        ("UPDATE workflows_document SET title = %s WHERE id = %s", "別の件名"),
        (
            "UPDATE workflows_document SET number_label = %s WHERE id = %s",
            "千代総第999号",
        ),
        (
            "UPDATE workflows_routestep SET comment = %s WHERE document_id = %s "
            "AND kind = 'decision'",
            "不承認",
        ),
        (
            "UPDATE workflows_routestep SET acted_by_id = %s WHERE document_id = %s "
            "AND kind = 'approval'",
            "applicant",  # the seal of someone who never approved it
        ),
    ],
)
def test_a_decided_document_changed_in_the_database_is_named(
    decided, applicant, sql, what
):
    untouched = decided(title="別の決裁文書")
    document = decided()
    raw(sql, [applicant.pk if what == "applicant" else what, document.pk])
    report = integrity.verify_contents()
    assert [m.document_id for m in report.mismatches] == [document.pk]
    code, output = run_verify_ledger()
    assert code == 1
    assert f"CONTENT {document.number_label}" in output or "千代総第999号" in output
    assert f"CONTENT {untouched.number_label}:" not in output


def test_a_swapped_attachment_is_found(draft, applicant, kakaricho, kacho):
    document = draft()
    services.add_attachment(
        document=document,
        by=applicant,
        upload=SimpleUploadedFile("見積書.txt", "見積".encode(), "text/plain"),
    )
    document = services.submit(document=document, by=applicant)
    services.approve(step=active_step(document), by=kakaricho)
    services.approve(step=active_step(document), by=kacho)
    assert integrity.verify_contents().ok
    raw(
        "UPDATE workflows_attachment SET sha256 = %s WHERE document_id = %s",
        ["0" * 64, document.pk],
    )
    assert not integrity.verify_contents().ok
    raw(
        "UPDATE workflows_attachment SET sha256 = %s WHERE document_id = %s",
        [Attachment.objects.get(document=document).sha256, document.pk],
    )


def test_what_follows_the_decision_does_not_count_as_a_change(
    draft, kakaricho, kacho, bucho, auditor, applicant
):
    """代決 then 後閲, and a 供覧 acknowledged after 決裁, leave the record intact."""
    services.create_delegation(
        principal=kacho,
        delegate=bucho,
        kind="deputy",
        start_date=timezone.localdate(),
        end_date=None,
        by=kacho,
    )
    document = draft()
    services.add_circulation(document=document, by=applicant, person=auditor)
    document = services.submit(document=document, by=applicant)
    services.approve(step=active_step(document), by=kakaricho)
    away(kacho)
    services.decide_on_behalf(step=active_step(document), by=bucho)
    services.acknowledge(
        step=active_step(document, RouteStep.Kind.POST_REVIEW), by=kacho
    )
    services.acknowledge(
        step=active_step(document, RouteStep.Kind.CIRCULATION), by=auditor
    )
    assert integrity.verify_contents().ok
    assert run_verify_ledger()[0] == 0


def test_a_decided_document_without_its_decision_entry_is_found(decided):
    document = decided()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE workflows_ledgerentry "
                "DISABLE TRIGGER workflows_ledger_append_only"
            )
        else:
            cursor.execute("DROP TRIGGER workflows_ledger_no_delete")
        cursor.execute(
            "DELETE FROM workflows_ledgerentry WHERE document_id = %s AND action = %s",
            [document.pk, LedgerEntry.Action.DECIDE],
        )
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE workflows_ledgerentry "
                "ENABLE TRIGGER workflows_ledger_append_only"
            )
    report = integrity.verify_contents()
    assert [str(m) for m in report.mismatches] == [
        f"CONTENT {document.number_label}: no decision entry in the ledger"
    ]


def test_legacy_decision_entries_are_checked_against_the_submitted_content(decided):
    """Entries written before the record digest: their ``content`` digest still
    catches a changed body."""
    document = decided()
    entry = document.ledger_entries.get(action=LedgerEntry.Action.DECIDE)
    entry.data.pop("record")
    assert integrity.check_document(document, entry) == ""
    document.body = "<p>書き換え</p>"
    assert "content differs" in integrity.check_document(document, entry)


@pytest.mark.parametrize("statement", ["UPDATE", "DELETE"])
def test_the_database_refuses_update_and_delete_of_ledger_rows(decided, statement):
    decided()
    sql = (
        "UPDATE workflows_ledgerentry SET comment = 'x'"
        if statement == "UPDATE"
        else "DELETE FROM workflows_ledgerentry"
    )
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        raw(sql)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        LedgerEntry.objects.filter(sequence=1).delete()
    assert LedgerEntry.objects.count() == 3


def test_verifying_takes_a_constant_number_of_queries_per_batch(
    decided, django_assert_max_num_queries
):
    for number in range(5):
        decided(title=f"文書{number}")
    with django_assert_max_num_queries(2 * 4 + 1):
        report = integrity.verify_contents(batch=3)
    assert report.ok and report.documents == 5
