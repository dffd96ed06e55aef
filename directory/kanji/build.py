"""Build variants.tsv (異体字 → the form searched on) from published data.

Sources (Debian packages, see the Makefile's APT_PACKAGES):
- Unihan (unicode-data): kSemanticVariant, kZVariant, kSpecializedSemanticVariant and
  kTraditionalVariant links; kIRG_JSource marks the characters Japan submitted.
- KANJIDIC2 (kanjidic-xml): its JIS X 0208/0212/0213 variant cross-references
  (斎 ↔ 齋, 辺 ↔ 邊, which Unihan does not link) and each kanji's grade and frequency.

Only characters used in Japanese names take part: those in KANJIDIC2, with a Japanese
IRG source, or in Windows-31J (the vendor characters such as 髙 and 﨑 that directories
hold). Linked characters form groups, links applied most trusted first; a link that
would put two standard kanji (常用 or 人名用, each a character of its own today: 予 and
余, 一 and 壱) into one group is left out, so chains of loose links cannot join words
that differ. Every member maps to one representative: the standard kanji where there
is one, then the most frequent, then a JIS X 0208 one, then the lowest code point.

Names (``name_variants.tsv``): a second, smaller layer used only where a person's name
is matched. Where a link joins two *old* forms whose standard forms are two groups
(齊 ↔ 齋, kSpecializedSemanticVariant: 斉 and 斎), the two standard kanji are one for
names if they share an on-reading and KANJIDIC2 gives both name readings (nanori):
斉藤 and 斎藤 are the same family written two ways, while 喧/暖 (no reading in common)
or 暦/歴 (no name readings) stay apart. General text never uses this layer.
Run with ``manage.py build_kanji_variants``.
"""

from __future__ import annotations

import bz2
import gzip
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

UNIHAN_DIR = Path("/usr/share/unicode")
KANJIDIC = Path("/usr/share/edict/kanjidic2.xml.gz")
OUTPUT = Path(__file__).with_name("variants.tsv")
NAMES_OUTPUT = Path(__file__).with_name("name_variants.tsv")
# In order of trust: links are applied in this order after KANJIDIC2's.
UNIHAN_FIELDS = (
    "kZVariant",
    "kSemanticVariant",
    "kSpecializedSemanticVariant",
    "kTraditionalVariant",
)
JIS_TYPES = {"jis208", "jis212", "jis213"}
# KANJIDIC2 grades 1–8 are 常用漢字, 9 人名用漢字 (10 the 人名用 old forms of 常用).
STANDARD_GRADE = 9
_CODEPOINT = re.compile(r"U\+([0-9A-F]{4,6})")


@dataclass
class Kanji:
    grade: int | None = None
    freq: int | None = None
    jis208: bool = False
    on_readings: frozenset[str] = frozenset()
    nanori: bool = False  # KANJIDIC2 lists readings used in names


def _unihan_lines(name: str):
    with bz2.open(UNIHAN_DIR / f"{name}.txt.bz2", "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("U+"):
                yield line.rstrip("\n").split("\t")


def read_kanjidic(path: Path = KANJIDIC):
    """({literal: Kanji}, [(literal, literal)] variant links, database version)."""
    with gzip.open(path) as handle:
        root = ET.parse(handle).getroot()  # noqa: S314 - trusted package file
    by_code: dict[tuple[str, str], str] = {}
    kanji: dict[str, Kanji] = {}
    wanted: list[tuple[str, str, str]] = []
    for character in root.iter("character"):
        literal = character.findtext("literal")
        info = Kanji()
        for cp in character.iter("cp_value"):
            kind = cp.get("cp_type")
            if kind in JIS_TYPES:
                by_code[(kind, cp.text)] = literal
                info.jis208 = info.jis208 or kind == "jis208"
        grade = character.findtext("misc/grade")
        freq = character.findtext("misc/freq")
        info.grade = int(grade) if grade else None
        info.freq = int(freq) if freq else None
        info.on_readings = frozenset(
            reading.text
            for reading in character.iter("reading")
            if reading.get("r_type") == "ja_on"
        )
        info.nanori = character.find("reading_meaning/nanori") is not None
        kanji[literal] = info
        for variant in character.iter("variant"):
            if variant.get("var_type") in JIS_TYPES:
                wanted.append((literal, variant.get("var_type"), variant.text))
    links = [
        (literal, by_code[(kind, code)])
        for literal, kind, code in wanted
        if (kind, code) in by_code
    ]
    version = root.findtext("header/database_version") or "?"
    return kanji, links, version


def read_unihan():
    """([(char, char, field)] variant links, most trusted first; set of chars with
    a Japanese source)."""
    # A semantic link a dictionary calls a Z variant (a glyph difference, 﨑 ~ 崎)
    # ranks with kZVariant.
    tiers: list[list[tuple[str, str, str]]] = [[] for _name in UNIHAN_FIELDS]
    for code, field, value in _unihan_lines("Unihan_Variants"):
        if field not in UNIHAN_FIELDS:
            continue
        source = chr(int(code[2:], 16))
        for item in value.split():
            found = _CODEPOINT.match(item)
            if not found:
                continue
            tier = UNIHAN_FIELDS.index(field)
            if field == "kSemanticVariant" and re.search(r":T?Z", item):
                tier = 0
            tiers[tier].append((source, chr(int(found.group(1), 16)), field))
    links = [link for tier in tiers for link in tier]
    japanese = {
        chr(int(code[2:], 16))
        for code, field, _value in _unihan_lines("Unihan_IRGSources")
        if field == "kIRG_JSource"
    }
    return links, japanese


def _in_windows_31j(char: str) -> bool:
    try:
        char.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


@dataclass
class Sources:
    kanji: dict[str, Kanji]
    # (char, char, where the link comes from), most trusted first.
    links: list[tuple[str, str, str]]
    japanese: set[str]
    notes: dict[str, str]

    def standard(self, char: str) -> bool:
        grade = self.kanji.get(char, Kanji()).grade
        return grade is not None and grade <= STANDARD_GRADE

    def in_names(self, char: str) -> bool:
        return char in self.kanji or char in self.japanese or _in_windows_31j(char)

    def preference(self, char: str):
        info = self.kanji.get(char, Kanji())
        return (
            not self.standard(char),
            info.freq or 10_000,
            not info.jis208,
            ord(char),
        )


def read_sources() -> Sources:
    kanji, kanjidic_links, version = read_kanjidic()
    unihan_links, japanese = read_unihan()
    unicode_version = "?"
    readme = (UNIHAN_DIR / "ReadMe.txt").read_text(encoding="utf-8")
    found = re.search(r"Version (\d+\.\d+\.\d+) of the Unicode Standard", readme)
    if found:
        unicode_version = found.group(1)
    return Sources(
        kanji=kanji,
        links=[*((a, b, "KANJIDIC2") for a, b in kanjidic_links), *unihan_links],
        japanese=japanese,
        notes={"unihan": unicode_version, "kanjidic2": version},
    )


class _Groups:
    """Union-find over characters."""

    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, char: str) -> str:
        parent = self.parent
        parent.setdefault(char, char)
        while parent[char] != char:
            parent[char] = parent[parent[char]]
            char = parent[char]
        return char

    def members(self) -> list[list[str]]:
        groups: dict[str, list[str]] = {}
        for char in self.parent:
            groups.setdefault(self.find(char), []).append(char)
        return list(groups.values())


def build(sources: Sources | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """The table {variant: representative} and notes on the sources."""
    sources = sources or read_sources()
    groups = _Groups()
    find, parent, standard = groups.find, groups.parent, sources.standard
    has_standard: dict[str, bool] = {}
    for left, right, _field in sources.links:
        if left == right:
            continue
        if not (sources.in_names(left) and sources.in_names(right)):
            continue
        a, b = find(left), find(right)
        if a == b:
            continue
        a_std = has_standard.get(a, standard(a))
        b_std = has_standard.get(b, standard(b))
        if a_std and b_std:
            continue
        parent[a] = b
        has_standard[b] = a_std or b_std
    table = {}
    for members in groups.members():
        best = min(members, key=sources.preference)
        table.update({char: best for char in members if char != best})
    return table, sources.notes


def build_names(
    sources: Sources | None = None,
) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """The names layer {standard kanji: (the one names fold to, the link behind it)}
    and notes on the sources (see the module docstring for the rule)."""
    sources = sources or read_sources()
    table, notes = build(sources)
    kanji = sources.kanji
    groups = _Groups()
    why: dict[frozenset[str], str] = {}
    for left, right, field in sources.links:
        if not (sources.in_names(left) and sources.in_names(right)):
            continue
        a, b = table.get(left, left), table.get(right, right)
        if a == b or left == a or right == b:
            continue  # one group already, or not a link between two old forms
        if not (sources.standard(a) and sources.standard(b)):
            continue
        info_a, info_b = kanji[a], kanji[b]
        if not (info_a.on_readings & info_b.on_readings):
            continue
        if not (info_a.nanori and info_b.nanori):
            continue
        parent_a, parent_b = groups.find(a), groups.find(b)
        if parent_a != parent_b:
            groups.parent[parent_a] = parent_b
        why.setdefault(frozenset((a, b)), f"{left} ~ {right} ({field})")
    names = {}
    for members in groups.members():
        best = min(members, key=sources.preference)
        for char in members:
            if char != best:
                link = why.get(frozenset((char, best))) or next(
                    reason for pair, reason in why.items() if char in pair
                )
                names[char] = (best, link)
    return names, notes


HEADER = """\
# 異体字 → the form the search folds them to (one pair a line: variant TAB form).
# Generated by `manage.py build_kanji_variants` (directory/kanji/build.py); do not edit.
# Sources: Unihan {unihan} (Unicode Character Database, Debian unicode-data),
#   fields {fields}; licence: Unicode License v3.
#   KANJIDIC2 database version {kanjidic2} (Debian kanjidic-xml), JIS variant links,
#   grades and frequencies; © EDRDG, licence CC BY-SA 4.0.
# Restricted to characters used in Japanese names: in KANJIDIC2, with a Japanese
#   IRG source (kIRG_JSource), or in Windows-31J.
"""


NAMES_HEADER = """\
# Names only: standard kanji a person's name is also found by (one a line: kanji TAB
#   the kanji names fold to TAB the published link behind it). Applied after
#   variants.tsv, and only where a name is matched (people, names in text).
# Generated by `manage.py build_kanji_variants` (directory/kanji/build.py); do not edit.
# Rule: a Unihan/KANJIDIC2 variant link between the old forms of two standard kanji
#   whose standard forms share an on-reading and both have name readings (nanori).
# Sources: Unihan {unihan} (Unicode License v3); KANJIDIC2 {kanjidic2} (© EDRDG,
#   CC BY-SA 4.0): readings, nanori, grades.
"""


def write(path: Path = OUTPUT, names_path: Path = NAMES_OUTPUT) -> tuple[int, int]:
    """Write both tables; (variants, name pairs) written."""
    sources = read_sources()
    table, notes = build(sources)
    lines = [
        HEADER.format(fields=", ".join(sorted(UNIHAN_FIELDS)), **notes),
        *(f"{variant}\t{form}\n" for variant, form in sorted(table.items())),
    ]
    path.write_text("".join(lines), encoding="utf-8")
    names, _notes = build_names(sources)
    names_path.write_text(
        NAMES_HEADER.format(**notes)
        + "".join(
            f"{kanji}\t{form}\t{link}\n"
            for kanji, (form, link) in sorted(names.items())
        ),
        encoding="utf-8",
    )
    return len(table), len(names)
