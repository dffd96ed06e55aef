"""The people finder: any part of a name in kanji, kana or romaji, unit, post, extension,
e-mail — width-, kana- and case-insensitive — in 五十音順. Five queries at most.
"""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, Q, Value
from django.db.models.functions import Concat

from .models import Membership, OrgUnit, Person, Post, PresencePeriod, today
from .text import normalize

MAX_TOKENS = 6


def _matching_units_and_posts(
    tokens: list[str], day: datetime.date
) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """Per token: the units on ``day`` whose name, reading, code or short name contains
    it, with every unit below them (a 課 includes its 係); and the matching posts.
    One query for both."""
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
) -> list[Person]:
    """Active people matching every word of ``query``, in 五十音順 (by reading).

    Each person comes with ``current_memberships`` (units and posts on ``day``, 本務
    first) and ``current_presence`` (the PresencePeriod covering ``day`` or None), so
    a result list needs no further queries.
    """
    tokens = normalize(query).split()[:MAX_TOKENS]
    if not tokens:
        return []
    day = day or today()
    units, posts = _matching_units_and_posts(tokens, day)
    # `is_active IN (true)` rather than a bare boolean, so that SQLite searches the
    # covering index person_finder (is_active, sort_key, id, search_text).
    matches = Person.objects.filter(is_active__in=[True])
    for token in tokens:
        condition = Q(search_text__contains=token)
        if units[token] or posts[token]:
            members = Membership.objects.on(day).filter(
                Q(unit_id__in=units[token]) | Q(post_id__in=posts[token])
            )
            condition |= Q(pk__in=members.values("person_id"))
        matches = matches.filter(condition)
    ids = list(matches.order_by("sort_key", "id").values_list("id", flat=True)[:limit])
    if not ids:
        return []
    people = Person.objects.filter(pk__in=ids)
    people = people.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.on(day)
            .select_related("unit", "post")
            .order_by("-is_primary", "post__rank", "id"),
            to_attr="current_memberships",
        ),
        Prefetch(
            "presence_periods",
            queryset=PresencePeriod.objects.covering(day).order_by(
                "-start_date", "-id"
            ),
            to_attr="presence_today",
        ),
    )
    by_id = {person.pk: person for person in people}
    results = [by_id[pk] for pk in ids]
    for person in results:
        person.current_presence = (
            person.presence_today[0] if person.presence_today else None
        )
    return results


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
