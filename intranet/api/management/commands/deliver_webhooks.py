"""Send every webhook delivery that is due: the periodic sweep beside the worker.

The task worker sends each delivery at once and each retry at its due time; run this
every few minutes (systemd timer or cron) so a retry whose task was lost still goes
out. Running it twice, or beside the worker, never sends a delivery twice.
"""

from django.core.management.base import BaseCommand

from intranet.api.webhooks import deliver_due


class Command(BaseCommand):
    help = "Send the webhook deliveries (first attempts and retries) that are due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=500, help="at most this many per run"
        )

    def handle(self, *args, limit, verbosity, **options):
        sent = deliver_due(limit=limit)
        if verbosity:
            self.stdout.write(f"attempted {sent}")
