"""Cursor pagination: ``?cursor=…&limit=…`` in, ``{"items": […], "next_cursor": …}`` out.

A cursor is opaque to clients. For querysets it holds the last row's key (rows added
meanwhile neither repeat nor shift the pages); for computed lists (the inbox, a search)
it holds the position.
"""

from __future__ import annotations

import base64
import binascii

from django.utils.translation import gettext as _

from .errors import ApiProblem

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def _encode(value: int) -> str:
    return base64.urlsafe_b64encode(str(value).encode()).decode().rstrip("=")


def _decode(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = int(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        value = -1
    if not 0 <= value < 2**53:
        raise ApiProblem(400, "invalid_cursor", _("cursor の値が正しくありません。"))
    return value


def page_of_queryset(queryset, cursor: str | None, limit: int) -> dict:
    """Rows newest first by primary key."""
    after = _decode(cursor)
    if after is not None:
        queryset = queryset.filter(pk__lt=after)
    rows = list(queryset.order_by("-pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": rows,
        "next_cursor": _encode(rows[-1].pk) if more and rows else None,
    }


def page_of_list(items: list, cursor: str | None, limit: int) -> dict:
    start = _decode(cursor) or 0
    chunk = items[start : start + limit]
    more = start + limit < len(items)
    return {"items": chunk, "next_cursor": _encode(start + limit) if more else None}


def page_of_window(fetch, cursor: str | None, limit: int) -> dict:
    """For a long computed sequence read a window at a time (the 文書管理簿):
    ``fetch(offset, count)`` returns up to ``count`` items from ``offset``."""
    start = _decode(cursor) or 0
    items = list(fetch(start, limit + 1))
    more = len(items) > limit
    return {
        "items": items[:limit],
        "next_cursor": _encode(start + limit) if more else None,
    }
