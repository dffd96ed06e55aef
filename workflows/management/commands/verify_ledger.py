"""Check the approval ledger's hash chain: reports altered, inserted and deleted entries.

Exit status 0 when the chain is intact, 1 when anything is wrong. Record the printed
head (sequence and hash) somewhere else regularly and pass it back with --anchor to
detect a chain rewritten as a whole (see docs/operations.md).
"""

from django.core.management.base import BaseCommand, CommandError

from workflows.ledger import verify


def anchor(value: str) -> tuple[int, str]:
    sequence, _, digest = value.partition(":")
    if not sequence.isdigit() or len(digest) != 64:
        raise CommandError(f"--anchor {value!r}: expected SEQUENCE:SHA256HEX")
    return int(sequence), digest


class Command(BaseCommand):
    help = (
        "Verify the approval ledger's hash chain (altered, inserted, deleted entries)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            type=anchor,
            help="SEQUENCE:HASH recorded earlier (may be repeated)",
        )

    def handle(self, *args, **options):
        report = verify(anchors=dict(options["anchor"]))
        for problem in report.problems:
            self.stderr.write(str(problem))
        summary = (
            f"{report.entries} entries, head #{report.head_sequence} {report.head_hash}"
        )
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"Ledger OK: {summary}"))
            return
        self.stderr.write(f"Ledger NOT OK ({len(report.problems)} problems): {summary}")
        raise SystemExit(1)
