"""Snippets with the matched words marked: escaped text, ``<mark>`` around matches."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from directory.text import fold

from .tokens import Term


def _folded_with_map(text: str) -> tuple[str, list[int] | None]:
    """``fold(text)`` and, when folding changed the length (ß → ss), the index in
    ``text`` of each folded character; None means the indexes are the same."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded, None
    positions: list[int] = []
    pieces = []
    for index, char in enumerate(text):
        piece = fold(char)
        pieces.append(piece)
        positions.extend([index] * len(piece))
    return "".join(pieces), positions


def _spans(text: str, terms: list[Term], *, start=0, end=None) -> list[tuple[int, int]]:
    """Where the terms occur in ``text[start:end]`` (indexes into ``text``), merged."""
    folded, positions = _folded_with_map(text)
    end = len(text) if end is None else end
    found = []
    for term in terms:
        at = folded.find(term.text)
        while at != -1:
            first = positions[at] if positions else at
            last = (
                positions[at + len(term.text) - 1]
                if positions
                else at + len(term.text) - 1
            ) + 1
            if first >= end:
                break
            if last > start:
                found.append((max(first, start), min(last, end)))
            at = folded.find(term.text, at + 1)
    found.sort()
    merged: list[tuple[int, int]] = []
    for first, last in found:
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return merged


def mark(text: str, terms: list[Term]) -> SafeString:
    """All of ``text``, escaped, with every match in ``<mark>``."""
    return _render(text, _spans(text, terms), 0, len(text))


def snippet(text: str, terms: list[Term], *, width: int = 120) -> SafeString:
    """About ``width`` characters of ``text`` around its first match, escaped, with
    the matches in ``<mark>``; the beginning of the text when nothing matches."""
    folded, positions = _folded_with_map(text)
    first = -1
    for term in terms:
        at = folded.find(term.text)
        if at != -1 and (first == -1 or at < first):
            first = positions[at] if positions else at
    start = max(0, first - width // 3) if first > 0 else 0
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    body = _render(text, _spans(text, terms, start=start, end=end), start, end)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(f"{prefix}{body}{suffix}")  # noqa: S308 - pieces escaped


def _render(
    text: str, spans: list[tuple[int, int]], start: int, end: int
) -> SafeString:
    out, cursor = [], start
    for first, last in spans:
        out.append(escape(text[cursor:first]))
        out.append(f"<mark>{escape(text[first:last])}</mark>")
        cursor = last
    out.append(escape(text[cursor:end]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped
