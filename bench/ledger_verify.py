"""verify_ledger at scale: the hash chain and every decided document's content.

    python -m bench.ledger_verify [--quick]

A throwaway database (SQLite in a temporary directory; BENCH_DATABASE_URL=postgres://…
for PostgreSQL) holds a ward (bench.approvals' synthetic organisation) and decided
documents with their route and a 決裁 ledger entry each (its record digest computed by
workflows.integrity, the chain by workflows.ledger): 1,000, then 100,000 (quick: 10,000).

Target (issue 19): the cost stays linear — time per document at the large size ÷ time
per document at 1,000 ≤ 1.5 (CPU time of this process: with SQLite the database work is
included). Absolute times, documents per second and queries are printed for information.
"""

from __future__ import annotations

import os
import signal
import sys
import time

from bench._common import arguments, median, report, setup_django, throwaway_database

BENCH = "ledger_verify"


def add_decision_entries(after_pk: int) -> int:
    """A 決裁 entry for every decided document past ``after_pk``, chained like
    workflows.ledger.append does, written in bulk."""
    from django.db import transaction
    from django.utils import timezone

    from workflows import integrity, ledger
    from workflows.models import LedgerEntry, LedgerHead

    head = LedgerHead.objects.filter(pk=1).first() or LedgerHead.objects.create(
        pk=1, sequence=0, entry_hash=ledger.GENESIS
    )
    sequence, previous = head.sequence, head.entry_hash
    at = timezone.now()
    for chunk in integrity.decided_batches(2000, after=after_pk):
        entries = []
        for document in chunk:
            sequence += 1
            entry = LedgerEntry(
                sequence=sequence,
                document_id=document.pk,
                action=LedgerEntry.Action.DECIDE,
                actor_id=None,
                at=at,
                data={
                    "number": document.number_label,
                    "fiscal_year": document.fiscal_year,
                    "content": "",
                    "record": integrity.record_digest(
                        document,
                        steps=document.steps.all(),
                        attachments=document.attachments.all(),
                    ),
                },
                previous_hash=previous,
            )
            entry.entry_hash = previous = ledger.digest_of(entry)
            entries.append(entry)
        with transaction.atomic():
            LedgerEntry.objects.bulk_create(entries)
        after_pk = chunk[-1].pk
    LedgerHead.objects.filter(pk=1).update(sequence=sequence, entry_hash=previous)
    return after_pk


def measure(rounds: int) -> tuple[float, float, int, int]:
    """Median CPU and wall seconds of a whole check (chain + contents), queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workflows import integrity, ledger

    cpu, wall, queries = [], [], 0
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            chain = ledger.verify()
            contents = integrity.verify_contents()
            cpu.append(time.process_time() - cpu_started)
            wall.append(time.perf_counter() - started)
        assert chain.ok and contents.ok, (chain.problems[:3], contents.mismatches[:3])
        queries = len(captured)
    return median(cpu), median(wall), queries, contents.documents


def main() -> int:
    args = arguments(__doc__.splitlines()[0])
    large = 10_000 if args.quick else 100_000
    cleanup = throwaway_database(os.environ.get("BENCH_DATABASE_URL"), BENCH)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(2))
    try:
        setup_django()
        from bench.approvals import Org, _rules, add_history

        org = Org(2_000)
        general, rule = _rules(org)
        figures = {}
        last_pk = 0
        for size, start in ((1_000, 0), (large, 1_000)):
            clock = time.perf_counter()
            add_history(org, rule, general, start=start, count=size - start)
            last_pk = add_decision_entries(last_pk)
            print(
                f"{size:,} decided documents set up in "
                f"{time.perf_counter() - clock:.1f} s",
                flush=True,
            )
            cpu, wall, queries, documents = measure(3 if size == 1_000 else 1)
            assert documents == size, documents
            figures[size] = (cpu, wall, queries)
            print(
                f"verify at {size:,}: CPU {cpu:.2f} s, wall {wall:.2f} s, "
                f"{size / wall:,.0f} documents/s, {queries} queries",
                flush=True,
            )
        small_cpu, _small_wall, small_queries = figures[1_000]
        large_cpu, large_wall, large_queries = figures[large]
        ratio = (large_cpu / large) / (small_cpu / 1_000)
        report(
            bench=BENCH,
            metric=f"CPU per document at {large:,} ÷ at 1,000",
            value=round(ratio, 2),
            target="<= 1.5",
            ok=ratio <= 1.5,
            documents=large,
            cpu_seconds_small=round(small_cpu, 3),
            cpu_seconds_large=round(large_cpu, 2),
            wall_seconds_large=round(large_wall, 2),
            documents_per_second=round(large / large_wall),
            queries_small=small_queries,
            queries_large=large_queries,
            database=os.environ["DATABASE_URL"].split(":", 1)[0],
        )
        return 0
    finally:
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
