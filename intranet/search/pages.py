"""Searching the page index, respecting publication and view restrictions.

``search_pages(user, query, limit=10, offset=0) -> PageResults``: live pages whose title
or text contains every term, titles matching first, then the most recently published;
one SQL query (the count comes with the rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString

from directory.text import has_variants, spellings, tidy
from intranet.pages.visibility import blocked_for

from . import highlight
from .index import FTS_TABLE, TABLE
from .models import PageEntry
from .tokens import Term, fts5_query, query_terms, tsquery


@dataclass(frozen=True)
class PageHit:
    page_id: int
    url: str
    title: SafeString  # escaped, matches in <mark>
    snippet: SafeString  # escaped, matches in <mark>
    section: str
    title_match: bool
    published_at: object = None


@dataclass(frozen=True)
class PageResults:
    hits: list[PageHit] = field(default_factory=list)
    total: int = 0
    terms: list[Term] = field(default_factory=list)


def visible_entries_for(user) -> QuerySet[PageEntry]:
    """Index entries of live pages that ``user`` may view: neither the page nor any
    page above it carries a restriction the user does not pass."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return PageEntry.objects.none()
    return PageEntry.objects.filter(page__live=True).exclude(
        blocked_for(user, "page__path")
    )


def _matches(terms: list[Term]) -> tuple[RawSQL, RawSQL]:
    """(any column matches, the title matches) as SQL conditions for this database.

    The SQL is our own constants; the query reaches it only as a bound parameter."""
    if connection.vendor == "postgresql":
        query = tsquery(terms)
        condition = "{column} @@ to_tsquery('simple'::regconfig, %s)"
        columns = (
            (f"{TABLE}.search_vector", [query]),
            (f"{TABLE}.title_vector", [query]),
        )
    else:
        query = fts5_query(terms)
        condition = "{table}.page_id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)"
        columns = ("", [query]), ("", [f"title_tokens : ({query})"])
    anywhere, in_title = (
        RawSQL(  # noqa: S611
            condition.format(table=TABLE, column=column, fts=FTS_TABLE),
            params,
            output_field=BooleanField(),
        )
        for column, params in columns
    )
    return anywhere, in_title


def matching_entries(
    user, terms: list[Term], *, written: tuple[str, ...] = ()
) -> QuerySet[PageEntry]:
    """Visible entries containing every term, titles first — among them, titles
    holding the ``written`` words as typed, then those holding them through a 異体字
    (高橋 before 髙橋; 斎藤, then 齋藤, then 斉藤 through the names layer) — then the
    newest."""
    anywhere, in_title = _matches(terms)
    as_written, through_variant = Q(), Q()
    for word in written:
        as_written &= Q(title__contains=word)
        any_way = Q()
        for way in spellings(word):
            any_way |= Q(title__contains=way)
        through_variant &= any_way
    return (
        visible_entries_for(user)
        .filter(anywhere)
        .annotate(
            title_match=in_title,
            title_as_written=ExpressionWrapper(as_written, BooleanField())
            if written
            else Value(True),
            title_through_variant=ExpressionWrapper(through_variant, BooleanField())
            if written
            else Value(True),
        )
        .order_by(
            F("title_match").desc(),
            F("title_as_written").desc(),
            F("title_through_variant").desc(),
            F("page__last_published_at").desc(nulls_last=True),
            "-page_id",
        )
    )


def written_words(query: str) -> tuple[str, ...]:
    """The words of ``query`` holding a kanji that has 異体字, as typed (width
    aside): a title holding them so ranks before one matched through a variant."""
    return tuple(word for word in tidy(query).split() if has_variants(word))


def search_pages(user, query: str, *, limit: int = 10, offset: int = 0) -> PageResults:
    """Pages ``user`` may view matching ``query``; hits are escaped and marked."""
    terms = query_terms(query)
    if not terms:
        return PageResults()
    rows = list(_page_rows(user, terms, written_words(query))[offset : offset + limit])
    hits = [
        PageHit(
            page_id=row.page_id,
            url=row.page.get_url() or "",
            title=highlight.mark(row.title, terms),
            snippet=highlight.snippet(row.body, terms),
            section=row.section,
            title_match=bool(row.title_match),
            published_at=row.page.last_published_at,
        )
        for row in rows
    ]
    total = rows[0].total if rows else (_count(user, terms) if offset else 0)
    return PageResults(hits=hits, total=total, terms=terms)


def _page_rows(
    user, terms: list[Term], written: tuple[str, ...] = ()
) -> QuerySet[PageEntry]:
    return (
        matching_entries(user, terms, written=written)
        .annotate(total=Window(Count("pk")))
        .select_related("page")
        .only(
            "title",
            "body",
            "section",
            "page__id",
            "page__path",
            "page__depth",
            "page__url_path",
            "page__last_published_at",
            "page__live",
        )
    )


def _count(user, terms: list[Term]) -> int:
    anywhere, _ = _matches(terms)
    return visible_entries_for(user).filter(anywhere).count()


def suggest_pages(user, query: str, *, limit: int = 5) -> list[PageHit]:
    """A few page titles for the search box's suggestions (one query, no snippets)."""
    terms = query_terms(query)
    if not terms:
        return []
    rows = list(
        matching_entries(user, terms, written=written_words(query))
        .select_related("page")
        .only("title", "section", "page__id", "page__url_path", "page__path")[:limit]
    )
    return [
        PageHit(
            page_id=row.page_id,
            url=row.page.get_url() or "",
            title=highlight.mark(row.title, terms),
            snippet=SafeString(""),
            section=row.section,
            title_match=bool(row.title_match),
        )
        for row in rows
    ]
