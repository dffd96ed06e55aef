"""Snippets with the matched words marked: escaped text, ``<mark>`` around matches."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from directory.text import FoldedText

from .tokens import Term


def _spans(
    folded: FoldedText, terms: list[Term], *, start=0, end=None
) -> list[tuple[int, int]]:
    """Where the terms occur in ``folded.text[start:end]`` (indexes into the original
    text), merged."""
    end = len(folded.text) if end is None else end
    found = [
        (max(first, start), min(last, end))
        for term in terms
        for text in term.texts
        for first, last in folded.find_all(text)
        if first < end and last > start
    ]
    found.sort()
    merged: list[tuple[int, int]] = []
    for first, last in found:
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return merged


def mark(text: str, terms: list[Term]) -> SafeString:
    """All of ``text`` as written, escaped, with every match in ``<mark>``."""
    return _render(text, _spans(FoldedText.of(text), terms), 0, len(text))


def snippet(text: str, terms: list[Term], *, width: int = 120) -> SafeString:
    """About ``width`` characters of ``text`` (as written) around its first match,
    escaped, with the matches in ``<mark>``; the beginning when nothing matches."""
    folded = FoldedText.of(text)
    first = min(
        (
            spans[0][0]
            for term in terms
            for text in term.texts
            if (spans := folded.find_all(text))
        ),
        default=-1,
    )
    start = max(0, first - width // 3) if first > 0 else 0
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    body = _render(text, _spans(folded, terms, start=start, end=end), start, end)
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
