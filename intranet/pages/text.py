"""Plain text out of rich text and StreamField values, for search and previews."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from django.utils.html import strip_tags
from wagtail.blocks import StreamValue
from wagtail.rich_text import RichText

_BLOCK_END = re.compile(r"(<br\s*/?>|</(p|h[1-6]|li|tr|td|th|blockquote|div)>)", re.I)
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def html_to_text(value: str) -> str:
    """The words of an HTML fragment: tags gone, entities decoded, one line per block."""
    if not value:
        return ""
    text = html.unescape(strip_tags(_BLOCK_END.sub(lambda m: m.group(0) + "\n", value)))
    text = _SPACES.sub(" ", text)
    return _BLANK_LINES.sub("\n", text).strip()


def stream_to_text(value) -> str:
    """The text of a StreamField value (or any block value inside it), in order."""
    parts: list[str] = []
    _collect(value, parts)
    return "\n".join(part for part in parts if part)


def _collect(value, parts: list[str]) -> None:
    if value is None:
        return
    if isinstance(value, RichText):
        parts.append(html_to_text(value.source))
    elif isinstance(value, str):
        parts.append(value.strip())
    elif isinstance(value, StreamValue):
        for child in value:
            _collect(child.value, parts)
    elif isinstance(value, Mapping):  # StructValue
        for child in value.values():
            _collect(child, parts)
    elif isinstance(value, Sequence):  # ListValue
        for child in value:
            _collect(child, parts)


def join_text(*parts: str) -> str:
    return "\n".join(part.strip() for part in parts if part and part.strip())
