"""Control characters never reach a stored title or a mail header (issue 16, F9), and
代理起案 cannot name someone above the filer's own post."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from intranet.notifications import emails
from intranet.notifications.services import send_unit_notice
from workflows import messages, services
from workflows.errors import NotAllowed

from .conftest import active_step

pytestmark = pytest.mark.django_db


def test_a_title_with_line_breaks_is_stored_on_one_line_and_mailed(
    submitted, kakaricho, settings
):
    settings.NOTIFICATION_EMAIL_DELAY = 0
    mail.outbox = []
    document = submitted(title="備品購入\r\nBcc: victim@example.jp\x00\u202e")
    document.refresh_from_db()
    assert document.title == "備品購入 Bcc: victim@example.jp"
    messages.task_assigned(active_step(document))
    report = emails.send_due_emails(now=timezone.now() + datetime.timedelta(minutes=1))
    assert report.failed == report.retrying == 0
    [message] = [m for m in mail.outbox if kakaricho.email in m.to]
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.bcc == []


def test_the_document_form_cleans_the_title(client, applicant, rules):
    client.force_login(applicant)
    client.post(
        "/approvals/new/",
        {
            "title": "会議\n室の件\t",
            "document_type": rules.general.pk,
            "retention_years": 5,
        },
    )
    from workflows.models import Document

    assert Document.objects.get(applicant=applicant).title == "会議 室の件"


def test_a_notice_subject_is_one_line(kakaricho, office, applicant):
    [note, *_] = send_unit_notice(
        sender=kakaricho, unit=office.units.shomu, subject="係会\r\n開催のお知らせ"
    )
    assert note.subject == "係会 開催のお知らせ"


def test_filing_for_someone_above_ones_post_is_refused(rules, applicant, kakaricho):
    with pytest.raises(NotAllowed):
        services.create_draft(
            applicant=kakaricho,
            filer=applicant,
            title="係長の名で",
            document_type=rules.general,
        )
    document = services.create_draft(
        applicant=applicant,
        filer=kakaricho,
        title="主事の名で",
        document_type=rules.general,
    )
    assert document.filer == kakaricho
