"""python manage.py records_expiring — run daily (cron or the task worker)."""

from django.core.management.base import BaseCommand

from workflows.records.services.expiring import notify_expiring


class Command(BaseCommand):
    help = (
        "In the fiscal year's last quarter, tell the records managers which records "
        "reach the end of their retention period by 31 March."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="send outside January–March too"
        )

    def handle(self, *args, force, **options):
        count = notify_expiring(force=force)
        self.stdout.write(f"{count} records announced")
