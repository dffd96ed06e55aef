"""The whole life of a 稟議, action by action, through the services."""

import pytest
from viewflow.workflow import STATUS

from workflows import services
from workflows.models import Document, LedgerEntry, RouteStep

from .conftest import active_step

pytestmark = pytest.mark.django_db


def test_submit_approve_decide(submitted, applicant, kakaricho, kacho):
    document = submitted()
    assert document.state == Document.State.IN_PROGRESS
    step = active_step(document)
    assert step.assignee == kakaricho
    assert step.task.owner == kakaricho
    assert step.task.status == STATUS.ASSIGNED

    services.approve(step=step, by=kakaricho, comment="確認しました")
    step = active_step(document)
    assert step.assignee == kacho
    assert step.kind == RouteStep.Kind.DECISION

    document = services.approve(step=step, by=kacho)
    document.refresh_from_db()
    assert document.state == Document.State.DECIDED
    assert document.number_label == "千代総第1号"
    assert document.process.status == STATUS.DONE
    actions = list(document.ledger_entries.values_list("action", flat=True))
    assert actions == [
        LedgerEntry.Action.SUBMIT,
        LedgerEntry.Action.APPROVE,
        LedgerEntry.Action.DECIDE,
    ]
