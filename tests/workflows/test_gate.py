"""The one gate for knowing of a document: every notification kind and every message
builder, walked with a 秘 document and an outsider (issue 16, F1).

The walk is programmatic: a kind added to ``Kind`` must declare what it is about, a
kind about documents cannot be sent without naming its document, and every function
in ``workflows.messages`` that sends anything is called with the outsider in every
recipient slot it has. None of it may tell her the title.
"""

from __future__ import annotations

import datetime
import inspect

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from directory import roles
from intranet.notifications import emails, gates
from intranet.notifications.kinds import ABOUT, DOCUMENT, Kind
from intranet.notifications.models import Notification
from intranet.notifications.services import notify
from workflows import access, messages, services
from workflows.models import Delegation, RouteStep

from .conftest import active_step

pytestmark = pytest.mark.django_db

SECRET = "職員懲戒処分案（機密）"


def proxy(principal, delegate):
    """``delegate`` is ``principal``'s 代理承認 proxy from today."""
    today = timezone.localdate()
    services.create_delegation(
        principal=principal,
        delegate=delegate,
        kind=Delegation.Kind.PROXY,
        start_date=today,
        end_date=today + datetime.timedelta(days=3),
        by=principal,
    )


@pytest.fixture
def secret(submitted, office, kakaricho, stranger):
    """A 秘 document waiting for the 係長, whose 代理承認 proxy is the outsider; the
    outsider is also an approval administrator (who manages stuck steps, not reads)."""
    proxy(kakaricho, stranger)
    Group.objects.get(name=roles.APPROVAL_ADMINS).user_set.add(stranger)
    document = submitted(title=SECRET, confidential=True)
    return active_step(document)


def builders():
    """Every function of ``workflows.messages`` that sends a notification."""
    found = [
        function
        for name, function in inspect.getmembers(messages, inspect.isfunction)
        if function.__module__ == messages.__name__
        and not name.startswith("_")
        and "notify(" in inspect.getsource(function)
    ]
    assert len(found) >= 9
    return found


def arguments(function, step, outsider, applicant):
    """Call arguments for ``function``: the outsider wherever a person goes."""
    values = {
        "step": step,
        "document": step.document,
        "to": [applicant, outsider],
        "recipients": [applicant, outsider],
        "by": step.assignee,
        "superior": outsider,
        "former": outsider,
        "comment": "",
        "reason": "",
        "error": "",
        "pulled_back": False,
        "day": None,
    }
    parameters = inspect.signature(function).parameters
    unknown = set(parameters) - set(values)
    assert not unknown, f"{function.__name__}: teach this walk {sorted(unknown)}"
    return {name: values[name] for name in parameters}


def test_every_kind_declares_what_it_is_about():
    assert set(ABOUT) == set(Kind)


@pytest.mark.parametrize("kind", [k for k, about in ABOUT.items() if about == DOCUMENT])
def test_a_document_kind_is_never_sent_ungated(kind, applicant):
    with pytest.raises(gates.UngatedNotification):
        notify(recipients=[applicant], kind=kind, subject=SECRET)


def test_every_builder_and_kind_keeps_the_title_from_the_outsider(
    secret, stranger, applicant, settings
):
    settings.NOTIFICATION_EMAIL_DELAY = 0
    mail.outbox = []
    secret.due_date = timezone.localdate()
    Notification.objects.all().delete()
    for function in builders():
        kwargs = arguments(function, secret, stranger, applicant)
        if function is messages.task_assigned:
            # One call per kind of step: 回議, 合議, 決裁, 供覧, 後閲 …
            for kind in RouteStep.Kind:
                secret.kind = kind
                function(**kwargs)
            secret.kind = RouteStep.Kind.APPROVAL
        else:
            function(**kwargs)

    sent = set(Notification.objects.values_list("kind", flat=True))
    document_kinds = {k.value for k, about in ABOUT.items() if about == DOCUMENT}
    assert document_kinds <= sent, document_kinds - sent

    told = Notification.objects.filter(recipient=stranger)
    assert told.exists()  # route_blocked and the overdue escalation: withheld text
    for note in told:
        assert SECRET not in note.subject + note.body
    blocked = told.get(kind=Kind.ROUTE_BLOCKED)
    assert access.withheld_title() in blocked.body
    assert not told.filter(kind=Kind.TASK_ASSIGNED).exists()
    assert all(note.confidential for note in Notification.objects.all())

    emails.send_due_emails(now=timezone.now() + datetime.timedelta(minutes=1))
    assert mail.outbox
    for message in mail.outbox:
        text = message.subject + message.body + message.alternatives[0].content
        assert SECRET not in text


def test_the_gate(secret, stranger, applicant, kakaricho, auditor):
    document = secret.document
    assert access.may_know_of(applicant, document)
    assert access.may_know_of(auditor, document)
    assert not access.may_know_of(stranger, document)
    assert access.knowing_among([stranger, kakaricho, None], document) == [kakaricho]
    assert access.title_for(stranger, document) == "（秘）文書"
    assert access.title_for(kakaricho, document) == f"（秘）{SECRET}"


def test_approval_administrators_know_titles_only_of_plain_documents(
    secret, submitted, stranger
):
    """Their stuck-steps list names a plain document; never a 秘 one."""
    plain = submitted(title="庁内報の発行について")
    assert access.may_know_of(stranger, plain)
    assert not access.may_know_of(stranger, secret.document)


def test_the_proxy_of_the_kacho_hears_nothing_of_a_secret_document(
    submitted, kakaricho, kacho, stranger
):
    """Done when: a 代理承認 proxy of the 課長 is not told when it reaches the 課長."""
    proxy(kacho, stranger)
    document = submitted(title=SECRET, confidential=True)
    services.approve(step=active_step(document), by=kakaricho)
    assert active_step(document).assignee == kacho
    assert Notification.objects.filter(recipient=kacho).exists()
    assert not Notification.objects.filter(recipient=stranger).exists()

    plain = submitted(title="庁内報の発行について")
    services.approve(step=active_step(plain), by=kakaricho)
    assert Notification.objects.filter(recipient=stranger).exists()


def test_a_secret_subject_stays_out_of_the_email(submitted, kakaricho, settings):
    settings.NOTIFICATION_EMAIL_DELAY = 0
    mail.outbox = []
    document = submitted(title=SECRET, confidential=True)
    Notification.objects.all().delete()
    messages.task_assigned(active_step(document))
    emails.send_due_emails(now=timezone.now() + datetime.timedelta(minutes=1))
    [message] = [m for m in mail.outbox if kakaricho.email in m.to]
    assert SECRET not in message.subject + message.body
    assert Notification.objects.get(recipient=kakaricho).subject.endswith(SECRET)


@pytest.mark.parametrize("confidential", [False, True])
def test_submitting_tells_the_first_approver(submitted, kakaricho, confidential):
    """The gate reads the stored document: a submission is stored as such before the
    first step's holder is told, 秘 or not."""
    document = submitted(title="窓口の押印廃止について", confidential=confidential)
    [notice] = Notification.objects.filter(recipient=kakaricho)
    assert notice.kind == Kind.TASK_ASSIGNED
    assert "窓口の押印廃止について" in notice.subject
    assert notice.url == document.get_absolute_url()
