"""代理承認, 代決 with 後閲, and skipping an absent approver with 後閲."""

import datetime

import pytest
from django.utils import timezone

from directory.models import PresencePeriod
from directory.services import set_presence
from intranet.notifications.kinds import Kind
from intranet.notifications.models import Notification
from workflows import access, services
from workflows.errors import ApprovalError, NotAllowed
from workflows.models import Delegation, Document, LedgerEntry, RouteStep

from .conftest import active_step

pytestmark = pytest.mark.django_db


def away(person, days=3):
    today = timezone.localdate()
    set_presence(
        person=person,
        status=PresencePeriod.Status.BUSINESS_TRIP,
        start_date=today,
        end_date=today + datetime.timedelta(days=days),
        by=person,
    )


def register_deputy(principal, deputy):
    """``deputy`` is ``principal``'s 代決者 from today, without an end."""
    services.create_delegation(
        principal=principal,
        delegate=deputy,
        kind=Delegation.Kind.DEPUTY,
        start_date=timezone.localdate(),
        end_date=None,
        by=principal,
    )


def test_proxy_acts_for_the_principal_within_the_period(
    submitted, kakaricho, kacho, office
):
    today = timezone.localdate()
    services.create_delegation(
        principal=kakaricho,
        delegate=office.kacho,
        kind=Delegation.Kind.PROXY,
        start_date=today,
        end_date=today + datetime.timedelta(days=2),
        by=kakaricho,
    )
    document = submitted()
    step = active_step(document)
    assert access.capacity_for(kacho, step) == RouteStep.Capacity.PROXY
    services.approve(step=step, by=kacho, comment="代理で承認")
    step.refresh_from_db()
    assert step.acted_by == kacho and step.on_behalf_of == kakaricho
    assert step.capacity == RouteStep.Capacity.PROXY
    entry = document.ledger_entries.get(action=LedgerEntry.Action.APPROVE)
    assert entry.actor == kacho and entry.on_behalf_of == kakaricho


def test_expired_or_revoked_proxy_cannot_act(submitted, kakaricho, kacho):
    today = timezone.localdate()
    delegation = services.create_delegation(
        principal=kakaricho,
        delegate=kacho,
        kind=Delegation.Kind.PROXY,
        start_date=today,
        end_date=today,
        by=kakaricho,
    )
    services.revoke_delegation(delegation=delegation, by=kakaricho)
    document = submitted()
    with pytest.raises(NotAllowed):
        services.approve(step=active_step(document), by=kacho)
    with pytest.raises(ApprovalError):
        services.create_delegation(
            principal=kakaricho,
            delegate=kacho,
            kind=Delegation.Kind.PROXY,
            start_date=today,
            end_date=None,
            by=kakaricho,
        )


def test_deputy_decides_when_the_authority_is_absent(
    submitted, kakaricho, kacho, bucho, applicant
):
    register_deputy(kacho, bucho)
    document = submitted()
    services.approve(step=active_step(document), by=kakaricho)
    decision = active_step(document)
    # Present: the deputy may not decide.
    with pytest.raises(NotAllowed):
        services.decide_on_behalf(step=decision, by=bucho)
    away(kacho)
    services.decide_on_behalf(step=decision, by=bucho, comment="課長出張のため代決")
    document.refresh_from_db()
    assert document.state == Document.State.DECIDED
    decision.refresh_from_db()
    assert decision.capacity == RouteStep.Capacity.DEPUTY
    assert decision.seal_mark == "代決"
    assert document.ledger_entries.filter(
        action=LedgerEntry.Action.DECIDE_ON_BEHALF
    ).exists()
    review = active_step(document, RouteStep.Kind.POST_REVIEW)
    assert review.assignee == kacho and review.reviewed_step == decision
    assert Notification.objects.filter(recipient=kacho, kind=Kind.POST_REVIEW).exists()
    services.acknowledge(step=review, by=kacho, comment="後閲しました")
    review.refresh_from_db()
    assert review.status == RouteStep.Status.ACKNOWLEDGED


def test_absent_intermediate_approver_is_skipped_with_post_review(
    submitted, applicant, kakaricho, kacho, stranger
):
    document = submitted()
    step = active_step(document)
    with pytest.raises(NotAllowed):
        services.skip_absent_step(step=step, by=applicant)  # 係長 is in today
    away(kakaricho)
    with pytest.raises(NotAllowed):
        services.skip_absent_step(step=step, by=stranger)
    services.skip_absent_step(step=step, by=kacho, comment="係長出張中")
    step.refresh_from_db()
    assert step.status == RouteStep.Status.SKIPPED
    assert active_step(document, RouteStep.Kind.DECISION).assignee == kacho
    review = active_step(document, RouteStep.Kind.POST_REVIEW)
    assert review.assignee == kakaricho
    services.approve(step=active_step(document, RouteStep.Kind.DECISION), by=kacho)
    services.acknowledge(step=review, by=kakaricho)
    document.refresh_from_db()
    assert document.state == Document.State.DECIDED
    assert document.process.status == "DONE"


def test_the_decision_step_is_never_skipped(submitted, kakaricho, kacho, applicant):
    document = submitted()
    services.approve(step=active_step(document), by=kakaricho)
    away(kacho)
    with pytest.raises(NotAllowed):
        services.skip_absent_step(step=active_step(document), by=applicant)


def test_delegates_never_act_on_confidential_documents(submitted, kakaricho, kacho):
    today = timezone.localdate()
    services.create_delegation(
        principal=kakaricho,
        delegate=kacho,
        kind=Delegation.Kind.PROXY,
        start_date=today,
        end_date=today,
        by=kakaricho,
    )
    document = submitted(confidential=True)
    with pytest.raises(NotAllowed):
        services.approve(step=active_step(document), by=kacho)


def test_the_deputy_is_told_when_an_absent_deciders_step_is_reached(
    submitted, kakaricho, kacho, bucho, stranger
):
    """代決者: when the decision step reaches a 課長 who is away, his registered deputy
    hears of it (and whose step it is); while the 課長 is in, only he is told."""
    register_deputy(kacho, bucho)
    present = submitted(title="課長在席")
    services.approve(step=active_step(present), by=kakaricho)
    assert not Notification.objects.filter(recipient=bucho).exists()

    away(kacho)
    document = submitted(title="課長出張中")
    services.approve(step=active_step(document), by=kakaricho)
    (notice,) = Notification.objects.filter(recipient=bucho)
    assert notice.kind == Kind.TASK_ASSIGNED
    assert "代決" in notice.subject and "課長出張中" in notice.subject
    assert kacho.full_name in notice.body
    assert notice.url == document.get_absolute_url()
    assert Notification.objects.filter(
        recipient=kacho, kind=Kind.TASK_ASSIGNED, subject__contains="課長出張中"
    ).exists()
    assert not Notification.objects.filter(recipient=stranger).exists()
