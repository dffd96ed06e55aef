"""Check the approval ledger: its hash chain (altered, inserted and deleted entries) and
every decided document's content against its 決裁 entry (reported by 文書番号).

Exit status 0 when everything holds, 1 when anything is wrong. Record the printed
head (sequence and hash) somewhere else regularly and pass it back with --anchor to
detect a chain rewritten as a whole (see docs/operations.md).
"""

from django.core.management.base import BaseCommand, CommandError

from workflows.integrity import verify_contents
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
        parser.add_argument(
            "--chain-only",
            action="store_true",
            help="check the hash chain only, not the decided documents' content",
        )

    def handle(self, *args, **options):
        report = verify(anchors=dict(options["anchor"]))
        problems = [str(problem) for problem in report.problems]
        summary = (
            f"{report.entries} entries, head #{report.head_sequence} {report.head_hash}"
        )
        if not options["chain_only"]:
            contents = verify_contents()
            problems += [str(mismatch) for mismatch in contents.mismatches]
            summary += f", {contents.documents} decided documents checked"
        for problem in problems:
            self.stderr.write(problem)
        if not problems:
            self.stdout.write(self.style.SUCCESS(f"Ledger OK: {summary}"))
            return
        self.stderr.write(f"Ledger NOT OK ({len(problems)} problems): {summary}")
        raise SystemExit(1)
