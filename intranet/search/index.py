"""Keeping the page index: the database objects behind it, and (re)indexing pages.

SQLite: an external-content FTS5 table over ``search_pageentry`` (ascii tokenizer:
tokens are separated by spaces, every non-ASCII character is part of a token), kept in
step by triggers, so any write to the entries (ORM, bulk, cascade) updates it.
PostgreSQL: two generated ``tsvector`` columns built with the ``simple`` configuration
(no stemming, no stop words) and a GIN index. Both are built in; no extension needed.
"""

from __future__ import annotations

import re

from django.db import connection, transaction
from wagtail.models import Page

from directory.text import join_lines
from intranet.pages.text import html_to_text

from .models import PageEntry
from .tokens import index_tokens

# Body text kept per page (characters). PostgreSQL caps tsvector positions at 16,383,
# beyond which phrases no longer match; both databases index the same text.
MAX_BODY_CHARS = 16_000
TABLE = PageEntry._meta.db_table
_SPACES = re.compile(r"[ \t\r\f\v]+")
FTS_TABLE = "search_page_fts"

# Templates filled with our own table names ({table}, {fts}) in ensure_schema.
SQLITE_SCHEMA = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(title_tokens, body_tokens, "
    "content='{table}', content_rowid='page_id', tokenize='ascii')",
    "CREATE TRIGGER IF NOT EXISTS {table}_ai AFTER INSERT ON {table} BEGIN "
    "INSERT INTO {fts}(rowid, title_tokens, body_tokens) "
    "VALUES (new.page_id, new.title_tokens, new.body_tokens); END",
    "CREATE TRIGGER IF NOT EXISTS {table}_ad AFTER DELETE ON {table} BEGIN "
    "INSERT INTO {fts}({fts}, rowid, title_tokens, body_tokens) "
    "VALUES ('delete', old.page_id, old.title_tokens, old.body_tokens); END",
    "CREATE TRIGGER IF NOT EXISTS {table}_au AFTER UPDATE ON {table} BEGIN "
    "INSERT INTO {fts}({fts}, rowid, title_tokens, body_tokens) "
    "VALUES ('delete', old.page_id, old.title_tokens, old.body_tokens); "
    "INSERT INTO {fts}(rowid, title_tokens, body_tokens) "
    "VALUES (new.page_id, new.title_tokens, new.body_tokens); END",
    # Entries written before the table existed (a rebuild is cheap and idempotent).
    "INSERT INTO {fts}({fts}) VALUES ('rebuild')",
]
# A GIN index on a stored tsvector. (An index on the to_tsvector expression makes the
# planner read the index for common words, but where it still chooses a sequential
# scan — small tables, words on most pages — it computes to_tsvector for every row,
# many times slower; a stored column bounds that worst case. docs/architecture.md.)
POSTGRES_SCHEMA = [
    "ALTER TABLE {table} ADD COLUMN IF NOT EXISTS title_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, title_tokens)) STORED",
    "ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, title_tokens) || "
    "to_tsvector('simple'::regconfig, body_tokens)) STORED",
    "CREATE INDEX IF NOT EXISTS {table}_search_gin ON {table} "
    "USING gin (search_vector)",
]


def ensure_schema(db=None) -> None:
    """Create the full-text objects for this database (migration 0002, benchmarks)."""
    db = db or connection
    statements = {"sqlite": SQLITE_SCHEMA, "postgresql": POSTGRES_SCHEMA}.get(db.vendor)
    if statements is None:
        raise NotImplementedError(f"site search does not support {db.vendor}")
    with db.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement.format(table=TABLE, fts=FTS_TABLE))


def drop_schema(db=None) -> None:
    db = db or connection
    with db.cursor() as cursor:
        if db.vendor == "sqlite":
            for suffix in ("ai", "ad", "au"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{suffix}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        elif db.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {TABLE}_search_gin")
            cursor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector")
            cursor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS title_vector")


def page_body(page: Page) -> str:
    """The text a page is found by: ``search_text()`` when its type defines one,
    else its search description."""
    specific = page.specific
    method = getattr(specific, "search_text", None)
    text = method() if callable(method) else specific.search_description
    if not isinstance(text, str):
        text = " ".join(str(part) for part in text or ())
    if "<" in text:
        text = html_to_text(text)
    return text


def entry_for(page: Page, *, section: str = "") -> PageEntry:
    """An unsaved entry for ``page`` as it is now (its live content)."""
    # Stored as written (shown in results); only the tokens are folded.
    title = page.title.strip()
    body = _SPACES.sub(" ", join_lines(page_body(page))).strip()[:MAX_BODY_CHARS]
    return PageEntry(
        page_id=page.pk,
        title=title,
        body=body,
        section=section[:255],
        title_tokens=index_tokens(title),
        body_tokens=index_tokens(body),
    )


def _section_of(page: Page) -> str:
    """The title of the page's parent, unless that is the home page (or the root)."""
    if page.depth <= 3:
        return ""
    parent = Page.objects.filter(path=page.path[: -page.steplen]).first()
    return parent.title if parent is not None else ""


def index_page(page: Page) -> None:
    """Index ``page`` if it is live, else forget it."""
    if not page.live or page.depth < 2:
        remove_page(page)
        return
    entry = entry_for(page, section=_section_of(page))
    PageEntry.objects.update_or_create(
        page_id=page.pk,
        defaults={
            field: getattr(entry, field)
            for field in ("title", "body", "section", "title_tokens", "body_tokens")
        },
    )


def remove_page(page: Page) -> None:
    PageEntry.objects.filter(page_id=page.pk).delete()


def index_subtree(page: Page) -> int:
    """Re-index ``page`` and every page below it (after a move). Returns the count."""
    pages = Page.objects.descendant_of(page, inclusive=True).live().specific()
    return _write(pages)


@transaction.atomic
def rebuild() -> int:
    """Rebuild the whole index from the live pages. Returns the number indexed."""
    PageEntry.objects.all().delete()
    count = _write(Page.objects.live().filter(depth__gte=2).specific())
    if connection.vendor == "postgresql":
        # Fresh statistics, so that the planner reads the GIN index rather than
        # scanning every row (autovacuum would, but later).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")
    return count


def _write(pages, *, batch_size: int = 500) -> int:
    titles = dict(Page.objects.filter(depth__gt=2).values_list("path", "title"))
    batch: list[PageEntry] = []
    count = 0
    for page in pages.order_by("path").iterator(chunk_size=batch_size):
        section = titles.get(page.path[: -page.steplen], "") if page.depth > 3 else ""
        batch.append(entry_for(page, section=section))
        if len(batch) >= batch_size:
            count += _flush(batch)
    count += _flush(batch)
    return count


def _flush(batch: list[PageEntry]) -> int:
    if not batch:
        return 0
    count = len(batch)
    PageEntry.objects.filter(pk__in=[entry.page_id for entry in batch]).delete()
    PageEntry.objects.bulk_create(batch)
    batch.clear()
    return count
