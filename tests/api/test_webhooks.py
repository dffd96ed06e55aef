"""Webhooks: delivered by the task worker to a receiver of our own on 127.0.0.1,
signed (HMAC-SHA256 over timestamp and body), retried, switched off after repeated
failures with a notice to the owner; only events the person could see."""

from __future__ import annotations

import datetime
import http.server
import io
import json
import threading

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from intranet.api import webhooks
from intranet.api.models import WebhookDelivery, WebhookSubscription
from intranet.notifications.models import Notification
from tests.workflows.conftest import active_step
from workflows import services


class Receiver:
    """An HTTP server on 127.0.0.1 that records each POST and answers ``status``."""

    def __init__(self):
        self.requests: list[tuple[dict, bytes]] = []
        self.status = 204
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                receiver.requests.append((dict(self.headers), self.rfile.read(length)))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self) -> list[str]:
        return [json.loads(body)["event"] for _headers, body in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.API = {**settings.API, "WEBHOOK_HOSTS": ["127.0.0.1"]}
    made = Receiver()
    yield made
    made.close()


def subscribe(client, url, events):
    response = client.post("/api/v1/webhooks", {"url": url, "events": events})
    assert response.status_code == 201, response.content
    return response.json()


def test_signed_delivery_to_a_local_receiver(
    office, submitted, api_as, receiver, django_capture_on_commit_callbacks
):
    suzuki = api_as(office.kakaricho, "tasks:read,documents:read,tasks:act")
    created = subscribe(
        suzuki, receiver.url, ["task.assigned", "document.decided", "document.returned"]
    )
    secret = created["secret"]
    assert suzuki.get("/api/v1/webhooks").json()[0]["url"] == receiver.url
    assert "secret" not in suzuki.get("/api/v1/webhooks").json()[0]

    with django_capture_on_commit_callbacks(execute=True):
        document = submitted()
    assert receiver.events() == ["task.assigned"]
    headers, body = receiver.requests[0]
    assert headers["X-Webhook-Signature"].startswith("sha256=")
    assert webhooks.verify(
        secret, headers["X-Webhook-Timestamp"], body, headers["X-Webhook-Signature"]
    )
    assert not webhooks.verify(
        secret,
        headers["X-Webhook-Timestamp"],
        body + b" ",
        headers["X-Webhook-Signature"],
    )
    stale = int(headers["X-Webhook-Timestamp"]) + 301
    assert not webhooks.verify(
        secret,
        headers["X-Webhook-Timestamp"],
        body,
        headers["X-Webhook-Signature"],
        now=stale,
    )
    payload = json.loads(body)
    assert payload["id"] == headers["X-Webhook-Id"]
    assert payload["data"]["document"]["id"] == document.pk
    assert payload["data"]["document"]["title"] == "庁内報の発行について"
    assert payload["data"]["task"]["kind"] == "approval"

    with django_capture_on_commit_callbacks(execute=True):
        services.approve(step=active_step(document), by=office.kakaricho)
        services.approve(step=active_step(document), by=office.kacho)
    assert receiver.events() == ["task.assigned", "document.decided"]
    delivery = WebhookDelivery.objects.get(event="document.decided")
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.attempts == 1
    assert delivery.response_status == 204


def test_only_events_the_person_may_see(
    office, submitted, api_as, receiver, django_capture_on_commit_callbacks
):
    sato = api_as(office.applicant, "documents:read")
    kato = api_as(office.auditor, "documents:read")
    subscribe(sato, receiver.url, ["document.submitted"])
    subscribe(kato, receiver.url + "?auditor", ["document.submitted"])
    with django_capture_on_commit_callbacks(execute=True):
        submitted(applicant=office.kakaricho, title="人事異動の内示", confidential=True)
    # Only the auditor hears of the 秘 document, with its title: sato may not see it.
    assert len(receiver.requests) == 1
    payload = json.loads(receiver.requests[0][1])
    assert payload["data"]["document"]["title"] == "（秘）人事異動の内示"
    delivery = WebhookDelivery.objects.get()
    assert delivery.subscription.token.person == office.auditor


def test_subscriptions_need_the_events_scope_and_an_allowed_host(
    office, api_as, receiver
):
    tasks_only = api_as(office.kakaricho, "tasks:read")
    refused = tasks_only.post(
        "/api/v1/webhooks", {"url": receiver.url, "events": ["document.decided"]}
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "insufficient_scope"
    unknown = tasks_only.post(
        "/api/v1/webhooks", {"url": receiver.url, "events": ["document.eaten"]}
    )
    assert unknown.json()["code"] == "unknown_event"
    for url in (
        "http://169.254.169.254/latest/meta-data",
        "http://localhost:8000/",
        "file:///etc/passwd",
        "http://user:pw@127.0.0.1/",
    ):
        response = tasks_only.post(
            "/api/v1/webhooks", {"url": url, "events": ["task.assigned"]}
        )
        assert response.status_code == 422, url
    assert not WebhookSubscription.objects.exists()


def test_failures_retry_with_backoff_then_switch_off_and_tell_the_owner(
    office,
    submitted,
    api_as,
    receiver,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.API = {**settings.API, "WEBHOOK_MAX_FAILURES": 3}
    receiver.status = 500
    suzuki = api_as(office.kakaricho, "tasks:read")
    created = subscribe(suzuki, receiver.url, ["task.assigned"])
    with django_capture_on_commit_callbacks(execute=True):
        submitted()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.attempts == 1
    assert delivery.response_status == 500
    first_retry = delivery.next_attempt_at
    assert first_retry > timezone.now()
    # Nothing is due yet; then the sweep sends what is due.
    assert webhooks.deliver_due(now=timezone.now()) == 0
    later = timezone.now() + datetime.timedelta(hours=1)
    assert webhooks.deliver_due(now=later) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at - later == webhooks.BACKOFF[1]
    webhooks.deliver_due(now=later + datetime.timedelta(hours=1))
    delivery.refresh_from_db()
    subscription = WebhookSubscription.objects.get(pk=created["id"])
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 3
    assert not subscription.is_active
    assert subscription.consecutive_failures == 3
    notice = Notification.objects.get(recipient=office.kakaricho, kind="system")
    assert receiver.url in notice.subject
    assert len(receiver.requests) == 3
    # A switched-off subscription gets nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        submitted(title="二件目")
    assert WebhookDelivery.objects.count() == 1


def test_a_redirect_is_a_failure(
    office, submitted, api_as, receiver, django_capture_on_commit_callbacks
):
    receiver.status = 302
    suzuki = api_as(office.kakaricho, "tasks:read")
    subscribe(suzuki, receiver.url, ["task.assigned"])
    with django_capture_on_commit_callbacks(execute=True):
        submitted()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.response_status == 302


def test_unsubscribe(office, api_as, receiver):
    suzuki = api_as(office.kakaricho, "tasks:read")
    created = subscribe(suzuki, receiver.url, ["task.assigned"])
    other = api_as(office.kacho, "tasks:read")
    assert other.delete(f"/api/v1/webhooks/{created['id']}").status_code == 404
    assert suzuki.delete(f"/api/v1/webhooks/{created['id']}").status_code == 204
    assert not WebhookSubscription.objects.get().is_active


SWEEP = "intranet.api.tasks.deliver_due_webhooks"


def _run_worker():
    call_command(
        "db_worker", batch=True, reload=False, startup_delay=False, verbosity=0
    )


def _time_passes(delivery) -> None:
    """The retry's due time has come (for the delivery and the task waiting for it)."""
    due = timezone.now() - datetime.timedelta(seconds=1)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=due)
    DBTaskResult.objects.filter(status="READY", task_path=SWEEP).update(run_after=due)


@pytest.mark.django_db(transaction=True)
def test_the_task_worker_sends_the_retry_when_it_falls_due(
    office, submitted, api_as, receiver, settings
):
    """With the database task backend and a real db_worker: a failed attempt leaves
    the sweep task waiting for the retry's time; when it comes, the worker sends the
    same event again, signed afresh, and the receiver accepts it."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    receiver.status = 503
    suzuki = api_as(office.kakaricho, "tasks:read")
    secret = subscribe(suzuki, receiver.url, ["task.assigned"])["secret"]
    submitted()
    _run_worker()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.attempts == 1 and len(receiver.requests) == 1
    (waiting,) = DBTaskResult.objects.filter(status="READY", task_path=SWEEP)
    assert waiting.run_after == delivery.next_attempt_at
    _run_worker()  # not due yet: nothing is sent
    assert len(receiver.requests) == 1

    receiver.status = 204
    _time_passes(delivery)
    _run_worker()
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.attempts == 2 and delivery.response_status == 204
    (first_headers, first), (headers, body) = receiver.requests
    assert headers["X-Webhook-Id"] == first_headers["X-Webhook-Id"]
    assert body == first
    assert webhooks.verify(
        secret, headers["X-Webhook-Timestamp"], body, headers["X-Webhook-Signature"]
    )
    _run_worker()
    assert len(receiver.requests) == 2


def test_the_deliver_webhooks_command_sweeps_what_a_lost_task_missed(
    office, submitted, api_as, receiver, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }  # the tasks are lost: nothing but the sweep sends
    suzuki = api_as(office.kakaricho, "tasks:read")
    subscribe(suzuki, receiver.url, ["task.assigned"])
    with django_capture_on_commit_callbacks(execute=True):
        submitted()
    assert receiver.requests == []
    out = io.StringIO()
    call_command("deliver_webhooks", stdout=out)
    assert out.getvalue().strip() == "attempted 1"
    assert receiver.events() == ["task.assigned"]
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED
    out = io.StringIO()
    call_command("deliver_webhooks", stdout=out)
    assert out.getvalue().strip() == "attempted 0"
    assert len(receiver.requests) == 1
