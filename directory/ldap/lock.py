"""The sync's lock: the one RUNNING ``SyncRun`` (a partial unique index holds it), with
its holder (host and process id) and a heartbeat.

A run whose process is gone no longer blocks the next one: on the holder's own host a
dead process id is seen at once; elsewhere a heartbeat older than ``STALE_HEARTBEAT``
(or, for a run that recorded neither, a start older than ``STALE_RUN``) lets it go.
``unlock()`` (``sync_directory --unlock``) clears a stale lock by hand and records who
did; it refuses while the holder is alive.
"""

from __future__ import annotations

import datetime
import os
import socket
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import SyncRun

STALE_RUN = datetime.timedelta(hours=6)
STALE_HEARTBEAT = datetime.timedelta(minutes=10)
HEARTBEAT_EVERY = datetime.timedelta(seconds=30)


class SyncAlreadyRunning(Exception):
    """Another sync holds the lock (a run is RUNNING)."""


class LockHeld(Exception):
    """``unlock()`` refused: the run holding the lock is still alive."""


def this_host() -> str:
    return socket.gethostname()[:255]


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this host (a zombie counts as ended)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    status = Path(f"/proc/{pid}/status")
    try:
        return "\nState:\tZ" not in status.read_text()
    except OSError:
        return True


def holder_alive(run: SyncRun, now: datetime.datetime | None = None) -> bool:
    """Whether the process holding ``run`` may still be working on it."""
    now = now or timezone.now()
    if run.holder_pid and run.holder_host == this_host():
        return process_alive(run.holder_pid)
    if run.heartbeat_at is not None:
        return now - run.heartbeat_at < STALE_HEARTBEAT
    return now - run.started_at < STALE_RUN


def _release_dead_holders() -> None:
    now = timezone.now()
    for run in SyncRun.objects.filter(status=SyncRun.Status.RUNNING):
        if holder_alive(run, now):
            continue
        SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.RUNNING).update(
            status=SyncRun.Status.FAILED,
            finished_at=now,
            error=_(
                "中断された実行（実行していたプロセスが終了したか、応答がなくなったため打ち切り）"
            ),
        )


def acquire(*, mode: str, trigger: str, forced: bool, source: str) -> SyncRun:
    """Start a run record, which is the lock; raises SyncAlreadyRunning if held."""
    _release_dead_holders()
    try:
        with transaction.atomic():
            return SyncRun.objects.create(
                mode=mode,
                trigger=trigger,
                forced=forced,
                source=source[:500],
                holder_host=this_host(),
                holder_pid=os.getpid(),
                heartbeat_at=timezone.now(),
            )
    except IntegrityError:
        raise SyncAlreadyRunning(_("別の名簿同期が実行中です。")) from None


def beat(run: SyncRun) -> None:
    """Tell others the holder is alive (at most every HEARTBEAT_EVERY)."""
    now = timezone.now()
    if run.heartbeat_at is None or now - run.heartbeat_at >= HEARTBEAT_EVERY:
        run.heartbeat_at = now
        SyncRun.objects.filter(pk=run.pk).update(heartbeat_at=now)


def unlock(*, by: str) -> SyncRun | None:
    """Clear the lock of a run whose holder is gone; returns that run (None when no
    run holds the lock). Raises LockHeld, naming the holder, while it is alive."""
    run = SyncRun.objects.filter(status=SyncRun.Status.RUNNING).first()
    if run is None:
        return None
    if holder_alive(run):
        raise LockHeld(
            _(
                "名簿同期（%(started)s 開始）はまだ実行中です（ホスト %(host)s、"
                "プロセス %(pid)s、最終応答 %(heartbeat)s）。終了を待つか、"
                "そのプロセスを止めてから解除してください。"
            )
            % {
                "started": timezone.localtime(run.started_at).strftime(
                    "%Y-%m-%d %H:%M"
                ),
                "host": run.holder_host or "?",
                "pid": run.holder_pid or "?",
                "heartbeat": timezone.localtime(
                    run.heartbeat_at or run.started_at
                ).strftime("%H:%M:%S"),
            }
        )
    now = timezone.now()
    SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.RUNNING).update(
        status=SyncRun.Status.FAILED,
        finished_at=now,
        cleared_by=by[:255],
        error=_("ロックを解除しました（実行していたプロセスは終了していました）。"),
    )
    run.refresh_from_db()
    return run
