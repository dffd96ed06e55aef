"""Routes: rules and amount bands, 合議 (all / any / N), 供覧, vacant posts, 人事異動."""

import datetime

import pytest
from django.utils import timezone
from viewflow.workflow import STATUS
from viewflow.workflow.models import Task

from directory import roles
from directory.services import appoint
from intranet.notifications.kinds import Kind
from intranet.notifications.models import Notification
from tests.factories import MembershipFactory, PersonFactory
from workflows import flows, services
from workflows.errors import ApprovalError, NotAllowed, RouteError
from workflows.models import (
    DelegationRule,
    Document,
    LedgerEntry,
    RouteAddition,
    RouteStep,
    RuleBook,
)
from workflows.routing import plan_route

from .conftest import active_step

pytestmark = pytest.mark.django_db


def labels(plan):
    return [
        (step.label, step.person.username if step.person else None)
        for step in plan.steps
    ]


def test_plan_follows_rule_and_amount_band(draft, rules, zaisei):
    small = draft(document_type=rules.expense, amount=999_999)
    assert labels(plan_route(document=small)) == [
        ("係長", "suzuki"),
        ("課長（決裁）", "takahashi"),
    ]
    large = draft(document_type=rules.expense, amount=1_000_000)
    assert labels(plan_route(document=large)) == [
        ("係長", "suzuki"),
        ("課長", "takahashi"),
        ("合議 財政課", "yamaguchi"),
        ("部長（決裁）", "tanaka"),
    ]
    with pytest.raises(RouteError):
        plan_route(document=draft(document_type=rules.expense, amount=None))


def test_document_keeps_its_rule_version(
    submitted, rules, office, kakaricho, applicant
):
    document = submitted()
    assert document.rule.rulebook == rules.book
    # A new version in force later: the document already submitted keeps version 1,
    # also when it is returned and resubmitted.
    book2 = RuleBook.objects.create(
        number=2,
        valid_from=datetime.date(2021, 4, 1),
        published_at=timezone.now(),
    )
    rule = DelegationRule.objects.create(
        rulebook=book2, document_type=rules.general, decider_post=office.posts.bucho
    )
    rule.approver_posts.set([office.posts.kakaricho, office.posts.kacho])
    services.return_document(step=active_step(document), by=kakaricho, comment="再考")
    document = services.submit(document=document, by=applicant)
    assert document.rule.rulebook == rules.book
    fresh = services.submit(
        document=services.create_draft(
            applicant=applicant, title="新しい規程で", document_type=rules.general
        ),
        by=applicant,
    )
    assert fresh.rule == rule


def test_consultation_all_must_agree(
    submitted, rules, zaisei, applicant, kakaricho, kacho, bucho
):
    document = services.create_draft(
        applicant=applicant,
        title="大型支出",
        document_type=rules.expense,
        amount=3_000_000,
    )
    services.add_consultation(document=document, by=applicant, unit=zaisei.kikaku)
    document = services.submit(document=document, by=applicant)
    services.approve(step=active_step(document), by=kakaricho)
    services.approve(step=active_step(document), by=kacho)
    consultations = RouteStep.objects.filter(
        document=document,
        kind=RouteStep.Kind.CONSULTATION,
        status=RouteStep.Status.ACTIVE,
    )
    assert {step.assignee for step in consultations} == {
        zaisei.kacho,
        zaisei.kikaku_kacho,
    }
    first, second = consultations.order_by("pk")
    services.approve(step=first, by=first.assignee)
    # Still waiting for the other section; the 部長 has nothing yet.
    assert not RouteStep.objects.filter(
        document=document, kind=RouteStep.Kind.DECISION, status=RouteStep.Status.ACTIVE
    ).exists()
    services.approve(step=second, by=second.assignee)
    decision = active_step(document)
    assert decision.assignee == bucho
    services.approve(step=decision, by=bucho)
    document.refresh_from_db()
    assert document.state == Document.State.DECIDED


@pytest.mark.parametrize(
    ("policy", "quorum", "agreements_needed"),
    [("any", 1, 1), ("count", 2, 2), ("all", 1, 3)],
)
def test_consultation_policies(
    rules,
    zaisei,
    office,
    applicant,
    kakaricho,
    kacho,
    policy,
    quorum,
    agreements_needed,
):
    rules.large.consultation_policy = policy
    rules.large.consultation_quorum = quorum
    rules.large.save()
    third_unit = office.units.koseki
    kobayashi_boss = PersonFactory(username="koseki-kacho", last_name="戸籍")
    MembershipFactory(person=kobayashi_boss, unit=third_unit, post=office.posts.kacho)
    document = services.create_draft(
        applicant=applicant, title="合議", document_type=rules.expense, amount=2_000_000
    )
    services.add_consultation(document=document, by=applicant, unit=zaisei.kikaku)
    services.add_consultation(document=document, by=applicant, unit=third_unit)
    document = services.submit(document=document, by=applicant)
    services.approve(step=active_step(document), by=kakaricho)
    services.approve(step=active_step(document), by=kacho)
    open_steps = list(
        RouteStep.objects.filter(
            document=document, kind=RouteStep.Kind.CONSULTATION, status="active"
        ).order_by("pk")
    )
    assert len(open_steps) == 3
    for index, step in enumerate(open_steps[:agreements_needed]):
        assert not RouteStep.objects.filter(
            document=document, kind=RouteStep.Kind.DECISION, status="active"
        ).exists(), f"decision reached after {index} agreements"
        services.approve(step=step, by=step.assignee)
    assert active_step(document, RouteStep.Kind.DECISION)
    leftovers = RouteStep.objects.filter(
        document=document, kind=RouteStep.Kind.CONSULTATION
    ).exclude(status=RouteStep.Status.APPROVED)
    assert all(step.status == RouteStep.Status.NOT_NEEDED for step in leftovers)
    assert all(
        step.task.status == STATUS.CANCELED for step in open_steps[agreements_needed:]
    )


def test_a_return_in_consultation_ends_the_stage(
    rules, zaisei, applicant, kakaricho, kacho
):
    document = services.create_draft(
        applicant=applicant,
        title="合議差戻し",
        document_type=rules.expense,
        amount=2_000_000,
    )
    services.add_consultation(document=document, by=applicant, unit=zaisei.kikaku)
    document = services.submit(document=document, by=applicant)
    services.approve(step=active_step(document), by=kakaricho)
    services.approve(step=active_step(document), by=kacho)
    step = RouteStep.objects.filter(
        document=document, kind=RouteStep.Kind.CONSULTATION, status="active"
    ).first()
    services.return_document(step=step, by=step.assignee, comment="予算科目が違います")
    document.refresh_from_db()
    assert document.state == Document.State.RETURNED
    assert not Task.objects.filter(
        process=document.process,
        flow_task=flows.ApprovalFlow.consultation,
        status=STATUS.ASSIGNED,
    ).exists()
    assert flows.revision_task(document).owner == applicant


def test_additions_only_within_the_rule(draft, rules, zaisei, applicant, auditor):
    document = draft()
    rules.general_rule.allow_extra_consultations = False
    rules.general_rule.save()
    with pytest.raises(NotAllowed):
        services.add_consultation(document=document, by=applicant, unit=zaisei.unit)
    addition = services.add_circulation(document=document, by=applicant, person=auditor)
    assert addition.kind == RouteAddition.Kind.CIRCULATION
    plan = plan_route(document=document)
    assert [step.person for step in plan.circulation] == [auditor]


def test_circulation_after_the_decision_does_not_block(
    draft, applicant, kakaricho, kacho, auditor
):
    document = draft()
    services.add_circulation(document=document, by=applicant, person=auditor)
    document = services.submit(document=document, by=applicant)
    services.approve(step=active_step(document), by=kakaricho)
    services.approve(step=active_step(document), by=kacho)
    document.refresh_from_db()
    assert document.state == Document.State.DECIDED
    reading = active_step(document, RouteStep.Kind.CIRCULATION)
    assert reading.assignee == auditor
    assert document.process.status != STATUS.DONE  # the 供覧 task is still open
    assert Notification.objects.filter(
        recipient=auditor, kind=Kind.CIRCULATION
    ).exists()
    services.acknowledge(step=reading, by=auditor)
    document.refresh_from_db()
    assert document.process.status == STATUS.DONE
    assert document.ledger_entries.last().action == LedgerEntry.Action.ACKNOWLEDGE


def test_vacant_post_stops_with_an_error_to_administrators(
    draft, office, applicant, kakaricho, administrator
):
    from django.contrib.auth.models import Group

    admins = Group.objects.get(name=roles.APPROVAL_ADMINS)
    clerk = PersonFactory(username="hayashi", last_name="林")
    admins.user_set.add(clerk)
    # The 課長 leaves: nobody holds the post in 総務課 or above.
    office.kacho.memberships.update(valid_until=timezone.localdate())
    document = services.submit(document=draft(), by=applicant)
    services.approve(step=active_step(document), by=kakaricho)
    blocked = RouteStep.objects.get(document=document, status=RouteStep.Status.BLOCKED)
    assert blocked.assignee is None
    # The token waits in a Handle task: nobody owns it, nobody can claim it.
    assert blocked.task.flow_task == flows.ApprovalFlow.wait_for_holder
    assert (
        not Task.objects.filter(
            process=document.process, owner__isnull=True, flow_task_type="HUMAN"
        )
        .exclude(status__in=[STATUS.DONE, STATUS.CANCELED])
        .exists()
    )
    assert Notification.objects.filter(
        recipient=clerk, kind=Kind.ROUTE_BLOCKED
    ).exists()
    assert document.ledger_entries.last().action == LedgerEntry.Action.ROUTE_BLOCKED

    with pytest.raises(ApprovalError):
        services.retry_step(step=blocked, by=clerk)  # still nobody
    with pytest.raises(NotAllowed):
        services.reassign_step(step=blocked, to=office.bucho, by=kakaricho, reason="x")
    services.reassign_step(
        step=blocked, to=office.bucho, by=clerk, reason="課長不在のため部長へ"
    )
    step = active_step(document)
    assert step.assignee == office.bucho and step.task.owner == office.bucho
    services.approve(step=step, by=office.bucho)
    document.refresh_from_db()
    assert document.state == Document.State.DECIDED
    assert LedgerEntry.Action.REASSIGN in document.ledger_entries.values_list(
        "action", flat=True
    )


def test_vacant_post_retry_after_an_appointment(
    draft, office, applicant, kakaricho, administrator
):
    office.kacho.memberships.update(valid_until=timezone.localdate())
    document = services.submit(document=draft(), by=applicant)
    services.approve(step=active_step(document), by=kakaricho)
    blocked = RouteStep.objects.get(document=document, status=RouteStep.Status.BLOCKED)
    newcomer = PersonFactory(username="newcomer", last_name="新任")
    appoint(
        person=newcomer,
        unit=office.units.somu_ka,
        post=office.posts.kacho,
        valid_from=datetime.date(2020, 4, 1),
    )
    services.retry_step(step=blocked, by=administrator)
    assert active_step(document).assignee == newcomer


def test_personnel_change_mid_flow_goes_to_the_new_holder(
    submitted, office, applicant, kakaricho, kacho
):
    document = submitted()
    # 人事異動 while the 係長 has the document: 高橋 moves to 戸籍住民課, 新任 becomes 課長.
    today = timezone.localdate()
    appoint(
        person=kacho,
        unit=office.units.koseki,
        post=office.posts.kacho,
        valid_from=today,
    )
    newcomer = PersonFactory(username="newcomer", last_name="新任")
    appoint(
        person=newcomer,
        unit=office.units.somu_ka,
        post=office.posts.kacho,
        valid_from=today,
    )
    pending = active_step(document)
    assert pending.assignee == kakaricho  # a pending step stays with its holder
    services.approve(step=pending, by=kakaricho)
    decision = active_step(document)
    assert decision.assignee == newcomer
    assert decision.planned_assignee == kacho  # what the preview showed at submission
    with pytest.raises(NotAllowed):
        services.approve(step=decision, by=kacho)
    services.approve(step=decision, by=newcomer)


def test_admin_skips_a_vacant_consultation(
    rules, zaisei, applicant, kakaricho, kacho, bucho, administrator
):
    zaisei.kacho.memberships.update(valid_until=timezone.localdate())
    document = services.submit(
        document=services.create_draft(
            applicant=applicant,
            title="x",
            document_type=rules.expense,
            amount=5_000_000,
        ),
        by=applicant,
    )
    services.approve(step=active_step(document), by=kakaricho)
    services.approve(step=active_step(document), by=kacho)
    blocked = RouteStep.objects.get(document=document, status=RouteStep.Status.BLOCKED)
    assert blocked.kind == RouteStep.Kind.CONSULTATION
    services.skip_vacant_step(
        step=blocked, by=administrator, reason="財政課長欠員のため"
    )
    assert active_step(document).assignee == bucho


def test_a_vacant_first_step_is_recorded_after_the_submission(draft, office, applicant):
    office.kakaricho.memberships.update(valid_until=timezone.localdate())
    document = services.submit(document=draft(), by=applicant)
    assert list(document.ledger_entries.values_list("action", flat=True)) == [
        LedgerEntry.Action.SUBMIT,
        LedgerEntry.Action.ROUTE_BLOCKED,
    ]
    assert RouteStep.objects.get(document=document, position=1).status == "blocked"


def test_circulation_before_the_decision_runs_alongside(
    rules, office, applicant, kakaricho, kacho, auditor
):
    from workflows.models import RuleCirculation

    RuleCirculation.objects.create(
        rule=rules.general_rule,
        unit=office.units.kansa,
        post=office.posts.kacho,
        timing=RuleCirculation.Timing.BEFORE,
    )
    document = services.submit(
        document=services.create_draft(
            applicant=applicant, title="事前供覧", document_type=rules.general
        ),
        by=applicant,
    )
    reading = active_step(document, RouteStep.Kind.CIRCULATION)
    assert reading.assignee == auditor
    # Not blocking: the route goes on while the acknowledgement is still open.
    services.approve(step=active_step(document, RouteStep.Kind.APPROVAL), by=kakaricho)
    services.approve(step=active_step(document, RouteStep.Kind.DECISION), by=kacho)
    document.refresh_from_db()
    assert document.state == Document.State.DECIDED
    services.acknowledge(step=reading, by=auditor)
    document.refresh_from_db()
    assert document.process.status == STATUS.DONE
