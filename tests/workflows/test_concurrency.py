"""Two people, one task, the same moment: exactly one wins. Numbers never collide.

Real threads with their own database connections: on PostgreSQL the document row lock
(SELECT … FOR UPDATE) serialises them; on SQLite the IMMEDIATE transactions do.
"""

import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from workflows import services
from workflows.errors import ApprovalError, Conflict
from workflows.ledger import verify
from workflows.models import (
    Delegation,
    Document,
    DocumentCounter,
    LedgerEntry,
    RouteStep,
)

from .conftest import active_step

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls):
    """Run the calls in threads released together; return each result or exception."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    return results


def test_concurrent_approvals_of_one_task(submitted, kakaricho, bucho):
    today = timezone.localdate()
    services.create_delegation(
        principal=kakaricho,
        delegate=bucho,
        kind=Delegation.Kind.PROXY,
        start_date=today,
        end_date=today,
        by=kakaricho,
    )
    document = submitted()
    step = active_step(document)
    results = race(
        lambda: services.approve(step=step, by=kakaricho, comment="本人"),
        lambda: services.approve(step=step, by=bucho, comment="代理"),
    )
    winners = [r for r in results if isinstance(r, Document)]
    losers = [r for r in results if isinstance(r, ApprovalError)]
    assert len(winners) == 1, results
    assert len(losers) == 1 and isinstance(losers[0], Conflict), results
    assert "すでに処理されています" in str(losers[0])
    assert (
        document.ledger_entries.filter(action=LedgerEntry.Action.APPROVE).count() == 1
    )
    decision = RouteStep.objects.get(document=document, kind=RouteStep.Kind.DECISION)
    assert decision.status == RouteStep.Status.ACTIVE
    assert RouteStep.objects.filter(document=document, status="active").count() == 1
    assert verify().ok


def test_approve_racing_a_return(submitted, kakaricho):
    document = submitted()
    step = active_step(document)
    results = race(
        lambda: services.approve(step=step, by=kakaricho),
        lambda: services.return_document(step=step, by=kakaricho, comment="差戻し"),
    )
    assert sum(isinstance(r, Document) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    assert verify().ok


def test_document_numbers_are_unique_and_gapless_under_concurrency(
    submitted, kakaricho, kacho
):
    documents = []
    for index in range(6):
        document = submitted(title=f"同時決裁{index}")
        services.approve(step=active_step(document), by=kakaricho)
        documents.append(document)
    steps = [active_step(document) for document in documents]
    results = race(*[(lambda s=s: services.approve(step=s, by=kacho)) for s in steps])
    assert all(isinstance(r, Document) for r in results), results
    numbers = sorted(
        Document.objects.filter(state="decided").values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3, 4, 5, 6]
    labels = set(Document.objects.values_list("number_label", flat=True)) - {""}
    assert len(labels) == 6
    assert DocumentCounter.objects.get().last_number == 6
    assert verify().ok
