"""The people finder: any part of a name in kanji, kana or romaji, unit, post, extension,
e-mail — width-, kana- and case-insensitive — in 五十音順. Five queries at most.
"""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, Q

from .models import Membership, OrgUnit, Person, Post, PresencePeriod, today
from .text import normalize

MAX_TOKENS = 6


def _matching_units(tokens: list[str], day: datetime.date) -> dict[str, set[int]]:
    """Per token: the units on ``day`` whose name, reading, code or short name contains
    it, with every unit below them (a 課 includes its 係)."""
    units = list(
        OrgUnit.objects.on(day).values_list(
            "id", "path", "name", "name_kana", "code", "short_name"
        )
    )
    texts = [
        (pk, path, normalize(" ".join((name, kana, code, short))))
        for pk, path, name, kana, code, short in units
    ]
    found: dict[str, set[int]] = {}
    for token in tokens:
        paths = [path for _pk, path, text in texts if token in text]
        found[token] = (
            {pk for pk, path, _text in texts if path.startswith(tuple(paths))}
            if paths
            else set()
        )
    return found


def _matching_posts(tokens: list[str]) -> dict[str, set[int]]:
    posts = [
        (pk, normalize(f"{name} {code}"))
        for pk, name, code in Post.objects.values_list("id", "name", "code")
    ]
    return {token: {pk for pk, text in posts if token in text} for token in tokens}


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
    units = _matching_units(tokens, day)
    posts = _matching_posts(tokens)
    people = Person.objects.filter(is_active=True)
    for token in tokens:
        condition = Q(search_text__contains=token)
        if units[token] or posts[token]:
            members = Membership.objects.on(day).filter(
                Q(unit_id__in=units[token]) | Q(post_id__in=posts[token])
            )
            condition |= Q(pk__in=members.values("person_id"))
        people = people.filter(condition)
    people = people.order_by("sort_key", "id").prefetch_related(
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
    results = list(people[:limit])
    for person in results:
        person.current_presence = (
            person.presence_today[0] if person.presence_today else None
        )
    return results
