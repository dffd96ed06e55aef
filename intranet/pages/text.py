"""Plain text out of rich text and StreamField values, for search and previews."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from django.utils.html import strip_tags
from wagtail.blocks import StreamValue
from wagtail.rich_text import RichText

_BLOCK_END = re.compile(
    r"</(p|h[1-6]|li|dt|dd|tr|td|th|caption|blockquote|div|pre|figcaption)>", re.I
)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.I)
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# Blocks (paragraphs, list items, cells, headings, labels) are kept apart by a blank
# line, which ``directory.text.join_lines`` never joins, so a phrase cannot run from
# one block into the next; a line break inside a block is a single newline.
BLOCK_SEPARATOR = "\n\n"


def html_to_text(value: str) -> str:
    """The words of an HTML fragment: tags gone, entities decoded, blocks apart."""
    if not value:
        return ""
    value = _LINE_BREAK.sub("\n", value)
    value = _BLOCK_END.sub(lambda m: m.group(0) + BLOCK_SEPARATOR, value)
    text = html.unescape(strip_tags(value))
    text = _SPACES.sub(" ", text)
    return _BLANK_LINES.sub(BLOCK_SEPARATOR, text).strip()


def stream_to_text(value) -> str:
    """The text of a StreamField value (or any block value inside it), in order."""
    parts: list[str] = []
    _collect(value, parts)
    return BLOCK_SEPARATOR.join(part for part in parts if part)


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
    return BLOCK_SEPARATOR.join(part.strip() for part in parts if part and part.strip())
