"""Faults in the middle of an approval: the database connection dropped, Redis down.

An approval either happened entirely or not at all; a retry does not act twice; the
approval ledger's hash chain verifies afterwards (``manage.py verify_ledger``).

On PostgreSQL the connection is really killed (``pg_terminate_backend`` from a second
connection) just before the k-th statement of the approval. SQLite has no server to
lose: there the k-th statement fails with the error a lost or broken database gives,
which exercises the same all-or-nothing transaction.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import Error, OperationalError, connection, connections

from tests.hardening.conftest import decide
from tests.workflows.conftest import active_step, draft, rules, submitted, zaisei
from workflows import services
from workflows.errors import ApprovalError
from workflows.models import Document, LedgerEntry, RouteStep

__all__ = ["draft", "rules", "submitted", "zaisei"]


def verify_ledger() -> str:
    out = io.StringIO()
    call_command("verify_ledger", stdout=out)  # exits 1 (SystemExit) when broken
    return out.getvalue()


def state_of(document: Document) -> tuple:
    document = Document.objects.get(pk=document.pk)
    steps = tuple(
        RouteStep.objects.filter(document=document)
        .order_by("pk")
        .values_list("status", "acted_by_id")
    )
    ledger = LedgerEntry.objects.filter(document=document).count()
    return document.state, document.version, steps, ledger


def terminate(pid: int) -> None:
    """Terminate a PostgreSQL backend from another connection (what a failover or
    an administrator's pg_terminate_backend does to it)."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


class DropConnection:
    """An execute wrapper that loses the database just before statement ``at``."""

    def __init__(self, at: int, pid: int | None):
        self.at, self.pid, self.seen, self.fired = at, pid, 0, False

    def __call__(self, execute, sql, params, many, context):
        if not connection.in_atomic_block:
            return execute(sql, params, many, context)
        self.seen += 1
        if self.seen == self.at:
            self.fired = True
            if self.pid is not None:
                terminate(self.pid)
            else:
                raise OperationalError("disk I/O error (simulated)")
        return execute(sql, params, many, context)


def backend_pid() -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def statements_in_one_approval(submitted, kakaricho) -> int:
    """How many statements an approval runs inside its transaction (the COMMIT and
    what runs after it, such as the live push, not counted)."""
    document = submitted(title="数えるための文書")
    step = active_step(document)
    counter = DropConnection(at=0, pid=None)
    with connection.execute_wrapper(counter):
        services.approve(step=step, by=kakaricho)
    return counter.seen


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_connection_lost_during_an_approval_is_all_or_nothing(
    submitted, kakaricho, kacho, where
):
    total = statements_in_one_approval(submitted, kakaricho)
    at = {"first": 1, "middle": total // 2, "last": total}[where]
    document = submitted()
    step = active_step(document)
    before = state_of(document)
    drop = DropConnection(at, backend_pid())
    with (
        pytest.raises(Error) as failure,
        connection.execute_wrapper(drop),
    ):
        services.approve(step=step, by=kakaricho)
    assert drop.fired
    assert not isinstance(failure.value, ApprovalError)
    connection.close()  # Django reconnects on the next query
    # Nothing of the approval is left: not the step, not the ledger, not the version.
    assert state_of(document) == before
    assert "Ledger OK" in verify_ledger()

    # The person presses the button again: it happens once.
    services.approve(step=RouteStep.objects.get(pk=step.pk), by=kakaricho)
    after = state_of(document)
    assert after != before
    with pytest.raises(ApprovalError):
        services.approve(step=RouteStep.objects.get(pk=step.pk), by=kakaricho)
    assert state_of(document) == after
    approvals = LedgerEntry.objects.filter(document=document, actor=kakaricho)
    assert approvals.count() == after[3] - before[3]
    # The route goes on to the 課長 and the decision as usual.
    assert decide(document).state == Document.State.DECIDED
    assert "Ledger OK" in verify_ledger()


@pytest.mark.django_db(transaction=True)
def test_a_dead_connection_before_the_request_is_replaced(submitted, kakaricho):
    """A connection killed while idle (a database failover) fails one query at most:
    the next approval on a fresh connection works."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no server connection to lose while idle")
    document = submitted()
    terminate(backend_pid())
    with pytest.raises(OperationalError):
        Document.objects.count()
    connection.close()
    services.approve(step=active_step(document), by=kakaricho)
    assert "Ledger OK" in verify_ledger()


@pytest.mark.django_db(transaction=True)
def test_approvals_work_with_redis_down(submitted, kakaricho, settings, client):
    """The live push fails quietly (logged once); the action and its ledger entry
    are committed and the notification is stored for the next page load."""
    from channels.layers import channel_layers

    from intranet.notifications import live
    from intranet.notifications.models import Notification
    from tests.support.slapd import free_port

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": f"redis://127.0.0.1:{free_port()}/0",
                        "socket_connect_timeout": 1,
                    }
                ]
            },
        }
    }
    channel_layers.backends.clear()
    live.health.down, live.health.retry_at = False, 0.0
    try:
        document = submitted()
        step = active_step(document)
        client.force_login(kakaricho)
        response = client.post(
            f"/approvals/{document.pk}/act/approve/",
            {"step": step.pk, "version": document.version, "comment": ""},
        )
        assert response.status_code == 302
        assert RouteStep.objects.get(pk=step.pk).status != RouteStep.Status.ACTIVE
        assert live.health.down  # the push was tried and failed
        assert Notification.objects.filter(recipient__username="takahashi").exists()
    finally:
        channel_layers.backends.clear()
        live.health.down, live.health.retry_at = False, 0.0
    assert "Ledger OK" in verify_ledger()


@pytest.mark.django_db(transaction=True)
def test_approval_emails_wait_for_a_stopped_worker_and_go_out_once(
    submitted, kakaricho, kacho, settings
):
    """The worker is down while documents move: the e-mails are queued with the
    approval's commit, none is lost, and a restarted worker sends each once."""
    from django.core import mail
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.NOTIFICATION_EMAIL_DELAY = 0
    mail.outbox = []
    document = submitted(title="作業員停止中の文書")
    services.approve(step=active_step(document), by=kakaricho)
    assert mail.outbox == []  # no worker running
    assert DBTaskResult.objects.exists()

    def run_worker():
        call_command(
            "db_worker", batch=True, reload=False, startup_delay=False, verbosity=0
        )

    run_worker()
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == sorted([kakaricho.email, kacho.email])
    assert all("作業員停止中の文書" in m.subject + m.body for m in mail.outbox)
    run_worker()  # restarted again: nothing is sent twice
    assert len(mail.outbox) == 2
    assert "Ledger OK" in verify_ledger()
