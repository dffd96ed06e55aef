"""The people finder: any part of a name in kanji, kana or romaji, unit, post, extension,
e-mail — width-, kana-, 異体字- and case-insensitive, names also through the names layer
(斎藤 finds 斉藤: ``directory.text.normalize_name``) — in 五十音順, matches as written
first, then those found through a 異体字 (高橋 lists 高橋 before 髙橋; 斎藤 before 齋藤),
then those found through the names layer (斉藤, 齊藤). Five queries at most (four while
the units and posts are cached).
"""

from __future__ import annotations

import datetime
import time

from django.db.models import Case, Q, Value, When
from django.db.models.functions import Concat

from .models import Membership, OrgUnit, Person, Post, PresencePeriod, today
from .text import (
    MAX_QUERY_WORDS,
    fold,
    fold_name,
    has_variants,
    normalize,
    spellings,
    tidy,
)

MAX_TOKENS = MAX_QUERY_WORDS
# What a result list shows of each membership (the rest is left deferred).
MEMBERSHIP_FIELDS = (
    "id",
    "person_id",
    "is_primary",
    "valid_from",
    "valid_until",
    "unit__id",
    "unit__name",
    "unit__code",
    "unit__short_name",
    "unit__kind",
    "unit__path",
    "post__id",
    "post__name",
    "post__code",
    "post__rank",
    "post__heads_unit",
)


# The units and posts, normalised, per day: a small per-process cache. Saves of units
# and posts (signals) and every sync clear it; other processes see changes within
# CACHE_SECONDS.
CACHE_SECONDS = 60
_cache: dict[datetime.date, tuple[float, list, list]] = {}


def clear_cache(**_kwargs) -> None:
    _cache.clear()


def _units_and_posts(day: datetime.date) -> tuple[list, list]:
    cached = _cache.get(day)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1], cached[2]
    units = (
        OrgUnit.objects.on(day)
        .order_by()
        .annotate(kind_of=Value("u"))
        .values_list("kind_of", "id", "path", "search_text")
    )
    posts = (
        Post.objects.order_by()
        .annotate(
            kind_of=Value("p"),
            no_path=Value(""),
            text=Concat("name", Value(" "), "code"),
        )
        .values_list("kind_of", "id", "no_path", "text")
    )
    unit_rows, post_rows = [], []
    for kind, pk, path, text in units.union(posts, all=True):
        if kind == "u":
            unit_rows.append((pk, path, text))
        else:
            post_rows.append((pk, normalize(text)))
    if len(_cache) > 8:
        _cache.clear()
    _cache[day] = (time.monotonic() + CACHE_SECONDS, unit_rows, post_rows)
    return unit_rows, post_rows


def _matching_units_and_posts(
    tokens: list[str], day: datetime.date
) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """Per token: the units on ``day`` whose name, reading, code or short name contains
    it, with every unit below them (a 課 includes its 係); and the matching posts.
    One query for both, or none while cached."""
    unit_rows, post_rows = _units_and_posts(day)
    found_units: dict[str, set[int]] = {}
    found_posts: dict[str, set[int]] = {}
    for token in tokens:
        paths = tuple(path for _pk, path, text in unit_rows if token in text)
        found_units[token] = (
            {pk for pk, path, _text in unit_rows if path.startswith(paths)}
            if paths
            else set()
        )
        found_posts[token] = {pk for pk, text in post_rows if token in text}
    return found_units, found_posts


def search_people(
    query: str,
    *,
    limit: int = 20,
    day: datetime.date | None = None,
    with_presence: bool = True,
) -> list[Person]:
    """Active people matching every word of ``query``, in 五十音順 (by reading).

    Each person comes with ``current_memberships`` (units and posts on ``day``, 本務
    first) and, unless ``with_presence`` is False, ``current_presence`` (the
    PresencePeriod covering ``day`` or None), so a result list needs no further
    queries.
    """
    tokens = normalize(query).split()[:MAX_TOKENS]
    if not tokens:
        return []
    # Kanji words as typed, for ranking: 高橋 lists the 高橋 before the 髙橋.
    typed = fold(tidy(query), kanji_variants=False).split()[:MAX_TOKENS]
    as_typed = [
        word for word, token in zip(typed, tokens, strict=True) if has_variants(token)
    ]
    day = day or today()
    units, posts = _matching_units_and_posts(tokens, day)
    # `is_active IN (true)` rather than a bare boolean, so that SQLite searches the
    # covering index person_finder (is_active, sort_key, id, search_text).
    matches = Person.objects.filter(is_active__in=[True])
    for token in tokens:
        # People's stored text is folded for names too (斉藤 is stored as 斎藤).
        condition = Q(search_text__contains=fold_name(token))
        if units[token] or posts[token]:
            members = Membership.objects.on(day).filter(
                Q(unit_id__in=units[token]) | Q(post_id__in=posts[token])
            )
            condition |= Q(pk__in=members.values("person_id"))
        matches = matches.filter(condition)
    # The match runs on the covering index as a subquery; only the page of people
    # found is read from the table, in the same query.
    order = ["sort_key", "id"]
    # Each word as typed, and written with the 異体字 of its kanji (齋藤 for 斎藤).
    written_ways = [spellings(word) for word in as_typed]
    if as_typed:
        as_written, through_variant = Q(), Q()
        for ways in written_ways:
            as_written &= Q(written_name__contains=ways[0])
            any_way = Q()
            for way in ways:
                any_way |= Q(written_name__contains=way)
            through_variant &= any_way
        matches = matches.annotate(
            written_name=Concat("last_name", "first_name"),
            match_rank=Case(
                When(as_written, then=0), When(through_variant, then=1), default=2
            ),
        )
        order = ["match_rank", *order]
    first_ids = matches.order_by(*order).values("id")[:limit]
    results = list(Person.objects.filter(pk__in=first_ids).order_by("sort_key", "id"))
    if not results:
        return []
    if as_typed:
        results.sort(key=lambda person: match_rank(person, written_ways))
    ids = [person.pk for person in results]
    # Hand-made prefetches: Django's Prefetch machinery costs more than the queries.
    memberships: dict[int, list[Membership]] = {pk: [] for pk in ids}
    for membership in (
        Membership.objects.on(day)
        .filter(person_id__in=ids)
        .select_related("unit", "post")
        .only(*MEMBERSHIP_FIELDS)
        .order_by("-is_primary", "post__rank", "id")
    ):
        memberships[membership.person_id].append(membership)
    presence: dict[int, PresencePeriod] = {}
    periods = (
        PresencePeriod.objects.covering(day)
        .filter(person_id__in=ids)
        .order_by("start_date", "id")
    )
    for period in periods if with_presence else ():
        presence[period.person_id] = period  # the latest start wins
    for person in results:
        person.current_memberships = memberships[person.pk]
        person.current_presence = presence.get(person.pk)
        person.presence_today = [presence[person.pk]] if person.pk in presence else []
    return results


def match_rank(person: Person, written_ways: list[list[str]]) -> int:
    """0 when the name holds every word as typed, 1 when it holds each through a
    異体字 (齋藤 for 斎藤), 2 when only the names layer joins them (斉藤 for 斎藤)."""
    name = person.last_name + person.first_name
    if all(ways[0] in name for ways in written_ways):
        return 0
    if all(any(way in name for way in ways) for ways in written_ways):
        return 1
    return 2


# PostgreSQL only: a trigram index lets `search_text LIKE '%…%'` use an index instead of
# reading every row (SQLite uses the covering index person_finder). Run by migration
# 0006 and by the benchmark, which builds its schema without migrations.
POSTGRES_SEARCH_INDEX = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS person_search_trgm ON directory_person "
    "USING gin (search_text gin_trgm_ops)",
]


def create_postgres_search_index(connection) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in POSTGRES_SEARCH_INDEX:
            cursor.execute(statement)
