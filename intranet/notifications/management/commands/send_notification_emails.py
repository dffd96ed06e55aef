"""Send every notification e-mail that is due: the periodic sweep and digest job.

The task worker normally sends each e-mail at its due time; run this every few
minutes (systemd timer or cron) so that digests and retries go out even if a task was
lost. It is idempotent: running it twice, or beside the worker, never sends twice.
"""

from django.core.management.base import BaseCommand

from intranet.notifications.emails import send_due_emails


class Command(BaseCommand):
    help = "Send the notification e-mails (immediate and daily digests) that are due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=500, help="at most this many e-mails per run"
        )

    def handle(self, *args, limit, verbosity, **options):
        report = send_due_emails(limit=limit)
        if verbosity:
            self.stdout.write(
                "sent {sent}, skipped {skipped}, postponed {postponed}, "
                "retrying {retrying}, failed {failed}".format(**report.as_dict())
            )
