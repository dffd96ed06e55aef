"""五十音順 per JIS X 4061 (日本語文字列照合順番), as a sort key a database can order by.

The key compares level by level, as the standard does:
1. the 清音 of each kana (が, ぱ, ぁ count as か, は, あ; ー as the vowel before it),
   the surname first, then the given name (ハヤシ ミサキ before ハヤシダ アキラ);
2. 清音 before 濁音 before 半濁音 (は ば ぱ);
3. 小書き before the normal kana, the long-vowel mark after it (ぁ あ ー);
then the name as written (kanji), so that equal readings keep a stable order.
Characters other than kana sort before them (digits, then Latin letters, as the
standard puts 数字 and ラテン文字 before 仮名) or after them (kanji, by code point
once folded by ``directory.text``).

The key is plain ASCII ([0-9a-z]), so PostgreSQL orders it the same under any
collation and SQLite by bytes.
"""

from __future__ import annotations

from .text import katakana_to_hiragana, normalize, tidy

_BASES = (
    "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめも"
    "やゆよらりるれろわゐゑをん"
)
# kana → (base, voicing 1 清 / 2 濁 / 3 半濁, size 1 小 / 2 normal)
_KANA: dict[str, tuple[str, int, int]] = {char: (char, 1, 2) for char in _BASES}
for _plain, _voiced in zip(
    "かきくけこさしすせそたちつてとはひふへほう",
    "がぎぐげござじずぜぞだぢづでどばびぶべぼゔ",
    strict=True,
):
    _KANA[_voiced] = (_plain, 2, 2)
for _plain, _semi in zip("はひふへほ", "ぱぴぷぺぽ", strict=True):
    _KANA[_semi] = (_plain, 3, 2)
for _plain, _small in zip(
    "あいうえおつやゆよわかけ", "ぁぃぅぇぉっゃゅょゎゕゖ", strict=True
):
    _KANA[_small] = (_plain, 1, 1)
_VOWEL_OF: dict[str, str] = {"ん": "ん"}
_VOWELS = "あいうえお"
_ROWS = ["あいうえお", "かきくけこ", "さしすせそ", "たちつてと", "なにぬねの",
         "はひふへほ", "まみむめも", "やいゆえよ", "らりるれろ", "わゐうゑを"]  # fmt: skip
for _row in _ROWS:
    for _vowel, _base in zip(_VOWELS, _row, strict=True):
        _VOWEL_OF.setdefault(_base, _vowel)
_LONG = "ー"
_SEPARATOR = "0"  # lower than every character code below
MAX_LENGTH = 200  # Person.sort_key's length


def _base36(number: int, width: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    for _ in range(width):
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out


_BASE_CODE = {base: "3" + _base36(index, 2) for index, base in enumerate(_BASES)}


def _levels(part: str) -> tuple[str, str, str]:
    """(level 1 codes, level 2 digits, level 3 digits) of one folded name part."""
    primary, voicing, size = [], [], []
    previous = ""
    for char in part:
        if char == _LONG and previous:
            base = _VOWEL_OF.get(previous, previous)
            primary.append(_BASE_CODE.get(base, "3zz"))
            voicing.append("1")
            size.append("3")
            continue
        if char in _KANA:
            base, voiced, small = _KANA[char]
            primary.append(_BASE_CODE[base])
            voicing.append(str(voiced))
            size.append(str(small))
            previous = base
            continue
        previous = ""
        if char.isspace():
            continue
        if "0" <= char <= "9":
            primary.append("1" + char)
        elif "a" <= char <= "z":
            primary.append("2" + char)
        else:
            primary.append("4" + _base36(ord(char), 4))
        voicing.append("1")
        size.append("2")
    return "".join(primary), "".join(voicing), "".join(size)


def sort_key(reading_parts: list[str] | tuple[str, ...], written: str = "") -> str:
    """The JIS X 4061 key of a reading given in parts (surname, given name); the
    written form (kanji) breaks ties. Readings in katakana, hiragana or half-width
    kana sort alike."""
    levels = [_levels(normalize(part).replace(" ", "")) for part in reading_parts]
    primary = _SEPARATOR.join(level[0] for level in levels)
    secondary = "".join(level[1] for level in levels)
    tertiary = "".join(level[2] for level in levels)
    tie = "".join(_base36(ord(char), 4) for char in tidy(written).replace(" ", ""))
    return _SEPARATOR.join((primary, secondary + tertiary, tie))[:MAX_LENGTH]


def person_sort_key(
    last_name_kana: str, first_name_kana: str, last_name: str, first_name: str
) -> str:
    """A person's place in 五十音順: by the reading, surname first; by the written
    name when there is no reading."""
    if last_name_kana or first_name_kana:
        parts = (last_name_kana, first_name_kana)
    else:
        parts = (last_name, first_name)
    return sort_key(parts, f"{last_name}{first_name}")


def text_sort_key(reading: str, written: str = "") -> str:
    """A unit's (or any name's) place in 五十音順: its reading, else its name."""
    return sort_key((katakana_to_hiragana(reading or written),), written)
