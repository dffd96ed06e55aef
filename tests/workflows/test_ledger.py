"""The ledger: every action chained by hash; any altered, inserted or deleted entry found."""

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from workflows import ledger, services
from workflows.models import LedgerEntry, LedgerHead

from .conftest import active_step

pytestmark = pytest.mark.django_db

TABLE = "workflows_ledgerentry"


@pytest.fixture
def history(submitted, applicant, kakaricho, kacho):
    """Two documents' worth of entries (6 in all)."""
    first = submitted(title="一件目")
    services.approve(step=active_step(first), by=kakaricho)
    services.approve(step=active_step(first), by=kacho)
    second = submitted(title="二件目")
    services.return_document(step=active_step(second), by=kakaricho, comment="再考")
    services.withdraw(document=second, by=applicant)
    assert LedgerEntry.objects.count() == 6
    return first, second


@pytest.fixture
def tamper():
    """Raw SQL around the append-only trigger, as someone with database access could."""

    def run(sql, params=()):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Deferred foreign-key checks of this test's inserts must run first.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(
                    f"ALTER TABLE {TABLE} DISABLE TRIGGER workflows_ledger_append_only"
                )
            else:
                cursor.execute("DROP TRIGGER IF EXISTS workflows_ledger_append_only")
                cursor.execute("DROP TRIGGER IF EXISTS workflows_ledger_no_delete")
            cursor.execute(sql, params)
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"ALTER TABLE {TABLE} ENABLE TRIGGER workflows_ledger_append_only"
                )

    return run


def kinds(report):
    return {(problem.kind, problem.sequence) for problem in report.problems}


def test_every_action_is_recorded_and_the_chain_verifies(history, kakaricho, applicant):
    first, _second = history
    entries = list(LedgerEntry.objects.order_by("sequence"))
    assert [entry.sequence for entry in entries] == [1, 2, 3, 4, 5, 6]
    assert entries[1].previous_hash == entries[0].entry_hash
    decided = first.ledger_entries.get(action=LedgerEntry.Action.DECIDE)
    assert decided.data["number"] == "千代総第1号"
    assert len(decided.data["content"]) == 64
    assert ledger.verify().ok
    head = LedgerHead.objects.get()
    assert head.sequence == 6 and head.entry_hash == entries[-1].entry_hash


def test_the_database_refuses_updates(history):
    entry = LedgerEntry.objects.first()
    entry.comment = "書き換え"
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        entry.save()


def test_an_altered_entry_is_found(history, tamper):
    tamper(f"UPDATE {TABLE} SET comment = %s WHERE sequence = 4", ["別の理由"])  # noqa: S608
    report = ledger.verify()
    assert not report.ok
    assert ("altered", 4) in kinds(report)


def test_an_altered_actor_is_found(history, tamper, kacho):
    tamper(f"UPDATE {TABLE} SET actor_id = %s WHERE sequence = 2", [kacho.pk])  # noqa: S608
    assert ("altered", 2) in kinds(ledger.verify())


def test_a_deleted_entry_is_found(history, tamper):
    tamper(f"DELETE FROM {TABLE} WHERE sequence = 3")  # noqa: S608
    report = ledger.verify()
    assert ("deleted", 4) in kinds(report)  # reported where the gap ends: #3 missing
    assert "#3" in str(report.problems[0])


def test_a_deleted_tail_is_found(history, tamper):
    tamper(f"DELETE FROM {TABLE} WHERE sequence = 6")  # noqa: S608
    report = ledger.verify()
    assert ("deleted", 6) in kinds(report)


def test_an_inserted_entry_is_found(history, tamper, kakaricho):
    first, _ = history
    last = LedgerEntry.objects.order_by("-sequence").first()
    forged = LedgerEntry(
        sequence=7,
        document=first,
        action=LedgerEntry.Action.APPROVE,
        actor=kakaricho,
        at=last.at,
        comment="後から足した承認",
        previous_hash=last.entry_hash,
    )
    forged.entry_hash = ledger.digest_of(forged)  # a correctly computed hash …
    forged.save(force_insert=True)
    report = ledger.verify()
    assert ("inserted", 7) in kinds(report)  # … but the head does not know it


def test_an_entry_inserted_in_the_middle_is_found(history, tamper, kakaricho):
    first, _ = history
    tamper(f"UPDATE {TABLE} SET sequence = sequence + 100 WHERE sequence >= 3")  # noqa: S608
    tamper(f"UPDATE {TABLE} SET sequence = sequence - 99 WHERE sequence >= 103")  # noqa: S608
    previous = LedgerEntry.objects.get(sequence=2)
    forged = LedgerEntry(
        sequence=3,
        document=first,
        action=LedgerEntry.Action.APPROVE,
        actor=kakaricho,
        at=previous.at,
        previous_hash=previous.entry_hash,
    )
    forged.entry_hash = ledger.digest_of(forged)
    forged.save(force_insert=True)
    report = ledger.verify()
    assert not report.ok
    assert ("altered", 4) in kinds(report)  # the shifted entries no longer match


def test_verify_ledger_command(history, tamper):
    out = io.StringIO()
    call_command("verify_ledger", stdout=out)
    assert "Ledger OK: 6 entries" in out.getvalue()
    head = LedgerHead.objects.get()
    call_command("verify_ledger", f"--anchor=6:{head.entry_hash}", stdout=io.StringIO())
    tamper(f"UPDATE {TABLE} SET comment = 'x' WHERE sequence = 5")  # noqa: S608
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_ledger", stdout=io.StringIO(), stderr=err)
    assert exit_info.value.code == 1
    assert "ALTERED #5" in err.getvalue()


def test_a_rewritten_chain_still_differs_from_an_anchor(history, tamper):
    anchor = LedgerEntry.objects.get(sequence=2).entry_hash
    tamper(f"DELETE FROM {TABLE}")  # noqa: S608
    LedgerHead.objects.all().delete()
    report = ledger.verify(anchors={2: anchor})
    assert ("deleted", 2) in kinds(report)
