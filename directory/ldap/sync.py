"""The directory sync: read everything first, diff in memory, write in one transaction.

``run_sync()`` is what the command, the background task and the demo call. It fails
closed — nothing is written — when the server is unreachable or a search is partial,
when LDAP returns no people at all, or when the run would deactivate more people than
the threshold allows (unless forced). Every run except a dry run is recorded as a
``SyncRun``; the partial unique index on running runs is the lock that keeps two runs
from overlapping (lock.py).

The steps live apart: source.py reads, plan.py computes the plan (mapping.py for
entries, identity.py for who is who), apply.py writes it.
"""

from __future__ import annotations

import datetime
import gc
import math
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..managed import directory_writes
from ..models import (
    Person,
    SyncRun,
)
from . import lock
from .apply import apply_plan
from .apply import end_memberships as end_memberships
from .config import LdapConfig
from .lock import SyncAlreadyRunning as SyncAlreadyRunning
from .plan import Plan, build_plan
from .source import (
    DirectoryUnavailable,
    IncompleteRead,
    LdapSource,
    LdifSource,
    Marks,
    ReadResult,
)


class SyncAborted(Exception):
    """A safety check stopped the run before anything was written."""


@dataclass
class SyncResult:
    ok: bool
    message: str
    run: SyncRun | None = None
    plan: Plan | None = None


Progress = Callable[[str, int], None]


# --- the lock and the record -----------------------------------------------------------


def _finish_run(run: SyncRun, status: str, *, plan=None, error="", read=0) -> None:
    run.status = status
    run.finished_at = timezone.now()
    run.error = error
    run.entries_read = read
    if plan is not None:
        for name, value in plan.counts.as_dict().items():
            setattr(run, name, value)
        run.warnings = "\n".join(plan.warnings)[:20000]
        run.quarantine = "\n".join(plan.quarantine)[:20000]
        if status == SyncRun.Status.SUCCEEDED:
            run.high_water = plan.marks.high_water
            run.invocation_id = plan.marks.invocation_id
            if run.mode == SyncRun.Mode.INCREMENTAL and plan.full:
                run.mode = SyncRun.Mode.FULL  # no usable mark: it read everything
    run.save()


def last_marks() -> Marks | None:
    """The high-water marks of the latest successful LDAP run."""
    run = (
        SyncRun.objects.filter(status=SyncRun.Status.SUCCEEDED)
        .exclude(mode=SyncRun.Mode.LDIF)
        .exclude(high_water="")
        .order_by("-started_at", "-id")
        .first()
    )
    return Marks(run.high_water, run.invocation_id) if run else None


# --- the run ---------------------------------------------------------------------------


def run_sync(
    *,
    config: LdapConfig | None = None,
    full: bool = False,
    ldif: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    trigger: str = "command",
    effective_date: datetime.date | None = None,
    progress: Progress | None = None,
) -> SyncResult:
    """Sync people, units and groups from LDAP/AD (or ``ldif``) into the directory.

    ``full`` reads everything and deactivates people who are gone; otherwise only
    what changed since the last successful run. Returns a SyncResult; raises
    SyncAlreadyRunning when another run holds the lock. A dry run computes and returns
    the plan and writes nothing, not even a record.
    """
    # Tens of thousands of long-lived entries and records: the cyclic garbage
    # collector would otherwise re-scan them again and again while they pile up.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run_sync(
            config=config,
            full=full,
            ldif=ldif,
            dry_run=dry_run,
            force=force,
            trigger=trigger,
            effective_date=effective_date,
            progress=progress,
        )
    finally:
        if was_enabled:
            gc.enable()


def _run_sync(
    *,
    config: LdapConfig | None = None,
    full: bool = False,
    ldif: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    trigger: str = "command",
    effective_date: datetime.date | None = None,
    progress: Progress | None = None,
) -> SyncResult:
    config = config or LdapConfig.from_settings()
    effective_date = effective_date or timezone.localdate()
    if ldif:
        source = LdifSource(ldif, config)
        mode = SyncRun.Mode.LDIF
    else:
        source = LdapSource(config, progress)
        mode = SyncRun.Mode.FULL if full else SyncRun.Mode.INCREMENTAL
    run = None
    if not dry_run:
        run = lock.acquire(
            mode=mode, trigger=trigger, forced=force, source=source.describe()
        )
        progress = _beating(run, progress)
        if isinstance(source, LdapSource):
            source.progress = progress
    read_count = 0
    plan = None
    try:
        if not ldif and not config.enabled:
            raise DirectoryUnavailable(_("LDAP_URIS が設定されていません。"))
        read = source.read(previous=None if full else last_marks(), full=full)
        read_count = len(read.people) + len(read.units or []) + len(read.groups or [])
        if progress is not None:
            progress("diff", read_count)
        plan = build_plan(
            read,
            config=config,
            effective_date=effective_date,
            still_present=getattr(source, "present", None),
        )
        plan.counts.entries_read = read_count
        check_safety(plan, read, config=config, force=force)
        if dry_run:
            return SyncResult(True, _("ドライラン：何も変更していません。"), plan=plan)
        with transaction.atomic(), directory_writes():
            apply_plan(plan, effective_date=effective_date, progress=progress)
    except SyncAborted as error:
        if run is not None:
            _finish_run(
                run,
                SyncRun.Status.ABORTED,
                plan=plan,
                error=str(error),
                read=read_count,
            )
        return SyncResult(False, str(error), run=run, plan=plan)
    except (DirectoryUnavailable, IncompleteRead) as error:
        message = _(
            "%(server)s から読み込めませんでした（何も変更していません）: %(error)s"
        ) % {"server": source.describe() or "LDAP", "error": error}
        if run is not None:
            _finish_run(
                run, SyncRun.Status.FAILED, plan=plan, error=message, read=read_count
            )
        return SyncResult(False, message, run=run, plan=plan)
    except Exception as error:
        if run is not None:
            _finish_run(
                run,
                SyncRun.Status.FAILED,
                plan=plan,
                error=f"{type(error).__name__}: {error}",
                read=read_count,
            )
        raise
    _finish_run(run, SyncRun.Status.SUCCEEDED, plan=plan, read=read_count)
    return SyncResult(True, _("名簿同期が完了しました。"), run=run, plan=plan)


def _beating(run: SyncRun, progress: Progress | None) -> Progress:
    """The progress callback, beating the lock's heartbeat as the run goes."""

    def report(stage: str, count: int) -> None:
        lock.beat(run)
        if progress is not None:
            progress(stage, count)

    return report


def deactivation_limit(active_people: int, config: LdapConfig) -> int:
    """How many deactivations one run may make: the smaller of the percentage (at
    least one person) and the absolute cap."""
    by_share = max(1, math.ceil(active_people * config.deactivate_max_percent / 100))
    return min(by_share, config.deactivate_max_count)


def check_safety(plan: Plan, read: ReadResult, *, config: LdapConfig, force: bool):
    if read.full and not plan.people_seen:
        raise SyncAborted(
            _(
                "LDAP から職員が1件も返りませんでした。設定（検索ベース・フィルター）を確認してください。何も変更していません。"
            )
        )
    if force:
        return
    active = Person.objects.filter(is_active=True).count()
    limit = deactivation_limit(active, config)
    if plan.counts.deactivated > limit:
        raise SyncAborted(
            _(
                "%(count)d 人を無効化しようとしたため中止しました（上限 %(limit)d 人）。"
                "内容を確認のうえ --force で実行してください。何も変更していません。"
            )
            % {"count": plan.counts.deactivated, "limit": limit}
        )
