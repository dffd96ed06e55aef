"""Japanese text → index tokens, and a query → the terms to match.

Japanese has no spaces between words, so the index holds overlapping character
bigrams of every run of Japanese characters (会議室 → 会議 議室 室: the last character
of a run also stands alone, so that a one-character query finds it as a prefix).
Runs of other letters and digits are kept as words. A query word of two or more
Japanese characters becomes the phrase of its bigrams, which matches exactly the
places where it occurs as a substring; other words match as prefixes.

Text is normalised first (``directory.text``: NFKC width folding, katakana →
hiragana, case folding, lines broken inside Japanese joined), both when indexing and
when searching, so ｶｲｷﾞ, カイギ and かいぎ are the same word.

表記ゆれ: the index also holds, after the text itself, the runs that the dictionary
writes another way in their standard spelling (``directory.text.spelling_variants``:
申込みの受付 → 申し込みの受け付け), and a query word is also asked in its standard
spelling, so 申込, 申込み and 申し込み find each other without any of them being
rewritten in what is shown.

Names: a query word SudachiPy reads as a person's name is also asked with the other
kanji of its names group (斎藤 → 斉藤, which finds 齊藤 too: ``directory.text.
name_spellings``), so the index needs nothing more; 一斉 or 斎場 are asked as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from directory.text import (
    CJK_CHARACTERS,
    join_lines,
    name_spellings,
    normalize,
    spelling_variants,
    standard_spelling,
    tidy,
)

from .synonyms import alternatives

# A run of Japanese characters, or a run of other letters and digits.
_RUNS = re.compile(rf"([{CJK_CHARACTERS}]+)|([^\W_{CJK_CHARACTERS}]+)")
MAX_QUERY_CHARS = 100
MAX_TERMS = 6
MAX_TERM_CHARS = 30


def index_tokens(text: str) -> str:
    """The token string stored for ``text`` as written: its own tokens, then those
    of the runs written another way than the dictionary's standard (表記ゆれ), as
    far as ``MAX_TOKENS`` allows."""
    joined = join_lines(text)
    tokens = _tokens(normalize(joined))
    if len(tokens) < MAX_TOKENS:
        tokens.extend(_tokens(spelling_variants(joined))[: MAX_TOKENS - len(tokens)])
    return " ".join(tokens)


# PostgreSQL's tsvector positions end at 16,383 (title and body together); phrases
# past it no longer match, so the standard spellings stop before.
MAX_TOKENS = 16_200


def _tokens(folded: str) -> list[str]:
    tokens: list[str] = []
    for japanese, word in _RUNS.findall(folded):
        if japanese:
            tokens.extend(japanese[i : i + 2] for i in range(len(japanese) - 1))
            tokens.append(japanese[-1])
        else:
            tokens.append(word)
    return tokens


@dataclass(frozen=True)
class Term:
    """One thing every result must contain: ``text`` as a substring (Japanese) or
    a word starting with it (other scripts)."""

    text: str
    japanese: bool
    # Other spellings from the editors' synonym list (子ども → 子供, こども).
    alternatives: tuple[str, ...] = ()

    @property
    def bigrams(self) -> list[str]:
        return _bigrams(self.text)

    @property
    def texts(self) -> tuple[str, ...]:
        return (self.text, *self.alternatives)


def _bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)]


def _same_kind(text: str, japanese: bool) -> bool:
    match = _RUNS.fullmatch(text)
    return match is not None and bool(match.group(1)) == japanese


def query_terms(query: str) -> list[Term]:
    """The terms of a search box entry; [] when it holds nothing searchable."""
    typed = join_lines((query or "")[:MAX_QUERY_CHARS])
    runs = _RUNS.findall(normalize(typed))
    standard = _RUNS.findall(normalize(standard_spelling(tidy(typed))))
    if len(standard) != len(runs):
        standard = runs  # a spelling that moved a boundary: ask as typed only
    written = _RUNS.findall(tidy(typed))
    if len(written) != len(runs):
        written = runs
    terms: list[Term] = []
    for (japanese, word), (standard_japanese, _word), (as_written, _w) in zip(
        runs, standard, written, strict=True
    ):
        text = (japanese or word)[:MAX_TERM_CHARS]
        spelled = standard_japanese[:MAX_TERM_CHARS] if japanese else ""
        # A person's name is also asked with the other kanji of its names group
        # (斎藤 → 斉藤; directory.text.name_spellings): general words are not.
        names = name_spellings(as_written[:MAX_TERM_CHARS])[1:] if japanese else []
        # Alternatives of the same kind only: one phrase or one word each.
        others = tuple(
            dict.fromkeys(
                other
                for other in (spelled, *names, *alternatives(text))
                if other and other != text and _same_kind(other, bool(japanese))
            )
        )
        term = Term(text, japanese=bool(japanese), alternatives=others)
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def _spellings(term: Term) -> list[tuple[bool, str]]:
    """(phrase of bigrams?, text) for the term and each alternative spelling."""
    return [(term.japanese and len(text) > 1, text) for text in term.texts]


def fts5_query(terms: list[Term]) -> str:
    """SQLite FTS5 MATCH expression (tokens hold no quotes: they are letters only)."""
    parts = []
    for term in terms:
        options = [
            '"' + " ".join(_bigrams(text)) + '"' if phrase else f'"{text}"*'
            for phrase, text in _spellings(term)
        ]
        parts.append(options[0] if len(options) == 1 else f"({' OR '.join(options)})")
    return " AND ".join(parts)


def tsquery(terms: list[Term]) -> str:
    """PostgreSQL to_tsquery('simple', …) text: a phrase of bigrams or a prefix."""
    parts = []
    for term in terms:
        options = [
            "(" + " <-> ".join(f"'{b}'" for b in _bigrams(text)) + ")"
            if phrase
            else f"'{text}':*"
            for phrase, text in _spellings(term)
        ]
        parts.append(options[0] if len(options) == 1 else f"({' | '.join(options)})")
    return " & ".join(parts)
