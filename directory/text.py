"""Normalisation of Japanese text for matching and sorting.

NFKC folds full-width ASCII and half-width katakana; the ideographic space (U+3000)
becomes an ASCII space; katakana become hiragana so that either reading matches.
"""

import functools
import re
import unicodedata

_KATAKANA_START = ord("ァ")
_KATAKANA_END = ord("ヶ")
_TO_HIRAGANA = ord("ぁ") - ord("ァ")
_SPACES = re.compile(r"\s+")


_HIRAGANA_TABLE = {
    code: code + _TO_HIRAGANA for code in range(_KATAKANA_START, _KATAKANA_END + 1)
}


def katakana_to_hiragana(value: str) -> str:
    return value.translate(_HIRAGANA_TABLE)


def tidy(value: str) -> str:
    """NFKC (full-width ASCII → ASCII, half-width katakana → katakana), white space
    squeezed (U+3000 included): text fit to show, before kana and case folding."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value or "")).strip()


def fold(value: str) -> str:
    """Katakana → hiragana and case folding, character by character (so that the
    result lines up with ``value`` whenever it has the same length)."""
    return katakana_to_hiragana(value).casefold()


def normalize(value: str) -> str:
    """Fold width, kana and case; squeeze white space (U+3000 included)."""
    return fold(tidy(value))


# Kana, CJK ideographs and the marks written inside Japanese words (々 〆 ー).
CJK_CHARACTERS = (
    "\u3005\u3006\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
)
_BROKEN_LINE = re.compile(
    rf"(?<=[{CJK_CHARACTERS}])[ \t\u3000]*\r?\n[ \t\u3000]*(?=[{CJK_CHARACTERS}])"
)


def join_lines(value: str) -> str:
    """Join lines broken inside Japanese text (会\\n議 → 会議), as a reader would.

    Japanese has no spaces between words, so a line break between two Japanese
    characters is layout, not a word boundary. Other line breaks stay (``normalize``
    and ``tidy`` turn them into spaces)."""
    return _BROKEN_LINE.sub("", value or "")


def reading_sort_key(value: str) -> str:
    """Sort key for 五十音順: the normalised reading without spaces."""
    return normalize(value).replace(" ", "")


# Hiragana → romaji, for matching "sato"/"satou" against the reading さとう.
_DIGRAPHS = {
    "きゃ": "kya", "きゅ": "kyu", "きょ": "kyo", "しゃ": "sha", "しゅ": "shu",
    "しょ": "sho", "ちゃ": "cha", "ちゅ": "chu", "ちょ": "cho", "にゃ": "nya",
    "にゅ": "nyu", "にょ": "nyo", "ひゃ": "hya", "ひゅ": "hyu", "ひょ": "hyo",
    "みゃ": "mya", "みゅ": "myu", "みょ": "myo", "りゃ": "rya", "りゅ": "ryu",
    "りょ": "ryo", "ぎゃ": "gya", "ぎゅ": "gyu", "ぎょ": "gyo", "じゃ": "ja",
    "じゅ": "ju", "じょ": "jo", "びゃ": "bya", "びゅ": "byu", "びょ": "byo",
    "ぴゃ": "pya", "ぴゅ": "pyu", "ぴょ": "pyo", "ぢゃ": "ja", "ぢゅ": "ju",
    "ぢょ": "jo", "ふぁ": "fa", "ふぃ": "fi", "ふぇ": "fe", "ふぉ": "fo",
    "てぃ": "ti", "でぃ": "di", "うぃ": "wi", "うぇ": "we", "うぉ": "wo",
}  # fmt: skip
_MONOGRAPHS = dict(
    zip(
        "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめも"
        "やゆよらりるれろわをんがぎぐげござじずぜぞだぢづでどばびぶべぼぱぴぷぺぽ"
        "ぁぃぅぇぉゃゅょゎゔ",
        [
            *[
                "a",
                "i",
                "u",
                "e",
                "o",
                "ka",
                "ki",
                "ku",
                "ke",
                "ko",
                "sa",
                "shi",
                "su",
                "se",
                "so",
                "ta",
                "chi",
                "tsu",
                "te",
                "to",
            ],
            *[
                "na",
                "ni",
                "nu",
                "ne",
                "no",
                "ha",
                "hi",
                "fu",
                "he",
                "ho",
                "ma",
                "mi",
                "mu",
                "me",
                "mo",
                "ya",
                "yu",
                "yo",
            ],
            *[
                "ra",
                "ri",
                "ru",
                "re",
                "ro",
                "wa",
                "o",
                "n",
                "ga",
                "gi",
                "gu",
                "ge",
                "go",
                "za",
                "ji",
                "zu",
                "ze",
                "zo",
            ],
            *[
                "da",
                "ji",
                "zu",
                "de",
                "do",
                "ba",
                "bi",
                "bu",
                "be",
                "bo",
                "pa",
                "pi",
                "pu",
                "pe",
                "po",
            ],
            *["a", "i", "u", "e", "o", "ya", "yu", "yo", "wa", "vu"],
        ],
        strict=True,
    )
)


@functools.lru_cache(maxsize=4096)
def kana_to_romaji(value: str) -> str:
    """Hiragana or katakana → wāpuro romaji (さとう → satou, しんいち → shinichi).

    Characters that are not kana pass through unchanged.
    """
    kana = katakana_to_hiragana(unicodedata.normalize("NFKC", value or ""))
    out: list[str] = []
    index = 0
    while index < len(kana):
        pair = kana[index : index + 2]
        char = kana[index]
        if pair in _DIGRAPHS:
            out.append(_DIGRAPHS[pair])
            index += 2
            continue
        if char == "っ":
            following = kana_to_romaji(kana[index + 1 : index + 3])[:1]
            out.append(following if following.isalpha() else "")
        elif char == "ー":
            out.append(out[-1][-1] if out and out[-1] else "")
        else:
            out.append(_MONOGRAPHS.get(char, char))
        index += 1
    return "".join(out)


def romaji_variants(kana: str) -> list[str]:
    """Spellings people type for a reading: wāpuro (satou) and Hepburn (sato, satoh)."""
    return list(_romaji_variants(kana))


@functools.lru_cache(maxsize=4096)
def _romaji_variants(kana: str) -> tuple[str, ...]:
    wapuro = kana_to_romaji(kana)
    if not wapuro:
        return ()
    hepburn = re.sub(r"(ou|oo)", "o", wapuro).replace("uu", "u")
    with_h = re.sub(r"(ou|oo)", "oh", wapuro)
    variants = [wapuro]
    for spelling in (hepburn, with_h):
        if spelling not in variants:
            variants.append(spelling)
    return tuple(variants)


_READING_TO_KATAKANA = {code: code + 0x60 for code in range(ord("ぁ"), ord("ゖ") + 1)}
_READING_TO_KATAKANA.update({ord("ゝ"): "ヽ", ord("ゞ"): "ヾ"})


def normalize_reading(value: str) -> str:
    """A reading (よみ) as stored and shown: full-width katakana, one ASCII space
    between words. Half-width katakana (ｻﾄｳ) and hiragana (さとう) become サトウ;
    NFKC joins a half-width voiced mark to its kana (ｼﾞ → ジ)."""
    text = unicodedata.normalize("NFKC", value or "").replace("\u3000", " ")
    return " ".join(text.translate(_READING_TO_KATAKANA).split())
