"""Add archive timestamps (PAdES B-LTA) to signed decided PDFs, in bulk.

Without options: every signed PDF that has none yet. ``--all``: every signed PDF,
renewing the timestamp chain (run it before the TSA's certificate or its hash
algorithm ages out; see docs/operations.md). Exit status 1 if any failed.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from workflows import signing
from workflows.models import SignedPdf


class Command(BaseCommand):
    help = "Append archive timestamps (PAdES B-LTA) to signed decided PDFs."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="renew the timestamp chain of every signed PDF, not only new ones",
        )

    def handle(self, *args, **options):
        if signing.timestamper() is None:
            raise CommandError("TSA_URL is not set: archive timestamps need a TSA.")
        pending = SignedPdf.objects.order_by("pk")
        if not options["all"]:
            pending = pending.exclude(level=SignedPdf.Level.B_LTA)
        done = failed = 0
        for pk in pending.values_list("pk", flat=True).iterator():
            try:
                with transaction.atomic():
                    signed = SignedPdf.objects.select_for_update().get(pk=pk)
                    signing.add_archive_timestamp(signed)
            except Exception as error:  # one bad file must not stop the run
                failed += 1
                self.stderr.write(f"signed PDF {pk}: {error}")
                continue
            done += 1
        self.stdout.write(f"Archive timestamps added: {done}, failed: {failed}")
        if failed:
            raise SystemExit(1)
