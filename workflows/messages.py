"""What the approval engine tells people, through the notification service only.

``notify`` stores rows now and pushes them after the commit, so calling these inside
a service's transaction is safe: a rolled-back action notifies nobody. Every message
names its document (``about``) so that the document gate (``access.knowing_among``)
decides who hears of it: a 代理承認 proxy is not told of a 秘 document she may not
read, and whoever must be told without reading it reads 「（秘）文書」 only.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from directory import roles
from directory.models import Person
from intranet.core.dates import SEIREKI, deadline_day
from intranet.notifications.kinds import Kind
from intranet.notifications.services import notify, publish

from . import signals
from .access import document_title, withheld_title
from .models import Delegation, Document, RouteStep


def _title(document: Document) -> str:
    return document_title(document)


def _notify(document: Document, **kwargs) -> None:
    """``notify`` about ``document``, through its gate, marked 秘 where it is."""
    notify(
        about=document,
        confidential=document.confidential,
        group_key=_group_key(document),
        **kwargs,
    )


def _due(step: RouteStep) -> str:
    # Stored once for every recipient, so in the office's common style (西暦).
    return deadline_day(step.due_date, style=SEIREKI)


def _group_key(document: Document) -> str:
    return f"document:{document.pk}"


def _delegates(person_ids, kind: Delegation.Kind, day=None) -> list[Person]:
    return list(
        Person.objects.filter(
            pk__in=Delegation.objects.active(day or timezone.localdate())
            .filter(principal_id__in=person_ids, kind=kind)
            .values("delegate_id"),
            is_active=True,
        )
    )


def proxies_of(person_ids, day=None) -> list[Person]:
    """Active 代理承認 delegates of these people: they see the same tasks."""
    return _delegates(person_ids, Delegation.Kind.PROXY, day)


def deputies_of(person_id, day=None) -> list[Person]:
    """Registered 代決者 of this decider, active on ``day``."""
    return _delegates([person_id], Delegation.Kind.DEPUTY, day)


def tell_deputies_of_an_absent_decider(step: RouteStep, day=None) -> bool:
    """The decision ``step`` waits for a decider who is away on ``day`` (today): his
    registered 代決者 may decide (a 後閲 follows), so they are told — once per step,
    whether it was reached while he was away or he went away while it waited (the
    step keeps ``deputies_told_at``). Never for a 秘 document: delegates do not act
    on those. True when someone was told."""
    document = step.document
    if step.kind != RouteStep.Kind.DECISION or document.confidential:
        return False
    if step.status != RouteStep.Status.ACTIVE or step.deputies_told_at is not None:
        return False
    if step.assignee is None or not step.assignee.is_absent_on(day):
        return False
    deputies = deputies_of(step.assignee_id, day)
    if not deputies:
        return False
    now = timezone.now()
    # Claimed in the database, so two paths at once (the absence being recorded and
    # the daily run) tell the deputies once.
    if not RouteStep.objects.filter(pk=step.pk, deputies_told_at__isnull=True).update(
        deputies_told_at=now
    ):
        return False
    step.deputies_told_at = now
    _notify(
        document,
        recipients=deputies,
        kind=Kind.TASK_ASSIGNED,
        subject=_("代決のお願い: %(title)s") % {"title": _title(document)},
        body=_(
            "決裁権者の%(decider)sさんが不在のため、登録された代決者として"
            "代決できます（%(decider)sさんの後閲が続きます）。段階: %(step)s"
        )
        % {"decider": step.assignee, "step": step.label},
        url=document.get_absolute_url(),
    )
    return True


def task_assigned(step: RouteStep) -> None:
    document = step.document
    signals.step_assigned.send(sender=Document, document=document, step=step)
    kind, subject = {
        RouteStep.Kind.CIRCULATION: (Kind.CIRCULATION, _("供覧: %(title)s")),
        RouteStep.Kind.POST_REVIEW: (Kind.POST_REVIEW, _("後閲のお願い: %(title)s")),
        RouteStep.Kind.CONSULTATION: (Kind.TASK_ASSIGNED, _("合議のお願い: %(title)s")),
        RouteStep.Kind.DECISION: (Kind.TASK_ASSIGNED, _("決裁のお願い: %(title)s")),
    }.get(RouteStep.Kind(step.kind), (Kind.TASK_ASSIGNED, _("回議のお願い: %(title)s")))
    body = _("起案者: %(applicant)s　段階: %(step)s") % {
        "applicant": document.applicant,
        "step": step.label,
    }
    if step.due_date:
        body += "　" + _("処理期限: %(due)s") % {"due": _due(step)}
    recipients = [step.assignee]
    if step.kind in RouteStep.MAIN_KINDS:
        recipients += proxies_of([step.assignee_id])
    _notify(
        document,
        recipients=recipients,
        kind=kind,
        subject=subject % {"title": _title(document)},
        body=body,
        url=document.get_absolute_url(),
    )
    tell_deputies_of_an_absent_decider(step)


def route_blocked(step: RouteStep, error) -> None:
    """Tell the approval administrators; those who may not read the document are
    told 「（秘）文書」 and its id, nothing of its title."""
    admins = Person.objects.filter(
        groups__name=roles.APPROVAL_ADMINS, is_active=True
    ).distinct()
    subject = _("在任者がいないため決裁ルートが止まっています: %(step)s") % {
        "step": step.label
    }
    body = _(
        "文書ID %(id)s「%(title)s」の「%(step)s」（%(unit)s）に在任者がいません。"
        "担当者を指定するか、職員名簿を確認してください。"
    )
    facts = {"id": step.document_id, "step": step.label, "unit": step.unit}
    _notify(
        step.document,
        recipients=admins,
        kind=Kind.ROUTE_BLOCKED,
        subject=subject,
        body=body % {**facts, "title": _title(step.document)},
        withheld=(subject, body % {**facts, "title": withheld_title()}),
        url="/approvals/admin/",
    )


def returned(document: Document, *, to: list[Person], by: Person, comment: str) -> None:
    signals.document_returned.send(sender=Document, document=document, comment=comment)
    _notify(
        document,
        recipients=to,
        kind=Kind.DOCUMENT_RETURNED,
        subject=_("差戻し: %(title)s") % {"title": _title(document)},
        body=comment,
        url=document.get_absolute_url(),
        actor=by,
    )


def decided(document: Document, *, by: Person, recipients: list[Person]) -> None:
    signals.document_decided.send(sender=Document, document=document, by=by)
    _notify(
        document,
        recipients=recipients,
        kind=Kind.DOCUMENT_DECIDED,
        subject=_("決裁されました: %(title)s（%(number)s）")
        % {"title": _title(document), "number": document.number_label},
        url=document.get_absolute_url(),
        actor=by,
    )


def rejected(document: Document, *, by: Person, comment: str, recipients) -> None:
    signals.document_rejected.send(sender=Document, document=document, comment=comment)
    _notify(
        document,
        recipients=recipients,
        kind=Kind.DOCUMENT_REJECTED,
        subject=_("却下されました: %(title)s") % {"title": _title(document)},
        body=comment,
        url=document.get_absolute_url(),
        actor=by,
    )


def withdrawn(document: Document, *, by: Person, recipients, pulled_back=False) -> None:
    signals.document_withdrawn.send(
        sender=Document, document=document, pulled_back=pulled_back
    )
    subject = (
        _("引き戻されました: %(title)s")
        if pulled_back
        else _("取り下げられました: %(title)s")
    )
    _notify(
        document,
        recipients=recipients,
        kind=Kind.DOCUMENT_WITHDRAWN,
        subject=subject % {"title": _title(document)},
        url=document.get_absolute_url(),
        actor=by,
    )


def reminder(step: RouteStep) -> None:
    _notify(
        step.document,
        recipients=[step.assignee, *proxies_of([step.assignee_id])],
        kind=Kind.TASK_REMINDER,
        subject=_("処理期限が近づいています（%(due)s）: %(title)s")
        % {"due": _due(step), "title": _title(step.document)},
        url=step.document.get_absolute_url(),
    )


def overdue(step: RouteStep, *, superior: Person | None) -> None:
    subject = _("処理期限を過ぎています（%(due)s）: %(title)s") % {
        "due": _due(step),
        "title": _title(step.document),
    }
    _notify(
        step.document,
        recipients=[step.assignee, *proxies_of([step.assignee_id])],
        kind=Kind.TASK_OVERDUE,
        subject=subject,
        url=step.document.get_absolute_url(),
    )
    if superior is not None:
        # The superior must hear of it, but may not be allowed to see the document:
        # no title here.
        escalation = _(
            "処理期限を過ぎた案件があります: %(who)s「%(step)s」（文書ID %(id)s）"
        ) % {"who": step.assignee, "step": step.label, "id": step.document_id}
        _notify(
            step.document,
            recipients=[superior],
            kind=Kind.TASK_OVERDUE,
            subject=escalation,
            withheld=(escalation, ""),
            url="/approvals/",
        )


def reassigned(
    step: RouteStep, *, former: Person | None, by: Person, reason: str
) -> None:
    """Tell the applicant and the former holder that an administrator gave the
    step to someone else (the new holder hears through ``task_assigned``)."""
    document = step.document
    subject = _("処理者が変更されました: %(title)s")
    body = _("段階: %(step)s　新しい処理者: %(person)s　理由: %(reason)s") % {
        "step": step.label,
        "person": step.assignee,
        "reason": reason,
    }
    _notify(
        document,
        recipients=[document.applicant, document.filer, former],
        kind=Kind.TASK_REASSIGNED,
        subject=subject % {"title": _title(document)},
        body=body,
        withheld=(subject % {"title": withheld_title()}, ""),
        url=document.get_absolute_url(),
        actor=by,
    )


def submitted(document: Document, *, resubmission: bool) -> None:
    signals.document_submitted.send(
        sender=Document, document=document, resubmission=resubmission
    )


def status_changed(document: Document) -> None:
    """Tell open document pages (topic "document:<id>") that the document changed."""
    publish(
        topic=f"document:{document.pk}",
        event={
            "type": "document.changed",
            "state": document.state,
            "version": document.version,
        },
    )
