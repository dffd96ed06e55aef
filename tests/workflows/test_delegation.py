"""代理承認, 代決 with 後閲, and skipping an absent approver with 後閲."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from directory.models import PresencePeriod
from directory.services import set_presence
from intranet.notifications import services as notification_services
from intranet.notifications.kinds import Kind
from intranet.notifications.models import EmailMode, Notification
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


def test_the_deputy_is_told_when_the_decider_goes_away_with_decisions_waiting(
    submitted,
    kakaricho,
    kacho,
    bucho,
    stranger,
    django_capture_on_commit_callbacks,
):
    """The other order: decisions already wait for the 課長 when his absence is
    recorded. His 代決者 hears of each once — not of the 秘 one, whose title he may
    not read — and not again when the absence is recorded anew or the daily run comes."""
    register_deputy(kacho, bucho)
    waiting = []
    for title in ("備品購入", "研修参加"):
        document = submitted(title=title)
        services.approve(step=active_step(document), by=kakaricho)
        waiting.append(document)
    secret = submitted(title="人事異動内示", confidential=True)
    services.approve(step=active_step(secret), by=kakaricho)
    assert not Notification.objects.filter(recipient=bucho).exists()

    with django_capture_on_commit_callbacks(execute=True):
        away(kacho)
    notices = list(Notification.objects.filter(recipient=bucho))
    assert sorted(n.url for n in notices) == sorted(
        d.get_absolute_url() for d in waiting
    )
    for notice in notices:
        assert notice.kind == Kind.TASK_ASSIGNED
        assert notice.subject.startswith("代決のお願い: ")
        assert kacho.full_name in notice.body
    assert not Notification.objects.filter(
        recipient=bucho, subject__contains="人事異動内示"
    ).exists()
    assert not Notification.objects.filter(
        recipient=bucho, body__contains="人事"
    ).exists()
    assert not Notification.objects.filter(recipient=stranger).exists()

    with django_capture_on_commit_callbacks(execute=True):
        away(kacho, days=5)
    assert services.process_absences() == 0
    assert Notification.objects.filter(recipient=bucho).count() == 2


def test_an_absence_that_begins_later_is_told_on_its_first_day(
    submitted, kakaricho, kacho, bucho, django_capture_on_commit_callbacks, capsys
):
    register_deputy(kacho, bucho)
    document = submitted(title="出張前の起案")
    services.approve(step=active_step(document), by=kakaricho)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        set_presence(
            person=kacho,
            status=PresencePeriod.Status.LEAVE,
            start_date=tomorrow,
            end_date=tomorrow + datetime.timedelta(days=1),
            by=kacho,
        )
    assert not Notification.objects.filter(recipient=bucho).exists()
    call_command("approval_deadlines", f"--date={tomorrow.isoformat()}")
    assert "deputies told of 1 decisions" in capsys.readouterr().out
    (notice,) = Notification.objects.filter(recipient=bucho)
    assert notice.url == document.get_absolute_url()
    assert "出張前の起案" in notice.subject
    call_command("approval_deadlines", f"--date={tomorrow.isoformat()}")
    assert "deputies told of 0 decisions" in capsys.readouterr().out
    assert Notification.objects.filter(recipient=bucho).count() == 1


def test_the_deputys_notice_follows_his_notification_settings(
    submitted, kakaricho, kacho, bucho, stranger, django_capture_on_commit_callbacks
):
    """Like every kind: e-mail off means the bell only; quiet hours hold the e-mail
    until they end."""
    register_deputy(kacho, bucho)
    register_deputy(kacho, stranger)
    notification_services.update_preferences(
        person=bucho, email_modes={Kind.TASK_ASSIGNED: EmailMode.OFF}
    )
    now = timezone.localtime()
    notification_services.update_preferences(
        person=stranger,
        email_modes={Kind.TASK_ASSIGNED: EmailMode.IMMEDIATE},
        quiet_from=(now - datetime.timedelta(hours=1)).time().replace(microsecond=0),
        quiet_until=(now + datetime.timedelta(hours=2)).time().replace(microsecond=0),
    )
    document = submitted(title="設定どおりに")
    services.approve(step=active_step(document), by=kakaricho)
    with django_capture_on_commit_callbacks(execute=True):
        away(kacho)
    quiet = Notification.objects.get(recipient=stranger)
    off = Notification.objects.get(recipient=bucho)
    assert off.email_delivery is None
    assert quiet.email_delivery is not None
    assert quiet.email_delivery.due_at > timezone.now() + datetime.timedelta(hours=1)
