"""Notification e-mails: debounced bursts, digests, quiet hours, and delivery that
happens once — whatever the worker does.

The tests run with django-tasks' immediate backend (the sender runs at commit and finds
nothing due yet) and call the sender "later" with an explicit time, except where the
database backend and a real ``db_worker`` run are the point.
"""

import datetime
import email.header
import logging

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from directory.managed import directory_writes
from intranet.notifications import emails, services
from intranet.notifications.kinds import Kind
from intranet.notifications.models import EmailDelivery, EmailMode, Notification
from intranet.notifications.preferences import EmailPreferences, for_person
from tests.notifications.conftest import local
from tests.notifications.mail_backends import FlakySMTPBackend

pytestmark = pytest.mark.django_db

DOCUMENT = "document:42"


def assign(person, subject="決裁依頼: 備品購入について", actor=None, **kwargs):
    options = {
        "kind": Kind.SYSTEM,
        "url": "/approvals/42/",
        "group_key": DOCUMENT,
    }
    options.update(kwargs)
    return services.notify(recipients=[person], subject=subject, actor=actor, **options)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit():`` runs what notify() left for after the commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# -- Debounce ---------------------------------------------------------------------


def test_a_burst_about_one_document_becomes_one_email(
    applicant, kakaricho, outbox, later, commit
):
    with commit():
        assign(kakaricho, "決裁依頼: 備品購入について", actor=applicant)
        assign(kakaricho, "添付ファイルが差し替えられました: 備品購入について")
        assign(kakaricho, "決裁依頼（再提出）: 備品購入について", actor=applicant)

    # The sender ran at the commit (immediate backend) and found nothing due yet.
    assert outbox == []
    assert EmailDelivery.objects.count() == 1

    emails.send_due_emails(now=later(minutes=1))
    assert outbox == []

    report = emails.send_due_emails(now=later(minutes=3))
    assert report.sent == 1
    [message] = outbox
    assert message.to == ["suzuki@ward.example.jp"]
    assert message.subject == "[庁内ポータル] 決裁依頼: 備品購入について（ほか2件）"
    assert "新しいお知らせが3件あります" in message.body
    assert "添付ファイルが差し替えられました" in message.body
    assert "決裁依頼（再提出）" in message.body

    # Running again (a retried task, a second worker, the periodic job) sends nothing.
    assert emails.send_due_emails(now=later(minutes=10)).sent == 0
    assert len(outbox) == 1


def test_other_documents_and_unkeyed_notifications_get_their_own_emails(
    kakaricho, outbox, later, commit
):
    with commit():
        assign(kakaricho, "決裁依頼: A", group_key="document:1")
        assign(kakaricho, "決裁依頼: B", group_key="document:2")
        assign(kakaricho, "決裁依頼: C", group_key="")
        assign(kakaricho, "決裁依頼: D", group_key="")
    emails.send_due_emails(now=later(minutes=3))
    assert sorted(m.subject for m in outbox) == [
        f"[庁内ポータル] 決裁依頼: {letter}" for letter in "ABCD"
    ]


def test_a_notification_after_the_email_went_out_starts_a_new_one(
    kakaricho, outbox, later, commit
):
    with commit():
        assign(kakaricho, "決裁依頼: 1回目")
    emails.send_due_emails(now=later(minutes=3))
    with commit():
        assign(kakaricho, "決裁依頼: 2回目")
    emails.send_due_emails(now=later(minutes=6))
    assert [m.subject for m in outbox] == [
        "[庁内ポータル] 決裁依頼: 1回目",
        "[庁内ポータル] 決裁依頼: 2回目",
    ]


def test_without_a_delay_the_task_sends_at_commit(kakaricho, outbox, settings, commit):
    settings.NOTIFICATION_EMAIL_DELAY = 0
    with commit():
        assign(kakaricho)
    assert len(outbox) == 1


def test_nothing_is_sent_when_the_transaction_rolls_back(kakaricho, outbox, later):
    with transaction.atomic():
        assign(kakaricho)
        transaction.set_rollback(True)
    assert EmailDelivery.objects.count() == 0
    emails.send_due_emails(now=later(minutes=3))
    assert outbox == []


# -- What goes by e-mail ------------------------------------------------------------


def test_a_notification_read_before_the_email_is_due_is_not_emailed(
    kakaricho, outbox, later, commit
):
    with commit():
        [note] = assign(kakaricho)
    services.mark_read(user=kakaricho, notification_ids=[note.pk])
    report = emails.send_due_emails(now=later(minutes=3))
    assert (report.sent, report.skipped) == (0, 1)
    assert outbox == []


def test_kinds_turned_off_are_not_emailed_even_if_already_scheduled(
    kakaricho, outbox, later, commit
):
    with commit():
        assign(kakaricho)
    services.update_preferences(
        person=kakaricho, email_modes={Kind.SYSTEM: EmailMode.OFF}
    )
    with commit():
        assign(kakaricho, "決裁依頼: 別件", group_key="document:7")
    emails.send_due_emails(now=later(minutes=3))
    assert outbox == []
    assert EmailDelivery.objects.count() == 1  # the second was never scheduled


def test_booking_confirmations_are_not_emailed_by_default(kakaricho, outbox, commit):
    with commit():
        services.notify(
            recipients=[kakaricho], kind=Kind.BOOKING_CONFIRMED, subject="予約確定"
        )
    assert EmailDelivery.objects.count() == 0


def test_people_without_an_address_get_no_email(kakaricho, outbox, commit):
    with directory_writes():
        kakaricho.email = ""
        kakaricho.save()
    with commit():
        [note] = assign(kakaricho)
    assert note.email_delivery is None


def test_email_false_keeps_it_to_the_bell(kakaricho, commit):
    with commit():
        [note] = assign(kakaricho, email=False)
    assert note.email_delivery is None


def test_people_deactivated_before_sending_get_nothing(
    kakaricho, outbox, later, commit
):
    with commit():
        assign(kakaricho)
    kakaricho.is_active = False
    kakaricho.save()
    assert emails.send_due_emails(now=later(minutes=3)).skipped == 1
    assert outbox == []


# -- The daily digest ---------------------------------------------------------------


def test_digest_kinds_wait_for_the_digest_time_and_arrive_together(
    applicant, outbox, commit
):
    with commit():
        for title in ("庁内Wi-Fiの更新", "ペーパーレス会議の試行"):
            services.notify(
                recipients=[applicant],
                kind=Kind.PROPOSAL_PUBLISHED,
                subject=f"提案が公開されました: {title}",
                url="/proposals/1/",
            )
    delivery = EmailDelivery.objects.get()
    assert delivery.mode == EmailDelivery.Mode.DIGEST
    assert timezone.localtime(delivery.due_at).time() == datetime.time(8, 30)
    assert delivery.notifications.count() == 2

    emails.send_due_emails(now=delivery.due_at - datetime.timedelta(minutes=1))
    assert outbox == []
    emails.send_due_emails(now=delivery.due_at)
    [message] = outbox
    day = timezone.localtime(delivery.due_at)
    weekday = "月火水木金土日"[day.weekday()]
    assert message.subject == (
        f"[庁内ポータル] 未読のお知らせ 2件（{day.month}月{day.day}日（{weekday}））"
    )
    assert "まだご覧になっていないお知らせが2件あります" in message.body
    assert "庁内Wi-Fiの更新" in message.body
    assert "ペーパーレス会議の試行" in message.body


def test_choosing_the_digest_for_approvals(kakaricho, outbox, commit):
    services.update_preferences(
        person=kakaricho,
        email_modes={Kind.SYSTEM: EmailMode.DIGEST},
        digest_time=datetime.time(17, 0),
    )
    with commit():
        assign(kakaricho)
    delivery = EmailDelivery.objects.get()
    assert delivery.mode == EmailDelivery.Mode.DIGEST
    assert timezone.localtime(delivery.due_at).time() == datetime.time(17, 0)


# -- Quiet hours --------------------------------------------------------------------


DAY = datetime.date(2026, 11, 27)  # a Friday


@pytest.mark.parametrize(
    ("quiet", "moment", "end"),
    [
        ((20, 8), local(DAY, 22), local(DAY + datetime.timedelta(days=1), 8)),
        ((20, 8), local(DAY, 7, 59), local(DAY, 8)),
        ((20, 8), local(DAY, 8), None),
        ((20, 8), local(DAY, 19, 59), None),
        ((12, 13), local(DAY, 12, 30), local(DAY, 13)),
        ((12, 13), local(DAY, 13, 30), None),
    ],
)
def test_quiet_hours(quiet, moment, end):
    prefs = EmailPreferences(
        quiet_from=datetime.time(quiet[0]), quiet_until=datetime.time(quiet[1])
    )
    assert prefs.quiet_end(moment) == end


def test_next_digest_skips_past_quiet_hours():
    prefs = EmailPreferences(
        digest_time=datetime.time(7, 0),
        quiet_from=datetime.time(20, 0),
        quiet_until=datetime.time(8, 0),
    )
    assert prefs.next_digest(local(DAY, 9)) == local(DAY + datetime.timedelta(1), 8)
    assert EmailPreferences().next_digest(local(DAY, 8, 29)) == local(DAY, 8, 30)
    assert EmailPreferences().next_digest(local(DAY, 8, 30)) == local(
        DAY + datetime.timedelta(1), 8, 30
    )


def test_an_email_planned_inside_quiet_hours_is_due_when_they_end(kakaricho):
    services.update_preferences(
        person=kakaricho,
        email_modes={},
        quiet_from=datetime.time(20, 0),
        quiet_until=datetime.time(8, 0),
    )
    row = Notification(recipient=kakaricho, kind=Kind.SYSTEM, subject="x")
    emails.plan([row], kind=Kind.SYSTEM, group_key="", now=local(DAY, 21))
    assert row.email_delivery.due_at == local(DAY + datetime.timedelta(days=1), 8)


def test_emails_due_in_quiet_hours_wait_until_they_end(kakaricho, outbox, commit):
    services.update_preferences(
        person=kakaricho,
        email_modes={},
        quiet_from=datetime.time(20, 0),
        quiet_until=datetime.time(8, 0),
    )
    with commit():
        assign(kakaricho)
    delivery = EmailDelivery.objects.get()
    tonight = local(timezone.localdate(delivery.due_at), 22)
    tomorrow = local(timezone.localdate(tonight) + datetime.timedelta(days=1), 8)

    report = emails.send_due_emails(now=tonight)
    delivery.refresh_from_db()
    assert report.postponed == 1
    assert delivery.status == EmailDelivery.Status.PENDING
    assert delivery.due_at == tomorrow
    assert outbox == []

    emails.send_due_emails(now=tomorrow)
    assert len(outbox) == 1


# -- Delivery happens once ----------------------------------------------------------


def test_two_workers_cannot_claim_the_same_email(kakaricho, later, commit):
    with commit():
        assign(kakaricho)
    delivery = EmailDelivery.objects.get()
    now = later(minutes=3)
    assert emails._claim(delivery.pk, now, watchdog=False) is not None
    assert emails._claim(delivery.pk, now, watchdog=False) is None


def test_a_claim_left_by_a_dead_worker_is_sent_once_after_the_lease(
    kakaricho, outbox, later, commit
):
    with commit():
        assign(kakaricho)
    delivery = EmailDelivery.objects.get()
    # A worker claims it and dies before sending.
    emails._claim(delivery.pk, later(minutes=3), watchdog=False)

    assert emails.send_due_emails(now=later(minutes=5)).sent == 0  # lease running
    assert emails.send_due_emails(now=later(minutes=14)).sent == 1
    assert emails.send_due_emails(now=later(minutes=30)).sent == 0
    [message] = outbox
    assert message.extra_headers["Message-ID"] == (
        f"<{delivery.message_token}@ward.example.jp>"
    )


def test_smtp_down_is_retried_and_delivers_once(
    kakaricho, outbox, settings, later, commit, caplog
):
    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.FlakySMTPBackend"
    FlakySMTPBackend.failures = 2
    with commit():
        assign(kakaricho)

    assert emails.send_due_emails(now=later(minutes=3)).retrying == 1
    delivery = EmailDelivery.objects.get()
    assert delivery.status == EmailDelivery.Status.PENDING
    assert delivery.attempts == 1
    assert "Connection refused" in delivery.last_error

    assert emails.send_due_emails(now=later(minutes=5)).retrying == 1
    assert emails.send_due_emails(now=later(minutes=30)).sent == 1
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (EmailDelivery.Status.SENT, 3)


def test_an_address_that_keeps_failing_is_given_up_and_logged(
    kakaricho, settings, later, commit, caplog
):
    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.FlakySMTPBackend"
    FlakySMTPBackend.failures = 100
    with commit():
        assign(kakaricho)
    with caplog.at_level(logging.WARNING, logger="intranet.notifications.emails"):
        for hours in range(1, 12):
            emails.send_due_emails(now=later(hours=hours * 4))
    delivery = EmailDelivery.objects.get()
    assert delivery.status == EmailDelivery.Status.FAILED
    assert delivery.attempts == len(emails.RETRY_DELAYS) + 1
    assert any(record.levelname == "ERROR" for record in caplog.records)
    FlakySMTPBackend.failures = 0


@pytest.mark.django_db(transaction=True)
def test_database_worker_delivers_once_across_restarts(
    kakaricho, outbox, settings, later
):
    """With the database task backend: the task row commits with the notification;
    a worker run sends the e-mail; a second run finds nothing; a worker that died
    mid-send leaves a watchdog task that sends it once after the lease."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.NOTIFICATION_EMAIL_DELAY = 0
    assign(kakaricho, "決裁依頼: 1件目", group_key="document:1")
    assert DBTaskResult.objects.count() == 1
    assert outbox == []

    call_command(
        "db_worker", batch=True, reload=False, startup_delay=False, verbosity=0
    )
    assert [m.subject for m in outbox] == ["[庁内ポータル] 決裁依頼: 1件目"]
    call_command(
        "db_worker", batch=True, reload=False, startup_delay=False, verbosity=0
    )
    assert len(outbox) == 1

    # Killed mid-send: claimed (with its watchdog task) but never finished.
    assign(kakaricho, "決裁依頼: 2件目", group_key="document:2")
    second = EmailDelivery.objects.get(group_key="document:2")
    DBTaskResult.objects.all().delete()  # the dead worker's task is gone for good
    emails._claim(second.pk, timezone.now(), watchdog=True)
    watchdog = DBTaskResult.objects.get()
    assert watchdog.run_after > timezone.now() + datetime.timedelta(minutes=9)

    emails.send_due_emails(now=watchdog.run_after)
    emails.send_due_emails(now=watchdog.run_after + datetime.timedelta(minutes=1))
    assert [m.subject for m in outbox] == [
        "[庁内ポータル] 決裁依頼: 1件目",
        "[庁内ポータル] 決裁依頼: 2件目",
    ]


def test_periodic_command_sends_what_is_due(kakaricho, outbox, settings, commit):
    settings.NOTIFICATION_EMAIL_DELAY = 0
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    with commit():
        assign(kakaricho)
    assert outbox == []  # the task was queued, and lost
    call_command("send_notification_emails", verbosity=0)
    assert len(outbox) == 1


# -- The message --------------------------------------------------------------------


def test_the_email_is_japanese_with_plain_text_and_html(
    applicant, kakaricho, outbox, settings, later, commit
):
    settings.WAGTAILADMIN_BASE_URL = "https://intranet.ward.example.jp"
    with commit():
        assign(
            kakaricho,
            actor=applicant,
            body="ノートパソコン3台の購入について、決裁をお願いします。",
        )
    emails.send_due_emails(now=later(minutes=3))
    [message] = outbox
    text = message.body
    assert text.startswith("鈴木 一郎 様\n\n庁内ポータルに新しいお知らせがあります。\n")
    assert "■ 決裁依頼: 備品購入について\nシステムからのお知らせ｜" in text
    assert "｜佐藤 花子\nノートパソコン3台の購入について" in text
    assert "https://intranet.ward.example.jp/approvals/42/" in text
    assert "https://intranet.ward.example.jp/notifications/settings/" in text
    assert "返信されてもお答えできません" in text
    assert "千代田区役所 庁内ポータル" in text

    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert 'href="https://intranet.ward.example.jp/approvals/42/"' in html
    assert "ノートパソコン3台" in html

    headers = message.message()
    assert headers["Auto-Submitted"] == "auto-generated"
    assert headers["List-Unsubscribe"] == (
        "<https://intranet.ward.example.jp/notifications/settings/>"
    )
    subject = str(
        email.header.make_header(email.header.decode_header(headers["Subject"]))
    )
    assert subject == "[庁内ポータル] 決裁依頼: 備品購入について"


def test_html_part_escapes_what_people_typed(kakaricho, outbox, later, commit):
    with commit():
        assign(kakaricho, subject="<script>alert(1)</script>", body="<b>太字</b>")
    emails.send_due_emails(now=later(minutes=3))
    html = outbox[0].alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;b&gt;太字&lt;/b&gt;" in html


def test_defaults_send_approvals_immediately(kakaricho):
    prefs = for_person(kakaricho)
    assert prefs.mode_for(Kind.SYSTEM) == EmailMode.IMMEDIATE
    assert prefs.mode_for(Kind.PROPOSAL_PUBLISHED) == EmailMode.DIGEST
    assert prefs.mode_for("a_kind_added_later") == EmailMode.IMMEDIATE
    assert not prefs.has_quiet_hours
