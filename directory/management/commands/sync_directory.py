"""manage.py sync_directory — bring people, units and groups in from LDAP / AD.

Incremental by default (entries changed since the last successful run, with an overlap
window); --full reads everything and deactivates people who are gone; --dry-run prints
exactly what would change and writes nothing; --ldif FILE reads an LDIF file instead of
a server; --unlock clears the lock a killed run left behind (refused while that run's
process is alive) and records who cleared it. Exit status 1 when the run failed or was
aborted (nothing was changed).
"""

import getpass
import socket
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.ldap import lock
from directory.ldap.sync import SyncAlreadyRunning, run_sync
from directory.tasks import sync_directory_task

LABELS = {
    "units": "units",
    "people": "people",
    "groups": "groups",
    "diff": "comparing",
    "write": "writing",
}


class Command(BaseCommand):
    help = "Sync the staff directory from LDAP / Active Directory (or an LDIF file)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--full",
            action="store_true",
            help="read every entry and deactivate people no longer in the directory",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="print what would change; write nothing",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="go ahead even beyond the deactivation threshold",
        )
        parser.add_argument(
            "--ldif", metavar="FILE", help="read entries from an LDIF file"
        )
        parser.add_argument(
            "--unlock",
            action="store_true",
            help="clear the lock of a run whose process has ended (refused while it "
            "is alive); records who cleared it",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="queue the sync as a background task instead (for cron/systemd)",
        )

    def handle(self, *args, full, dry_run, force, ldif, enqueue, unlock, **options):
        if unlock:
            self._unlock()
            return
        if enqueue:
            result = sync_directory_task.enqueue(full=full, force=force)
            self.stdout.write(f"Queued background task {result.id}.")
            return
        progress = self._progress if sys.stderr.isatty() else None
        try:
            result = run_sync(
                full=full,
                ldif=ldif,
                dry_run=dry_run,
                force=force,
                trigger="command",
                progress=progress,
            )
        except SyncAlreadyRunning as error:
            raise CommandError(str(error)) from None
        if progress is not None:
            sys.stderr.write("\r\033[K")
        plan = result.plan
        if plan is not None and (dry_run or options["verbosity"] > 1):
            for line in plan.lines:
                self.stdout.write(line)
        if plan is not None:
            for warning in plan.warnings:
                self.stderr.write(f"warning: {warning}")
            counts = plan.counts
            self.stdout.write(
                f"{'would change' if dry_run else 'read'}: {counts.entries_read} entries; "
                f"created {counts.created}, updated {counts.updated}, "
                f"moved {counts.moved}, deactivated {counts.deactivated}, "
                f"reactivated {counts.reactivated}, re-linked {counts.relinked}, "
                f"released {counts.released}, quarantined {counts.quarantined}, "
                f"units {counts.units_changed}, "
                f"group memberships {counts.groups_changed}"
                + ("" if plan.full else " (incremental)")
            )
        if not result.ok:
            raise CommandError(result.message)
        self.stdout.write(self.style.SUCCESS(result.message))

    def _unlock(self) -> None:
        by = f"{getpass.getuser()}@{socket.gethostname()}"
        try:
            run = lock.unlock(by=by)
        except lock.LockHeld as error:
            raise CommandError(str(error)) from None
        if run is None:
            self.stdout.write(
                _("ロックはかかっていません（実行中の名簿同期はありません）。")
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(started)s に開始した名簿同期のロックを解除しました"
                    "（解除者 %(by)s として記録しました）。"
                )
                % {
                    "started": timezone.localtime(run.started_at).strftime(
                        "%Y-%m-%d %H:%M"
                    ),
                    "by": by,
                }
            )
        )

    def _progress(self, stage: str, count: int) -> None:
        sys.stderr.write(f"\r\033[K{LABELS.get(stage, stage)}: {count:,}")
        sys.stderr.flush()
