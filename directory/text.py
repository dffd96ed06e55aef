"""Normalisation of Japanese text for matching and sorting.

NFKC folds full-width ASCII and half-width katakana; the ideographic space (U+3000)
becomes an ASCII space; katakana become hiragana so that either reading matches.
"""

import re
import unicodedata

_KATAKANA_START = ord("ァ")
_KATAKANA_END = ord("ヶ")
_TO_HIRAGANA = ord("ぁ") - ord("ァ")
_SPACES = re.compile(r"\s+")


def katakana_to_hiragana(value: str) -> str:
    return "".join(
        chr(ord(char) + _TO_HIRAGANA)
        if _KATAKANA_START <= ord(char) <= _KATAKANA_END
        else char
        for char in value
    )


def normalize(value: str) -> str:
    """Fold width, kana and case; squeeze white space (U+3000 included)."""
    folded = unicodedata.normalize("NFKC", value or "").replace("\u3000", " ")
    folded = katakana_to_hiragana(folded).casefold()
    return _SPACES.sub(" ", folded).strip()


def reading_sort_key(value: str) -> str:
    """Sort key for 五十音順: the normalised reading without spaces."""
    return normalize(value).replace(" ", "")
