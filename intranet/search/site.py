"""One search box over the whole intranet: pages, people, rooms and desks, decided
documents — each found by its own app's search, grouped by kind.

Dependencies point down (STYLE.md): this module calls the apps' search functions;
none of them knows about it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory.search import search_people
from directory.text import mark_matches
from spaces.search import search_spaces
from workflows.search import search_documents

from .pages import search_pages, suggest_pages
from .tokens import MAX_QUERY_CHARS


class Kind:
    PAGES = "pages"
    PEOPLE = "people"
    SPACES = "spaces"
    DOCUMENTS = "documents"


LABELS = {
    Kind.PAGES: _("ページ"),
    Kind.PEOPLE: _("職員"),
    Kind.SPACES: _("会議室・座席"),
    Kind.DOCUMENTS: _("決裁済み文書"),
}
KINDS = tuple(LABELS)


@dataclass
class Group:
    kind: str
    label: str
    items: list
    count: int  # all matches when ``exact``, else the items shown
    exact: bool
    more: bool
    more_url: str = ""


@dataclass
class SiteResults:
    query: str
    groups: list[Group] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)


def clean_query(raw: str | None) -> str:
    """What the box may hold: at most 100 characters, no control characters (a NUL
    would be refused by PostgreSQL), white space squeezed."""
    text = "".join(
        " " if unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") else char
        for char in (raw or "")[: MAX_QUERY_CHARS * 2]
    )
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def _url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


def search_site(user, query: str, *, per_group: int = 5) -> SiteResults:
    """Every kind, ``per_group`` hits each; pages are counted exactly, the others say
    "more" when there are more than shown."""
    query = clean_query(query)
    results = SiteResults(query=query)
    if not query:
        return results
    pages = search_pages(user, query, limit=per_group)
    results.groups.append(
        Group(
            kind=Kind.PAGES,
            label=LABELS[Kind.PAGES],
            items=pages.hits,
            count=pages.total,
            exact=True,
            more=pages.total > len(pages.hits),
            more_url=_url("search:results", q=query, kind=Kind.PAGES),
        )
    )
    for kind, finder, more_url in (
        (
            Kind.PEOPLE,
            lambda limit: search_people(query, limit=limit, with_presence=False),
            _url("directory:people", q=query),
        ),
        (
            Kind.SPACES,
            lambda limit: search_spaces(query, limit=limit),
            _url("search:results", q=query, kind=Kind.SPACES),
        ),
        (
            Kind.DOCUMENTS,
            lambda limit: search_documents(user, query, limit=limit),
            _url("workflows:list", q=query, state="decided"),
        ),
    ):
        found = finder(per_group + 1)
        results.groups.append(
            Group(
                kind=kind,
                label=LABELS[kind],
                items=found[:per_group],
                count=min(len(found), per_group),
                exact=len(found) <= per_group,
                more=len(found) > per_group,
                more_url=more_url,
            )
        )
    return results


PAGE_SIZE = 20


def search_one_kind(user, query: str, kind: str, *, page: int = 1) -> Group:
    """The "more" list of pages (paged, exact count) or of rooms and desks."""
    query = clean_query(query)
    if kind == Kind.SPACES:
        found = search_spaces(query, limit=50) if query else []
        return Group(
            kind=kind,
            label=LABELS[kind],
            items=found,
            count=len(found),
            exact=len(found) < 50,
            more=False,
        )
    results = search_pages(user, query, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return Group(
        kind=Kind.PAGES,
        label=LABELS[Kind.PAGES],
        items=results.hits,
        count=results.total,
        exact=True,
        more=results.total > page * PAGE_SIZE,
    )


@dataclass(frozen=True)
class Suggestion:
    kind: str
    label: str  # the kind, shown beside the title
    title: str  # escaped HTML (pages and people mark the match) or plain text
    detail: str
    url: str


MIN_SUGGEST_CHARS = 2


def suggest(user, query: str) -> list[Suggestion]:
    """A few titles for the search box as one types: pages, people, rooms."""
    query = clean_query(query)
    if len(query.replace(" ", "")) < MIN_SUGGEST_CHARS:
        return []
    suggestions = [
        Suggestion(Kind.PAGES, str(LABELS[Kind.PAGES]), hit.title, hit.section, hit.url)
        for hit in suggest_pages(user, query, limit=5)
    ]
    for person in search_people(query, limit=3, with_presence=False):
        unit = next(iter(person.current_memberships), None)
        suggestions.append(
            Suggestion(
                Kind.PEOPLE,
                str(LABELS[Kind.PEOPLE]),
                mark_matches(person.full_name, query, names=True),
                unit.unit.name if unit else "",
                person.get_absolute_url(),
            )
        )
    suggestions.extend(
        Suggestion(Kind.SPACES, hit.kind_label, hit.title, hit.detail, hit.url)
        for hit in search_spaces(query, limit=3)
    )
    return suggestions
