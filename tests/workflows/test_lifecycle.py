"""The whole life of a 稟議, action by action, through the services."""

import pytest
from viewflow.workflow import STATUS

from workflows import flows, services
from workflows.errors import ApprovalError, Conflict, NotAllowed
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


def test_decided_document_is_read_only(submitted, applicant, kakaricho, kacho):
    document = submitted()
    services.approve(step=active_step(document), by=kakaricho)
    services.approve(step=active_step(document), by=kacho)
    document.refresh_from_db()
    with pytest.raises(NotAllowed):
        services.update_draft(
            document=document,
            by=applicant,
            title="書き換え",
            body="",
            document_type=document.document_type,
            retention_years=5,
            amount=None,
            confidential=False,
        )
    with pytest.raises(Conflict):
        services.withdraw(document=document, by=applicant)


def test_return_to_applicant_edit_and_resubmit(submitted, applicant, kakaricho, kacho):
    document = submitted()
    services.approve(step=active_step(document), by=kakaricho)
    step = active_step(document)
    with pytest.raises(ApprovalError):
        services.return_document(step=step, by=kacho, comment="")
    services.return_document(
        step=step, by=kacho, comment="金額の根拠を添付してください"
    )
    document.refresh_from_db()
    assert document.state == Document.State.RETURNED
    assert not RouteStep.objects.filter(
        document=document, status=RouteStep.Status.ACTIVE
    ).exists()
    # The applicant has the revision task, and nobody else has anything.
    assert flows.revision_task(document).owner == applicant

    services.update_draft(
        document=document,
        by=applicant,
        title="庁内報の発行について（修正）",
        body="<p>根拠を追記</p>",
        document_type=document.document_type,
        retention_years=5,
        amount=None,
        confidential=False,
    )
    document = services.submit(document=document, by=applicant)
    assert document.round == 2
    step = active_step(document)
    assert step.assignee == kakaricho  # the route starts again from the first step
    services.approve(step=step, by=kakaricho)
    services.approve(step=active_step(document), by=kacho)
    document.refresh_from_db()
    assert document.state == Document.State.DECIDED
    assert list(document.ledger_entries.values_list("action", flat=True)) == [
        "submit",
        "approve",
        "return",
        "resubmit",
        "approve",
        "decide",
    ]


def test_return_to_an_earlier_step_resumes_from_there(
    submitted, rules, applicant, kakaricho, kacho, bucho
):
    document = submitted(document_type=rules.expense, amount=50_000)
    first = active_step(document)
    services.approve(step=first, by=kakaricho)
    decision = active_step(document)
    services.return_document(
        step=decision, by=kacho, comment="係長、再確認を", to_step=first
    )
    document.refresh_from_db()
    assert document.state == Document.State.IN_PROGRESS
    again = active_step(document)
    assert again.pk == first.pk and again.assignee == kakaricho
    services.approve(step=again, by=kakaricho)
    services.approve(step=active_step(document), by=kacho)
    document.refresh_from_db()
    assert document.state == Document.State.DECIDED


def test_return_target_must_be_earlier_and_settled(submitted, kakaricho, kacho):
    document = submitted()
    first = active_step(document)
    services.approve(step=first, by=kakaricho)
    decision = active_step(document)
    with pytest.raises(ApprovalError):
        services.return_document(step=decision, by=kacho, comment="x", to_step=decision)


def test_reject_ends_the_document(submitted, applicant, kakaricho):
    document = submitted()
    services.reject(step=active_step(document), by=kakaricho, comment="不要です")
    document.refresh_from_db()
    assert document.state == Document.State.REJECTED
    assert document.process.status == STATUS.DONE
    assert not RouteStep.objects.filter(
        document=document, status=RouteStep.Status.ACTIVE
    ).exists()


def test_only_the_holder_may_act(submitted, kakaricho, kacho, stranger, applicant):
    document = submitted()
    step = active_step(document)
    for someone in (kacho, stranger, applicant):
        with pytest.raises(NotAllowed):
            services.approve(step=step, by=someone)
    services.approve(step=step, by=kakaricho)
    with pytest.raises(Conflict):
        services.approve(step=step, by=kakaricho)


def test_stale_page_is_refused(submitted, kakaricho):
    document = submitted()
    step = active_step(document)
    with pytest.raises(Conflict):
        services.approve(step=step, by=kakaricho, expected_version=document.version - 1)


def test_applicant_pulls_back_before_anyone_acted(submitted, applicant, kakaricho):
    document = submitted()
    services.pull_back(document=document, by=applicant)
    document.refresh_from_db()
    assert document.state == Document.State.RETURNED
    assert flows.revision_task(document).owner == applicant
    document = services.submit(document=document, by=applicant)
    assert active_step(document).assignee == kakaricho


def test_applicant_cannot_pull_back_after_an_approval(submitted, applicant, kakaricho):
    document = submitted()
    services.approve(step=active_step(document), by=kakaricho)
    with pytest.raises(NotAllowed):
        services.pull_back(document=document, by=applicant)


def test_approver_pulls_back_own_step(submitted, rules, kakaricho, kacho):
    document = submitted(document_type=rules.expense, amount=2_000_000)
    first = active_step(document)
    services.approve(step=first, by=kakaricho)
    services.pull_back(document=document, by=kakaricho, comment="添付漏れ")
    again = active_step(document)
    assert again.pk == first.pk and again.assignee == kakaricho
    # ... but not once the next person has acted.
    services.approve(step=again, by=kakaricho)
    services.approve(step=active_step(document), by=kacho)
    with pytest.raises(NotAllowed):
        services.pull_back(document=document, by=kakaricho)


def test_withdraw_while_in_progress_and_while_returned(submitted, applicant, kakaricho):
    document = submitted()
    services.withdraw(document=document, by=applicant, comment="不要になった")
    document.refresh_from_db()
    assert document.state == Document.State.WITHDRAWN
    assert document.process.status == STATUS.CANCELED
    assert not document.steps.filter(status=RouteStep.Status.ACTIVE).exists()

    other = submitted(title="別件")
    services.return_document(step=active_step(other), by=kakaricho, comment="再考を")
    services.withdraw(document=other, by=applicant)
    other.refresh_from_db()
    assert other.state == Document.State.WITHDRAWN
    with pytest.raises(NotAllowed):
        services.withdraw(document=submitted(title="三件目"), by=kakaricho)


def test_filed_on_behalf_shows_the_real_applicant(
    rules, applicant, kakaricho, stranger
):
    document = services.create_draft(
        applicant=applicant,
        filer=kakaricho,
        title="代理起案",
        document_type=rules.general,
    )
    assert document.applicant == applicant and document.filer == kakaricho
    with pytest.raises(NotAllowed):
        services.create_draft(applicant=applicant, filer=stranger, title="x")
    document = services.submit(document=document, by=kakaricho)
    entry = document.ledger_entries.get()
    assert entry.actor == kakaricho and entry.on_behalf_of == applicant


def test_copy_from_an_earlier_document(submitted, applicant, kakaricho, stranger):
    source = submitted(title="前年度の依頼")
    copy = services.copy_document(source=source, by=kakaricho)
    assert copy.state == Document.State.DRAFT
    assert copy.title == source.title and copy.copied_from == source
    assert copy.applicant == kakaricho
    with pytest.raises(NotAllowed):
        services.copy_document(source=source, by=stranger)


def test_drafts_can_be_discarded_submitted_documents_cannot(draft, applicant):
    document = draft()
    services.delete_draft(document=document, by=applicant)
    assert not Document.objects.filter(pk=document.pk).exists()
    document = draft()
    services.submit(document=document, by=applicant)
    services.pull_back(document=document, by=applicant)
    with pytest.raises(NotAllowed):
        services.delete_draft(document=document, by=applicant)
