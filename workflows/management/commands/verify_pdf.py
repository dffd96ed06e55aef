"""Is FILE an authentic decided document of this ward? The checks of /approvals/verify/
(signature, signer, document number, content against the ledger), one line each.
Exit status 0 when all pass, 1 when any fails."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workflows.verification import verify_pdf


class Command(BaseCommand):
    help = "Verify a decided document's signed PDF against this ward's ledger."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        verdict = verify_pdf(data)
        for check in verdict.checks:
            mark = {True: "OK", False: "NG", None: "--"}[check.ok]
            self.stdout.write(f"{mark} {check.name}: {check.message}")
        if verdict.ok:
            self.stdout.write(
                self.style.SUCCESS(f"{path}: authentic ({verdict.number})")
            )
            return
        self.stderr.write(f"{path}: NOT verified")
        raise SystemExit(1)
