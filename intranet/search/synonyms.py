"""The editors' synonym list, applied to the query (no re-indexing): a query word that
holds one of a group's words is also searched with each other word in its place."""

from __future__ import annotations

from directory.text import normalize
from intranet.core import shared_cache as cache

CACHE_KEY = "search:synonyms:v1"
MAX_ALTERNATIVES = 8


def groups() -> list[tuple[str, ...]]:
    """Every group, its words folded as the index folds them (cached until a change)."""
    cached = cache.get(CACHE_KEY)
    if cached is None:
        from .models import Synonym

        cached = []
        for synonym in Synonym.objects.all():
            folded = tuple(
                dict.fromkeys(normalize(word) for word in synonym.word_list())
            )
            if len(folded) > 1:
                cached.append(folded)
        # Saves and deletes clear it (intranet.search.apps), so a search costs no
        # query for the list and a change applies at once; the hour is for a clear
        # missed while the cache was down.
        cache.set(CACHE_KEY, cached, 3600)
    return cached


def clear(**_kwargs) -> None:
    cache.delete(CACHE_KEY)


def alternatives(text: str) -> tuple[str, ...]:
    """Other spellings of a folded query word: each group word it contains replaced
    by the group's other words (子どもの居場所 → 子供の居場所, こどもの居場所)."""
    found: list[str] = []
    for group in groups():
        for word in group:
            if word not in text:
                continue
            for other in group:
                candidate = text.replace(word, other)
                if other != word and candidate != text and candidate not in found:
                    found.append(candidate)
    return tuple(found[:MAX_ALTERNATIVES])
