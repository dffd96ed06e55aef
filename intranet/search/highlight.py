"""Snippets with the matched words marked: escaped text, ``<mark>`` around matches."""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe

from directory.text import (
    FoldedText,
    render_marked,
    shorter_spellings,
    written_forms,
)

from .tokens import Term


def _needles(folded: FoldedText, terms: list[Term]) -> list[str]:
    """What to mark: each term and its other spellings; for a Japanese term not
    found as written, also the shorter 送り仮名 of those (申込み where 申し込み was
    asked), which the index matched through the standard spelling, and failing
    those, the words of the text whose standard spelling the term is (子ども where
    子供 or こども was asked: read by the dictionary, so only then)."""
    needles: list[str] = []
    for term in terms:
        needles.extend(term.texts)
        if not term.japanese or any(folded.find_all(text) for text in term.texts):
            continue
        shorter = [short for text in term.texts for short in shorter_spellings(text)]
        needles.extend(shorter)
        if not any(folded.find_all(text) for text in shorter):
            for text in term.texts:
                needles.extend(written_forms(folded.text, text))
    return needles


def mark(text: str, terms: list[Term]) -> SafeString:
    """All of ``text`` as written, escaped, with every match in ``<mark>``."""
    folded = FoldedText.of(text)
    return render_marked(text, folded.spans(_needles(folded, terms)))


def snippet(text: str, terms: list[Term], *, width: int = 120) -> SafeString:
    """About ``width`` characters of ``text`` (as written) around its first match,
    escaped, with the matches in ``<mark>``; the beginning when nothing matches."""
    folded = FoldedText.of(text)
    needles = _needles(folded, terms)
    first = min(
        (spans[0][0] for needle in needles if (spans := folded.find_all(needle))),
        default=-1,
    )
    start = max(0, first - width // 3) if first > 0 else 0
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    body = render_marked(text, folded.spans(needles, start=start, end=end), start, end)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(f"{prefix}{body}{suffix}")  # noqa: S308 - pieces escaped
