"""Snippets with the matched words marked: escaped text, ``<mark>`` around matches."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from directory.text import FoldedText, shorter_spellings, written_forms

from .tokens import Term


def _needles(folded: FoldedText, terms: list[Term]) -> list[str]:
    """What to mark: each term and its other spellings; for a Japanese term not
    found as written, also the shorter 送り仮名 of those (申込み where 申し込み was
    asked), which the index matched through the standard spelling."""
    needles: list[str] = []
    for term in terms:
        needles.extend(term.texts)
        if term.japanese and not any(folded.find_all(text) for text in term.texts):
            for text in term.texts:
                needles.extend(shorter_spellings(text))
    return needles


def _written_needles(text: str, terms: list[Term]) -> list[str]:
    """The words of ``text`` whose standard spelling a Japanese term is, as ``text``
    writes them (子ども where 子供 or こども was asked): read by the dictionary, so
    only for short text (a title, the snippet's window)."""
    return [
        form
        for term in terms
        if term.japanese
        for spelled in term.texts
        for form in written_forms(text, spelled)
    ]


def _spans(
    folded: FoldedText, needles: list[str], *, start=0, end=None
) -> list[tuple[int, int]]:
    """Where the needles occur in ``folded.text[start:end]`` (indexes into the
    original text), merged."""
    end = len(folded.text) if end is None else end
    found = [
        (max(first, start), min(last, end))
        for needle in needles
        for first, last in folded.find_all(needle)
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
    folded = FoldedText.of(text)
    needles = _needles(folded, terms) + _written_needles(text, terms)
    return _render(text, _spans(folded, needles), 0, len(text))


def snippet(text: str, terms: list[Term], *, width: int = 120) -> SafeString:
    """About ``width`` characters of ``text`` (as written) around its first match,
    escaped, with the matches in ``<mark>``; the beginning when nothing matches."""
    folded = FoldedText.of(text)
    needles = _needles(folded, terms)

    def first_match() -> int:
        return min(
            (spans[0][0] for needle in needles if (spans := folded.find_all(needle))),
            default=-1,
        )

    first = first_match()
    if first == -1:
        # Found through the standard spelling only: find where the text writes it.
        needles += _written_needles(text, terms)
        first = first_match()
    start = max(0, first - width // 3) if first > 0 else 0
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    needles += _written_needles(text[start:end], terms)
    body = _render(text, _spans(folded, needles, start=start, end=end), start, end)
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
