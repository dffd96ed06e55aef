"""The sync's lock: a killed run never blocks for hours, --unlock refuses while the
holder lives and records who cleared it, and the admin shows every run's outcome."""

from __future__ import annotations

import datetime
import os
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from directory.ldap import lock
from directory.ldap.sync import SyncAlreadyRunning, run_sync
from directory.models import SyncRun
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def ended_pid() -> int:
    """The id of a process that has run and ended."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def running(**fields) -> SyncRun:
    return SyncRun.objects.create(mode=SyncRun.Mode.FULL, **fields)


def unlock_command() -> str:
    from io import StringIO

    out = StringIO()
    call_command("sync_directory", "--unlock", stdout=out)
    return out.getvalue()


def test_unlock_refuses_while_the_holder_is_alive():
    run = running(holder_host=lock.this_host(), holder_pid=os.getpid())
    with pytest.raises(CommandError) as error:
        unlock_command()
    assert f"プロセス {os.getpid()}" in str(error.value)
    assert lock.this_host() in str(error.value)
    run.refresh_from_db()
    assert run.status == SyncRun.Status.RUNNING and not run.cleared_by


def test_unlock_clears_a_dead_holder_and_records_who_did():
    run = running(holder_host=lock.this_host(), holder_pid=ended_pid())
    out = unlock_command()
    assert "ロックを解除しました" in out
    run.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED and run.finished_at is not None
    assert "@" in run.cleared_by
    assert "ロックはかかっていません" in unlock_command()


def test_another_hosts_run_is_alive_while_its_heartbeat_is_fresh():
    run = running(
        holder_host="sync-worker-2", holder_pid=1, heartbeat_at=timezone.now()
    )
    with pytest.raises(lock.LockHeld):
        lock.unlock(by="admin@here")
    SyncRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - lock.STALE_HEARTBEAT - datetime.timedelta(1)
    )
    assert lock.unlock(by="admin@here").pk == run.pk


def test_a_killed_run_on_this_host_does_not_block_the_next(settings):
    settings.LDAP = {"URIS": []}
    running(holder_host=lock.this_host(), holder_pid=os.getpid())
    with pytest.raises(SyncAlreadyRunning):
        lock.acquire(mode="full", trigger="test", forced=False, source="")
    SyncRun.objects.update(holder_pid=ended_pid())
    result = run_sync(full=True)  # fails (no server), but is not blocked
    assert result.run is not None
    assert list(SyncRun.objects.order_by("id").values_list("status", flat=True)) == [
        "failed",
        "failed",
    ]
    assert "中断された実行" in SyncRun.objects.order_by("id").first().error


def test_admin_lists_running_failed_and_aborted_runs_with_their_messages(client):
    admin = PersonFactory(username="root", is_staff=True, is_superuser=True)
    running(holder_host="sync-host", holder_pid=4242)
    SyncRun.objects.create(
        mode="full", status="failed", error="ldap://dc1 から読み込めませんでした"
    )
    SyncRun.objects.create(
        mode="full", status="aborted", error="7 人を無効化しようとしたため中止しました"
    )
    SyncRun.objects.create(
        mode="full",
        status="succeeded",
        quarantined=2,
        quarantine="佐藤 花子 (sato)：ユーザーID sato を…",
    )
    client.force_login(admin)
    page = client.get("/django-admin/directory/syncrun/").content.decode()
    for text in (
        "実行中（ホスト sync-host、プロセス 4242）",
        "ldap://dc1 から読み込めませんでした",
        "7 人を無効化しようとしたため中止しました",
        "佐藤 花子 (sato)",
    ):
        assert text in page


def test_the_sync_record_page_shows_holders_clearances_and_quarantines(client):
    admin = PersonFactory(username="root", is_staff=True, is_superuser=True)
    running(holder_host="sync-host", holder_pid=4242)
    SyncRun.objects.create(
        mode="full", status="failed", error="打ち切り", cleared_by="ops@host1"
    )
    SyncRun.objects.create(
        mode="full",
        status="succeeded",
        quarantined=1,
        quarantine="佐藤 花子 (sato)：ユーザーID sato を…",
    )
    client.force_login(admin)
    page = client.get("/people/sync/").content.decode()
    assert "実行中（ホスト sync-host、プロセス 4242）" in page
    assert "（解除者 ops@host1）" in page
    assert "保留 1 件（反映していません）" in page
    assert "佐藤 花子 (sato)" in page
