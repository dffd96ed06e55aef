"""The 文書管理簿 of a 年度 streamed: queries bounded, memory flat.

    python -m bench.records_register [--quick]

A throwaway database (SQLite in a temporary directory; with BENCH_DATABASE_URL set to
postgres://…/NAME, a throwaway NAME_bench_… database on that server, dropped at the end)
holds one 年度 with 10,000 decided documents and another with 100,000 (quick: 2,500
and 10,000: both beyond one fetched chunk),
each with a 収受 for every tenth, filed under a 分類 and 簿冊, built with bulk_create.
The register of each 年度 is written as CSV (the command's path: ``register_rows`` →
``exports.csv_lines``) into a sink that only counts bytes.

Targets (issue 18):
- SQL queries for the large 年度 == for the small one (and ≤ 6): they do not grow with
  the count;
- peak traced memory (tracemalloc) for the large 年度 ÷ for the small one ≤ 2.0.
Times are printed for information.
"""

from __future__ import annotations

import datetime
import os
import signal
import sys
import time
import tracemalloc

from bench._common import arguments, report, setup_django, throwaway_database

BENCH = "records_register"
SMALL_YEAR, LARGE_YEAR = 2024, 2025
BATCH = 5_000


def _world():
    from directory.models import Membership, OrgUnit, Person, Post
    from workflows.models import DocumentSeries, DocumentType
    from workflows.records.models import Binder, Classification, ClassificationTable

    since = datetime.date(2020, 4, 1)
    ward = OrgUnit.objects.create(
        code="ward", name="千代田区", kind="ward", valid_from=since
    )
    post = Post.objects.create(code="shuji", name="主事", rank=70)
    sections, people, series = [], [], []
    for n in range(20):
        section = OrgUnit.objects.create(
            code=f"ka{n}",
            name=f"第{n}課",
            kind="section",
            parent=ward,
            valid_from=since,
        )
        person = Person.objects.create(
            username=f"p{n}", last_name="職員", first_name=str(n)
        )
        Membership.objects.create(
            person=person, unit=section, post=post, valid_from=since
        )
        sections.append(section)
        people.append(person)
        series.append(DocumentSeries.objects.create(unit=section, prefix=f"千代{n}"))
    general = DocumentType.objects.create(code="general", name="一般文書")
    table = ClassificationTable.objects.create(
        fiscal_year=2019,
        published_at=datetime.datetime(2019, 4, 1, tzinfo=datetime.UTC),
    )
    major = Classification.objects.create(table=table, level=1, code="1", name="総務")
    middle = Classification.objects.create(
        table=table, level=2, code="1-1", name="文書", parent=major
    )
    leaf = Classification.objects.create(
        table=table,
        level=3,
        code="1-1-1",
        name="文書事務",
        parent=middle,
        retention_years=5,
    )
    binders = {
        (section.pk, year): Binder.objects.create(
            section=section, classification=leaf, fiscal_year=year, name="文書事務"
        )
        for section in sections
        for year in (SMALL_YEAR, LARGE_YEAR)
    }
    return sections, people, series, general, leaf, binders


def _fill(world, year: int, count: int) -> None:
    from workflows.models import Document
    from workflows.records.lifecycle import expiry_date
    from workflows.records.models import IncomingDocument

    sections, people, series, general, leaf, binders = world
    decided_at = datetime.datetime(year, 10, 1, 3, tzinfo=datetime.UTC)
    completed = decided_at.date()
    expires = expiry_date(completed, 5)
    for start in range(0, count, BATCH):
        documents, incoming = [], []
        for n in range(start, min(count, start + BATCH)):
            k = n % len(sections)
            number = n // len(sections) + 1
            documents.append(
                Document(
                    title=f"{year}年度の起案 {n}",
                    document_type=general,
                    applicant=people[k],
                    filer=people[k],
                    applicant_unit=sections[k],
                    owner_section=sections[k],
                    state=Document.State.DECIDED,
                    number_series=series[k],
                    fiscal_year=year,
                    number=number,
                    number_label=f"{series[k].prefix}第{number}号",
                    confidential=n % 50 == 0,
                    submitted_at=decided_at,
                    decided_at=decided_at,
                    closed_at=decided_at,
                    classification=leaf,
                    binder=binders[(sections[k].pk, year)],
                    completed_on=completed,
                    expires_on=expires,
                )
            )
            if n % 10 == 0:
                incoming.append(
                    IncomingDocument(
                        series=series[k],
                        fiscal_year=year,
                        number=number,
                        number_label=f"{series[k].prefix}収第{number}号",
                        received_on=completed,
                        channel="mail",
                        sender="東京都",
                        title=f"{year}年度の収受 {n}",
                        section=sections[k],
                        assignee=people[k],
                        registered_by=people[k],
                        classification=leaf,
                        binder=binders[(sections[k].pk, year)],
                    )
                )
        Document.objects.bulk_create(documents)
        IncomingDocument.objects.bulk_create(incoming)


def _stream(year: int) -> tuple[int, int, int, float]:
    """(rows, queries, peak bytes, seconds) of writing the year's register as CSV."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workflows import exports
    from workflows.records.register import columns, register_rows

    rows = 0
    size = 0
    with CaptureQueriesContext(connection) as captured:
        tracemalloc.start()
        started = time.perf_counter()
        for line in exports.csv_lines(register_rows(fiscal_year=year), columns()):
            rows += 1
            size += len(line)
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return rows - 1, len(captured), peak, seconds


def main() -> int:
    args = arguments(__doc__.splitlines()[0])
    large = 10_000 if args.quick else 100_000
    small = 2_500 if args.quick else 10_000
    cleanup = throwaway_database(os.environ.get("BENCH_DATABASE_URL"), BENCH)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(2))
    try:
        setup_django()
        from django.db import connection
        from django.utils import translation

        translation.activate("ja")
        world = _world()
        t0 = time.perf_counter()
        _fill(world, SMALL_YEAR, small)
        _fill(world, LARGE_YEAR, large)
        print(f"data: {small + large:,} documents in {time.perf_counter() - t0:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        _stream(SMALL_YEAR)  # warm-up: translations, the first query plans
        small_rows, small_queries, small_peak, small_s = _stream(SMALL_YEAR)
        large_rows, large_queries, large_peak, large_s = _stream(LARGE_YEAR)
        expected = (small + small // 10, large + large // 10)
        assert (small_rows, large_rows) == expected, (small_rows, large_rows)
        for label, rows, queries, peak, seconds in (
            ("small", small_rows, small_queries, small_peak, small_s),
            ("large", large_rows, large_queries, large_peak, large_s),
        ):
            print(
                f"{label}: {rows:,} rows, {queries} queries, peak "
                f"{peak / 1024:.0f} KiB, {seconds:.2f} s ({connection.vendor})"
            )
        ratio = large_peak / small_peak
        ok = large_queries == small_queries <= 6 and ratio <= 2.0
        report(
            bench=BENCH,
            metric="peak_memory_ratio",
            value=round(ratio, 2),
            target="<= 2.0 and queries equal (<= 6)",
            ok=ok,
            database=connection.vendor,
            rows_small=small_rows,
            rows_large=large_rows,
            queries_small=small_queries,
            queries_large=large_queries,
            peak_kib_small=round(small_peak / 1024),
            peak_kib_large=round(large_peak / 1024),
            seconds_small=round(small_s, 2),
            seconds_large=round(large_s, 2),
        )
        return 0
    finally:
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
