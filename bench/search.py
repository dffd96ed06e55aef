"""Site search at scale: the results page over 10,000 pages and 20,000 people.

    python -m bench.search [--quick]

A throwaway database (SQLite in a temporary directory; with BENCH_DATABASE_URL set to
postgres://…/NAME, a throwaway NAME_bench_… database, dropped at the end) holds
20,000 people and 10,000 Wagtail pages (quick: 2,000 pages) written in office Japanese
from a vocabulary of office words (so that 会議 or 稟議 hit a realistic share), plus a
building with rooms and desks.

Targets (issue 7):
- search p95 ≤ 100 ms through the results view (/search/?q=…, Django test client,
  session and all), ≤ 10 SQL queries per search request. The time judged is the
  request's own cost (this process's CPU time, plus the SQL time on PostgreSQL); the
  wall time is printed too, but on a shared machine it mostly measures the run queue;
- indexing the pages ≤ 2.0 × the time to save them without indexing.

Also printed, for the record of the choice in docs/architecture.md: the SQL time of the
bigram full-text match against a LIKE scan of a normalised-text column, same data.
"""

from __future__ import annotations

import gc
import os
import random
import signal
import sys
import time

from bench._common import (
    arguments,
    median,
    percentile,
    report,
    setup_django,
    throwaway_database,
)
from bench.directory_sync import GIVEN, SURNAMES

BENCH = "search"

# Office words searched for, with rough weights, among many common filler words, so
# that 会議 is in about a quarter of the pages, 決裁 in one in ten, 押印 in one in twenty.
WORDS = {
    "会議": 15, "資料": 12, "職員": 12, "業務": 12, "予算": 8, "稟議": 4,
    "押印": 3, "決裁": 6, "研修": 6, "庁舎": 4, "窓口": 6, "申請": 8,
    "手続き": 6, "住民": 8, "届出": 3, "様式": 4, "規程": 3, "要綱": 3,
    "通知": 6, "照会": 3, "回答": 4, "議事録": 3, "契約": 4, "入札": 2,
    "防災": 3, "訓練": 3, "福祉": 3, "子育て": 3, "保育": 2, "健康": 3,
    "検診": 2, "税務": 2, "納付": 2, "証明書": 3, "戸籍": 2, "住民票": 2,
    "マイナンバー": 2, "テレワーク": 2, "ペーパーレス": 2, "デジタル": 3,
    "システム": 4, "更新": 3, "改修": 2, "点検": 2, "清掃": 1, "備品": 2,
    "購入": 2, "出張": 2, "旅費": 1, "勤務": 3, "休暇": 2, "時間外": 2,
    "人事": 2, "異動": 2, "評価": 2, "広報": 2, "区報": 1, "ホームページ": 2,
    "説明会": 2, "意見": 3, "募集": 2, "提案": 3, "改善": 3, "効率化": 2,
    "委託": 2, "事業者": 2, "選定": 2, "電子化": 2, "公開": 2, "個人情報": 2,
}  # fmt: skip
FILLER = [
    "状況", "結果", "担当", "各課", "本年度", "計画", "方針", "内容", "対応", "実施",
    "確認", "調整", "検討", "報告", "作成", "管理", "運用", "整備", "推進", "充実",
    "期間", "対象", "方法", "目的", "概要", "経緯", "課題", "効果", "費用", "日程",
    "場所", "連絡", "依頼", "提出", "変更", "追加", "削除", "継続", "強化", "支援",
    "相談", "案内", "周知", "徹底", "把握", "分析", "集計", "共有",
]  # fmt: skip
WORDS.update(dict.fromkeys(FILLER, 25))
TEMPLATES = [
    "{a}の{b}について",
    "{a}に関する{b}の見直し",
    "{a}と{b}を{c}します。",
    "本年度は{a}の{b}を進め、{c}の状況を各課に報告します。",
    "{a}については、{b}担当が{c}を取りまとめ、\n{d}の結果を共有します。",
    "{a}の手順（{b}・{c}）を掲載しました。",
]
QUERIES = [
    "会議", "稟議", "押印", "決裁", "予算", "研修", "電子化", "テレワーク",
    "ぺーぱーれす", "ﾏｲﾅﾝﾊﾞｰ", "住民票", "防災 訓練", "会議 資料", "個人情報",
    "佐藤", "さとう", "第3会議室", "DX", "斉藤",
]  # fmt: skip


def _writer(seed: int):
    rng = random.Random(seed)
    words, weights = list(WORDS), list(WORDS.values())

    def sentence() -> str:
        picked = rng.choices(words, weights=weights, k=4)
        return rng.choice(TEMPLATES).format(
            a=picked[0], b=picked[1], c=picked[2], d=picked[3]
        )

    def title() -> str:
        picked = rng.choices(words, weights=weights, k=2)
        return rng.choice(TEMPLATES[:2]).format(a=picked[0], b=picked[1], c="")

    def body() -> str:
        return "".join(sentence() for _ in range(rng.randint(4, 12)))

    return title, body


def make_people(count: int) -> None:
    from directory.models import Membership, OrgUnit, Person, Post, search_fields

    since = "2020-04-01"
    post = Post.objects.create(code="shuji", name="主事", rank=70)
    units = [
        OrgUnit.objects.create(
            code=f"u{n}", name=f"第{n}課", kind="section", valid_from=since
        )
        for n in range(40)
    ]
    units[0].name = "総務課"
    units[0].save()
    people = []
    for n in range(count):
        surname, surname_kana = SURNAMES[n % len(SURNAMES)]
        given, given_kana = GIVEN[(n // len(SURNAMES)) % len(GIVEN)]
        fields = {
            "last_name": surname,
            "first_name": given,
            "last_name_kana": surname_kana,
            "first_name_kana": given_kana,
            "username": f"staff{n:05d}",
            "email": f"staff{n:05d}@ward.example.jp",
            "extension": f"{2000 + n % 8000}",
        }
        sort_key, search_text = search_fields(
            romaji_name="", employee_number=None, **fields
        )
        people.append(
            Person(
                **fields,
                password="!",  # noqa: S106 - Django's "unusable password"
                sort_key=sort_key,
                search_text=search_text,
            )
        )
    Person.objects.bulk_create(people, batch_size=2000)
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    Membership.objects.bulk_create(
        [
            Membership(
                person_id=pk,
                unit=units[i % len(units)],
                post=post,
                valid_from=since,
            )
            for i, pk in enumerate(ids)
        ],
        batch_size=5000,
    )


def make_spaces() -> None:
    from spaces.models import Building, Floor, Resource

    building = Building.objects.create(code="honcho", name="本庁舎")
    for level in range(1, 6):
        floor = Floor.objects.create(building=building, name=f"{level}階", level=level)
        Resource.objects.bulk_create(
            [
                Resource(
                    kind=Resource.Kind.ROOM,
                    floor=floor,
                    code=f"{level}0{n}",
                    name=f"第{n}会議室",
                    capacity=8,
                )
                for n in range(1, 5)
            ]
            + [
                Resource(kind=Resource.Kind.DESK, floor=floor, code=f"{level}-D{n:02d}")
                for n in range(60)
            ]
        )


def save_pages(home, count: int, *, seed: int) -> tuple[list, float]:
    """Save ``count`` live pages under 20 sections (treebeard add_child, as the CMS
    does); no search indexing happens on save. Returns the pages and the seconds."""
    from wagtail.models import Page

    title, body = _writer(seed)
    started = time.perf_counter()
    sections = [
        home.add_child(instance=Page(title=f"{title()}（分類{n}）", slug=f"s{n}"))
        for n in range(20)
    ]
    pages = list(sections)
    for n in range(count - len(sections)):
        pages.append(
            sections[n % len(sections)].add_child(
                instance=Page(
                    title=title(),
                    slug=f"p{n}",
                    search_description=body(),
                    live=True,
                )
            )
        )
    return pages, time.perf_counter() - started


def measure_search(client, queries: list[str], rounds: int):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    gc.collect()
    for query in queries:  # warm the per-process caches and the session
        client.get("/search/", {"q": query})
    wall, cpu, counts, per_query = [], [], [], {}
    for _ in range(rounds):
        for query in queries:
            with CaptureQueriesContext(connection) as captured:
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get("/search/", {"q": query})
                elapsed = time.perf_counter() - started
                own = time.process_time() - cpu_started
            if connection.vendor != "sqlite":  # SQLite's work is in our own CPU time
                own += sum(float(q["time"]) for q in captured.captured_queries)
            cpu.append(own)
            assert response.status_code == 200, response.status_code
            wall.append(elapsed)
            counts.append(len(captured))
            per_query.setdefault(query, []).append((elapsed, len(captured)))
    return wall, cpu, counts, per_query


def measure_suggest(client, queries: list[str]):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wall, counts = [], []
    for query in queries:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            client.get("/search/suggest/", {"q": query})
            wall.append(time.perf_counter() - started)
        counts.append(len(captured))
    return wall, counts


def compare_like(queries: list[str], rounds: int) -> tuple[float, float]:
    """Median SQL time of (count + top 10, titles first): bigram full-text index vs a
    LIKE scan of normalised title and body columns holding the same text."""
    from django.db import connection

    from directory.text import normalize
    from intranet.search.models import PageEntry
    from intranet.search.pages import matching_entries
    from intranet.search.tokens import query_terms

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_like (id integer, title text, body text)")
        rows = [
            (pk, normalize(title), normalize(body))
            for pk, title, body in PageEntry.objects.values_list("pk", "title", "body")
        ]
        cursor.executemany("INSERT INTO bench_like VALUES (%s, %s, %s)", rows)

    class Everyone:  # search_pages' visibility needs a signed-in user
        is_authenticated = is_active = is_superuser = True

    fts, like = [], []
    for _ in range(rounds):
        for query in queries:
            terms = query_terms(query)
            started = time.perf_counter()
            entries = matching_entries(Everyone, terms)
            entries.count()
            list(entries.values_list("pk", flat=True)[:10])
            fts.append(time.perf_counter() - started)
            where = " AND ".join(["(title LIKE %s OR body LIKE %s)"] * len(terms))
            params = [p for t in terms for p in (f"%{t.text}%", f"%{t.text}%")]
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM bench_like WHERE {where}", params)  # noqa: S608
                cursor.fetchall()
                cursor.execute(
                    f"SELECT id FROM bench_like WHERE {where} "  # noqa: S608
                    "ORDER BY (title LIKE %s) DESC, id DESC LIMIT 10",
                    [*params, f"%{terms[0].text}%"],
                )
                cursor.fetchall()
            like.append(time.perf_counter() - started)
    return median(fts), median(like)


def main() -> int:
    args = arguments(__doc__.splitlines()[0])
    page_count = 2_000 if args.quick else 10_000
    people = 20_000
    cleanup = throwaway_database(os.environ.get("BENCH_DATABASE_URL"), BENCH)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(2))
    try:
        setup_django()
        from django.conf import settings
        from django.db import connection

        # Wagtail's own (admin) search index off while saving: a leaner baseline
        # for the ratio, and a quick run that stays quick.
        settings.WAGTAILSEARCH_BACKENDS = {
            name: {**params, "AUTO_UPDATE": False}
            for name, params in settings.WAGTAILSEARCH_BACKENDS.items()
        }
        from django.test import Client

        from directory.models import Person
        from intranet.home.site import ensure_home_page
        from intranet.search import index, signals

        index.ensure_schema()
        vendor = connection.vendor
        started = time.perf_counter()
        make_people(people)
        make_spaces()
        print(f"{people} people and rooms in {time.perf_counter() - started:.1f} s")
        home = ensure_home_page()
        signals.disconnect()
        pages, save_seconds = save_pages(home, page_count, seed=7)
        print(f"saved {len(pages)} pages in {save_seconds:.1f} s (no search index)")
        started = time.perf_counter()
        indexed = index.rebuild()
        index_seconds = time.perf_counter() - started
        print(f"indexed {indexed} pages in {index_seconds:.1f} s (rebuild)")
        index_size = _index_size()
        print(
            f"index size: {index_size['token_chars']:,} token characters, "
            f"{index_size['person_search_chars']:,} people search characters"
        )
        # Publishing one page at a time, with and without the index (the signal),
        # interleaved page by page: the incremental cost on top of Wagtail's own.
        sample = pages[20 : 45 if args.quick else 220]
        publish_with, publish_without = _publish_both(sample, signals)
        print(
            f"publishing {len(sample)} pages: {publish_with:.2f} s with the index, "
            f"{publish_without:.2f} s without"
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would, after a bulk load

        user = Person.objects.order_by("pk").first()
        client = Client()
        client.force_login(user)
        rounds = 2 if args.quick else 6
        wall, cpu, counts, per_query = measure_search(client, QUERIES, rounds)
        suggest_wall, suggest_counts = measure_suggest(client, QUERIES)
        fts_ms, like_ms = compare_like(QUERIES, 2)
        for query, samples in per_query.items():
            times = [s[0] for s in samples]
            print(
                f"  {query!r:>16}: median {median(times) * 1000:6.1f} ms, "
                f"{max(s[1] for s in samples)} queries"
            )
        p95 = percentile(wall, 0.95)
        # The target is judged on the request's own cost: this process's CPU time,
        # plus the SQL time on PostgreSQL. On a shared 2-core machine the wall time
        # mostly measures the run queue (printed too).
        cost_p95 = percentile(cpu, 0.95)
        ratio = index_seconds / save_seconds
        print(
            f"search p95 {p95 * 1000:.1f} ms (median {median(wall) * 1000:.1f} ms, "
            f"own CPU (+SQL) p95 {cost_p95 * 1000:.1f} ms), "
            f"queries max {max(counts)} median {median(counts)}; "
            f"suggest p95 {percentile(suggest_wall, 0.95) * 1000:.1f} ms, "
            f"queries max {max(suggest_counts)}; "
            f"SQL match+count median: bigram index {fts_ms * 1000:.1f} ms, "
            f"LIKE {like_ms * 1000:.1f} ms"
        )
        report(
            bench=BENCH,
            metric="search_cost_p95_ms",
            value=round(cost_p95 * 1000, 1),
            target="<= 100 ms, <= 10 queries; indexing <= 2.0 x save",
            ok=cost_p95 <= 0.1 and max(counts) <= 10 and ratio <= 2.0,
            search_wall_p95_ms=round(p95 * 1000, 1),
            database=vendor,
            pages=len(pages),
            people=people,
            search_median_ms=round(median(wall) * 1000, 1),
            queries_max=max(counts),
            queries_median=median(counts),
            suggest_p95_ms=round(percentile(suggest_wall, 0.95) * 1000, 1),
            suggest_queries_max=max(suggest_counts),
            save_s=round(save_seconds, 2),
            index_s=round(index_seconds, 2),
            index_over_save=round(ratio, 3),
            publish_with_over_without=round(publish_with / publish_without, 3),
            sql_bigram_ms=round(fts_ms * 1000, 2),
            sql_like_ms=round(like_ms * 1000, 2),
            **index_size,
        )
        return 0
    finally:
        cleanup()


def _index_size() -> dict[str, int]:
    """What the folding stores: token characters of the page index and of the
    people's search text (the same figures whatever the database)."""
    from django.db.models import Sum
    from django.db.models.functions import Length

    from directory.models import Person
    from intranet.search.models import PageEntry

    tokens = PageEntry.objects.aggregate(
        n=Sum(Length("title_tokens") + Length("body_tokens"))
    )["n"]
    people = Person.objects.aggregate(n=Sum(Length("search_text")))["n"]
    return {"token_chars": tokens or 0, "person_search_chars": people or 0}


def _publish_both(pages, signals) -> tuple[float, float]:
    with_index = without = 0.0
    for page in pages:
        signals.connect()
        started = time.perf_counter()
        page.save_revision().publish()
        with_index += time.perf_counter() - started
        signals.disconnect()
        started = time.perf_counter()
        page.save_revision().publish()
        without += time.perf_counter() - started
    signals.connect()
    return with_index, without


if __name__ == "__main__":
    sys.exit(main())
