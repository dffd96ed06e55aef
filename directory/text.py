"""THE text module: how Japanese text is folded for matching and sorting.

Every search path (people finder, site search, documents, rooms, suggestions,
exports' filters) folds through here, both what it stores and what it is asked:

- NFKC: full-width ASCII → ASCII, half-width katakana → katakana, CJK compatibility
  ideographs → the unified ones; the ideographic space (U+3000) becomes a space;
- variation selectors (IVS U+E0100–E01EF, U+FE00–FE0F) are dropped;
- 異体字 fold to one form (髙 → 高, 齋 → 斎, 邊 → 辺, 﨑 → 崎) by the table in
  ``directory/kanji/variants.tsv``, generated from Unihan and KANJIDIC2;
- for names only (``normalize_name``, ``name_spellings``): standard kanji that one
  family name is written with either way fold too (斉 ↔ 斎: 斉藤, 斎藤, 齊藤 and 齋藤
  find each other), by ``directory/kanji/name_variants.tsv``, generated from the
  same sources; general text keeps them apart (予/余, 一/壱, 一斉/一斎);
- katakana → hiragana and case folding, so either reading matches;
- 表記ゆれ (送り仮名 and kana/kanji spellings of one word: 申込み, 申込 → 申し込み;
  打合せ → 打ち合わせ; 子ども, こども → 子供) through ``standard_spelling``, from
  SudachiPy's normalised forms with its core dictionary: search paths keep the text
  as written and add its standard spelling beside it, and a query is also asked in
  its standard spelling.

Indexes keep folded text; what is shown is always the original, and ``FoldedText``
maps a match in the folded text back onto it (highlights, snippets).
"""

import functools
import itertools
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_KATAKANA_START = ord("ァ")
_KATAKANA_END = ord("ヶ")
_TO_HIRAGANA = ord("ぁ") - ord("ァ")
_SPACES = re.compile(r"\s+")
VARIANTS_FILE = Path(__file__).with_name("kanji") / "variants.tsv"
NAME_VARIANTS_FILE = Path(__file__).with_name("kanji") / "name_variants.tsv"


_HIRAGANA_TABLE = {
    code: code + _TO_HIRAGANA for code in range(_KATAKANA_START, _KATAKANA_END + 1)
}
_VARIATION_SELECTORS = dict.fromkeys([*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])


@functools.cache
def variants() -> dict[str, str]:
    """The 異体字 table: {variant: the form searched on}."""
    table = {}
    with VARIANTS_FILE.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or "\t" not in line:
                continue
            variant, form = line.rstrip("\n").split("\t")
            table[variant] = form
    return table


@functools.cache
def name_variants() -> dict[str, str]:
    """The names layer: {standard kanji: the kanji a name folds it to} (斉 → 斎),
    applied after ``variants``, only where a person's name is matched."""
    table = {}
    with NAME_VARIANTS_FILE.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or "\t" not in line:
                continue
            kanji, form = line.rstrip("\n").split("\t")[:2]
            table[kanji] = form
    return table


@functools.cache
def _name_fold_table() -> dict[int, int | str]:
    names = name_variants()
    table = {
        code: names.get(form, form) if isinstance(form, str) else form
        for code, form in _fold_table().items()
    }
    table.update({ord(kanji): form for kanji, form in names.items()})
    return table


@functools.cache
def _name_groups() -> dict[str, tuple[str, ...]]:
    """{folded kanji: every folded kanji a name may write in its place, itself
    first} (斎 → 斎, 斉)."""
    groups: dict[str, list[str]] = {}
    for kanji, form in name_variants().items():
        groups.setdefault(form, [form]).append(kanji)
    return {
        char: (char, *(other for other in group if other != char))
        for group in groups.values()
        for char in group
    }


@functools.cache
def _fold_table() -> dict[int, int | str]:
    return {
        **_HIRAGANA_TABLE,
        **{ord(variant): form for variant, form in variants().items()},
    }


@functools.cache
def _variant_characters() -> frozenset[str]:
    table = variants()
    return frozenset(table) | frozenset(table.values()) | frozenset(_name_fold_groups())


@functools.cache
def _name_fold_groups() -> dict[str, tuple[str, ...]]:
    # Every character whose folded form belongs to a names group (齊 as well as 斉).
    groups = _name_groups()
    return {
        char: groups[form]
        for char, form in [*variants().items(), *((c, c) for c in groups)]
        if form in groups
    }


@functools.cache
def _variant_groups() -> dict[str, tuple[str, ...]]:
    """{kanji: every kanji of its 異体字 group, the form searched on first}."""
    groups: dict[str, list[str]] = {}
    for variant, form in variants().items():
        groups.setdefault(form, [form]).append(variant)
    return {char: tuple(group) for group in groups.values() for char in group}


def spellings(word: str, *, limit: int = 16) -> list[str]:
    """The ways of writing ``word`` with its kanji's 異体字 (高橋 → 高橋, 髙橋), the word
    as given first, at most ``limit``: for text stored only as written (room and
    floor names), matched by the database without a folded copy."""
    found = [""]
    groups = _variant_groups()
    for char in word:
        options = groups.get(char, (char,))
        if char in options:
            options = (char, *(other for other in options if other != char))
        found = [head + option for head in found for option in options][:limit]
    return found


def has_variants(value: str) -> bool:
    """Whether ``value`` holds a kanji that has 異体字 (so that a match may have come
    through a variant rather than as written)."""
    characters = _variant_characters()
    return any(char in characters for char in value)


def katakana_to_hiragana(value: str) -> str:
    return value.translate(_HIRAGANA_TABLE)


def tidy(value: str) -> str:
    """NFKC (full-width ASCII → ASCII, half-width katakana → katakana, compatibility
    ideographs → unified), variation selectors and control characters dropped, white
    space squeezed (U+3000 included): the text as typed, before kana, 異体字 and case
    folding."""
    text = unicodedata.normalize("NFKC", value or "").translate(_VARIATION_SELECTORS)
    if not text.isprintable():  # control characters (NUL …) never reach a query
        text = "".join(
            char
            for char in text
            if char.isspace() or unicodedata.category(char) != "Cc"
        )
    return _SPACES.sub(" ", text).strip()


def fold(value: str, *, kanji_variants: bool = True) -> str:
    """Katakana → hiragana, 異体字 → one form (unless ``kanji_variants`` is False)
    and case folding, character by character (so that the result lines up with
    ``value`` whenever it has the same length)."""
    table = _fold_table() if kanji_variants else _HIRAGANA_TABLE
    return value.translate(table).casefold()


def normalize(value: str) -> str:
    """Fold width, 異体字, kana and case; squeeze white space (U+3000 included)."""
    return fold(tidy(value))


def fold_name(value: str) -> str:
    """``fold``, then the names layer (斉 → 斎): for a person's name, stored or asked,
    character by character like ``fold``."""
    return value.translate(_name_fold_table()).casefold()


def normalize_name(value: str) -> str:
    """``normalize`` for names: 斉藤, 斎藤, 齊藤 and 齋藤 all become 斎藤. Only for text
    that is a person's name, or the people finder's stored text and queries."""
    return fold_name(tidy(value))


def name_spellings(value: str, *, limit: int = 8) -> list[str]:
    """``value`` folded (``normalize``), then — where SudachiPy reads a person's name
    in it (名詞・固有名詞・人名) — the same text with that name written with the other
    kanji of its names group (斎藤課長 → 斎藤課長, 斉藤課長), at most ``limit``: what a
    search over text stored folded, not folded for names, also asks. General words
    (一斉, 斎場, 一覧) are asked as typed only."""
    found = [""]
    groups = _name_groups()
    for piece, is_name in _name_pieces(tidy(value)):
        folded = fold(piece)
        if not is_name or not any(char in groups for char in folded):
            found = [head + folded for head in found]
            continue
        for char in folded:
            options = groups.get(char, (char,))
            found = [head + option for head in found for option in options][:limit]
    return found[:limit]


def _name_pieces(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into pieces, each with whether it is a person's name."""
    pieces: list[tuple[str, bool]] = []
    at = 0
    for match in _JAPANESE_RUN.finditer(text):
        if match.start() > at:
            pieces.append((text[at : match.start()], False))
        run = match.group()
        for cut in range(0, len(run), _MAX_RUN):
            pieces.extend(_names_in(run[cut : cut + _MAX_RUN]))
        at = match.end()
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


@functools.lru_cache(maxsize=4096)
def _names_in(run: str) -> tuple[tuple[str, bool], ...]:
    if not any(char in _name_fold_groups() for char in run):
        return ((run, False),)  # no kanji of a names group: no need to ask
    return tuple(
        (word.surface(), word.part_of_speech()[:3] == _PERSON_NAME)
        for word in _analyser().tokenize(run)
    )


_PERSON_NAME = ("名詞", "固有名詞", "人名")


# Marks that NFKC may join to the character before them (half-width ﾞﾟ, combining kana
# voicing and accents) and variation selectors, which fold away.
_MARKS = frozenset(
    [chr(c) for c in range(0x300, 0x370)]
    + ["\u3099", "\u309a", "\uff9e", "\uff9f"]
    + [chr(c) for c in (*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0))]
)
_PIECES: dict[str, str] = {}


_NAME_PIECES: dict[str, str] = {}


def _fold_cluster(cluster: str, *, names: bool = False) -> str:
    pieces = _NAME_PIECES if names else _PIECES
    piece = pieces.get(cluster)
    if piece is None:
        if cluster.isspace():
            piece = "" if names else " "
        else:
            piece = normalize_name(cluster) if names else normalize(cluster)
        if len(pieces) < 65536:
            pieces[cluster] = piece
    return piece


@dataclass(frozen=True)
class FoldedText:
    """``text`` folded as ``normalize`` folds it (``normalize_name`` with
    ``names=True``, white space dropped, as a person's stored search text joins
    surname and given name), with the span of ``text`` behind every folded
    character: search runs on ``folded``, the reader sees ``text``."""

    text: str
    folded: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def of(cls, text: str, *, names: bool = False) -> "FoldedText":
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        text = text or ""
        index, length = 0, len(text)
        while index < length:
            end = index + 1
            while end < length and text[end] in _MARKS:
                end += 1
            piece = _fold_cluster(text[index:end], names=names)
            if piece and not (piece == " " and (not pieces or pieces[-1] == " ")):
                for char in piece:
                    pieces.append(char)
                    starts.append(index)
                    ends.append(end)
            index = end
        while pieces and pieces[-1] == " ":
            pieces.pop()
            starts.pop()
            ends.pop()
        return cls(text, "".join(pieces), tuple(starts), tuple(ends))

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of ``text`` behind ``folded[start:end]`` (end > start)."""
        return self.starts[start], self.ends[end - 1]

    def find_all(self, needle: str) -> list[tuple[int, int]]:
        """Every occurrence of the folded ``needle``, as spans of ``text``."""
        found = []
        if not needle:
            return found
        at = self.folded.find(needle)
        while at != -1:
            found.append(self.original_span(at, at + len(needle)))
            at = self.folded.find(needle, at + 1)
        return found

    def spans(
        self, needles: list[str], *, start: int = 0, end: int | None = None
    ) -> list[tuple[int, int]]:
        """Where the folded ``needles`` occur in ``text[start:end]``, as spans of
        ``text``, sorted and merged."""
        end = len(self.text) if end is None else end
        found = sorted(
            (max(first, start), min(last, end))
            for needle in needles
            for first, last in self.find_all(needle)
            if first < end and last > start
        )
        merged: list[tuple[int, int]] = []
        for first, last in found:
            if merged and first <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
            else:
                merged.append((first, last))
        return merged


def render_marked(
    text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None
) -> SafeString:
    """``text[start:end]`` as written, escaped, with each of ``spans`` (sorted,
    apart) in ``<mark>``."""
    end = len(text) if end is None else end
    out, cursor = [], start
    for first, last in spans:
        out.append(escape(text[cursor:first]))
        out.append(f"<mark>{escape(text[first:last])}</mark>")
        cursor = last
    out.append(escape(text[cursor:end]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped


MAX_QUERY_WORDS = 6  # the people finder reads no more words of a query


@functools.lru_cache(maxsize=256)
def query_needles(query: str, *, names: bool = False) -> tuple[str, ...]:
    """The words of a people-finder ``query`` folded as the finder matches them
    (``directory.search``): ``normalize_name`` for names, ``normalize`` for units
    and posts."""
    folded = normalize_name(query) if names else normalize(query)
    return tuple(folded.split()[:MAX_QUERY_WORDS])


def mark_matches(text: str, query: str, *, names: bool = False) -> SafeString:
    """``text`` as written, escaped, with what the people finder's ``query`` matched
    in it in ``<mark>``: through width, kana and 異体字 folding, and for a name
    (``names=True``) through the names layer too (斎藤 marks 斉藤 and 齋藤) and across
    the space between surname and given name."""
    text = text or ""
    needles = query_needles(query or "", names=names)
    if not needles or not text:
        return render_marked(text, [])
    folded = FoldedText.of(text, names=names)
    return render_marked(text, folded.spans(list(needles)))


# Kana, CJK ideographs and the marks written inside Japanese words (々 〆 ー).
CJK_CHARACTERS = (
    "\u3005\u3006\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
)
_JAPANESE_RUN = re.compile(rf"[{CJK_CHARACTERS}]+")
# SudachiPy refuses input past 49,149 bytes: longer runs are cut (3 bytes a kanji).
_MAX_RUN = 4000
_analysers = threading.local()


@functools.cache
def _dictionary():
    from sudachipy import Dictionary

    return Dictionary(dict="core")


def _analyser():
    # A SudachiPy tokenizer is not safe to share between threads (ASGI runs views
    # in several): one per thread, over the one dictionary.
    analyser = getattr(_analysers, "tokenizer", None)
    if analyser is None:
        from sudachipy import SplitMode

        analyser = _analysers.tokenizer = _dictionary().tokenizer(mode=SplitMode.A)
    return analyser


def _words(run: str) -> tuple[tuple[str, str], ...]:
    # Words and short runs recur (query words, titles): remember those.
    return _words_of_short(run) if len(run) <= 32 else _words_of(run)


@functools.lru_cache(maxsize=8192)
def _words_of_short(run: str) -> tuple[tuple[str, str], ...]:
    return _words_of(run)


def _words_of(run: str) -> tuple[tuple[str, str], ...]:
    """The words of one run of Japanese text, each as (written, standard spelling).

    A word takes the dictionary's normalised form only where that differs from its
    dictionary form (a spelling, not a conjugation), and not for particles,
    auxiliaries and words written in kana alone other than nouns: する is not 為る
    and こちら not 此方, while こども is 子供."""
    words = []
    for word in _analyser().tokenize(run):
        surface = word.surface()
        normalized = word.normalized_form()
        part = word.part_of_speech()[0]
        if (
            normalized == word.dictionary_form()
            or part in _FUNCTION_WORDS
            or (part != "名詞" and _KANA_ONLY.fullmatch(surface))
        ):
            normalized = surface
        words.append((surface, normalized))
    return tuple(words)


# Particles and auxiliaries keep their spelling (だ is not た), and so do symbols and
# pronouns (a lone 予 is read as the pronoun 余: 予 and 余 stay two words).
_FUNCTION_WORDS = frozenset({"助詞", "助動詞", "補助記号", "記号", "空白", "代名詞"})
_KANA_ONLY = re.compile(r"[\u3040-\u30ffー]+")
# Words kept on each side of a word written another way, when an index stores the
# standard spelling beside the text: enough for phrases such as 施設利用申込書.
_CONTEXT_WORDS = 3
_OKURIGANA = re.compile(r"(?<=[\u3400-\u4dbf\u4e00-\u9fff々])([ぁ-ゖ]+)")


def shorter_spellings(word: str, *, limit: int = 16) -> list[str]:
    """``word`` with some of its 送り仮名 left out, where the dictionary still reads
    the same word (申し込み → 申込み, 申込; 打ち合わせ → 打合せ): how a text may write
    a word that was asked in full, so that it can be marked as written."""
    pieces = _OKURIGANA.split(word)
    # Each 送り仮名 kept whole, cut from the front (わせ → せ) or left out.
    options = [
        [piece[cut:] for cut in range(len(piece) + 1)] if at % 2 else [piece]
        for at, piece in enumerate(pieces)
    ]
    standard = standard_spelling(word)
    found: list[str] = []
    for tried, choice in enumerate(itertools.product(*options)):
        if tried >= 64 or len(found) >= limit:
            break
        candidate = "".join(choice)
        if candidate != word and standard_spelling(candidate) == standard:
            found.append(candidate)
    return found[:limit]


# How much of a text ``written_forms`` reads (SudachiPy's cost grows with it).
WRITTEN_FORMS_CHARS = 2000


def written_forms(text: str, spelled: str, *, limit: int = 8) -> list[str]:
    """How ``text`` writes what, in the dictionary's standard spelling, is ``spelled``
    (folded): one or more whole words of ``text``, folded (``normalize``). For marking
    a match the index found through the standard spelling: 子供 in 子ども食堂の案内 →
    ["子ども"]; こども食堂 (asked as 子供食堂) → ["子ども食堂"]. Reads the first
    ``WRITTEN_FORMS_CHARS`` characters of ``text``."""
    target = normalize(spelled)
    found: list[str] = []
    if not target:
        return found
    for match in _JAPANESE_RUN.finditer(tidy(text[:WRITTEN_FORMS_CHARS])):
        words = _words(match.group()[:_MAX_RUN])
        standards = [normalize(standard) for _written, standard in words]
        for first in range(len(words)):
            joined = ""
            for last in range(first, len(words)):
                joined += standards[last]
                if joined == target:
                    written = normalize(
                        "".join(word for word, _std in words[first : last + 1])
                    )
                    if written not in found:
                        found.append(written)
                    break
                if not target.startswith(joined):
                    break
            if len(found) >= limit:
                return found
    return found


def standard_spelling(value: str) -> str:
    """``value`` with each word of a 表記ゆれ in its standard spelling (申込みの受付 →
    申し込みの受け付け), by SudachiPy's core dictionary (split mode A: the shortest
    words, so that 申込書 holds 申込 → 申し込み書). Give it text as written or
    ``tidy``-ed, not ``fold``-ed: katakana read as hiragana analyse badly.

    Search stores and asks the standard spelling *beside* the text as written, so
    that every spelling of a word meets in one; nothing shown is changed."""
    return _JAPANESE_RUN.sub(
        lambda match: "".join(
            standard
            for at in range(0, len(match.group()), _MAX_RUN)
            for _written, standard in _words(match.group()[at : at + _MAX_RUN])
        ),
        value or "",
    )


def query_words(query: str) -> list[tuple[str, ...]]:
    """The words of a query for a substring search over text stored folded with its
    ``spelling_variants`` beside it: each word folded, then in its standard spelling
    when that differs (申込 → ("申込", "申し込み")), then a person's name in it with
    the other kanji of its names group (斎藤 → ("斎藤", "斉藤")). A result must hold
    every word, in any of its forms."""
    words = []
    for word in tidy(query).split():
        folded = normalize(word)
        standard = normalize(standard_spelling(word))
        forms = [folded, standard, *name_spellings(word)[1:]]
        words.append(tuple(dict.fromkeys(form for form in forms if form)))
    return words


def spelling_variants(value: str) -> str:
    """Where ``value`` writes a word another way than the dictionary's standard, that
    word in the standard spelling with up to three words on each side, folded
    (``normalize``), space-separated: what an index stores beside the text itself
    (会議室の申込みについて → 会議室の申し込みについ). '' when every word is
    written the standard way."""
    pieces = []
    for match in _JAPANESE_RUN.finditer(tidy(value)):
        run = match.group()
        for at in range(0, len(run), _MAX_RUN):
            words = _words(run[at : at + _MAX_RUN])
            changed = [i for i, (written, std) in enumerate(words) if written != std]
            windows: list[list[int]] = []
            for i in changed:
                first, last = max(0, i - _CONTEXT_WORDS), i + _CONTEXT_WORDS
                if windows and first <= windows[-1][1] + 1:
                    windows[-1][1] = last
                else:
                    windows.append([first, last])
            pieces.extend(
                "".join(std for _written, std in words[first : last + 1])
                for first, last in windows
            )
    return normalize(" ".join(pieces))


_BROKEN_LINE = re.compile(
    rf"(?<=[{CJK_CHARACTERS}])[ \t\u3000]*\r?\n[ \t\u3000]*(?=[{CJK_CHARACTERS}])"
)


def join_lines(value: str) -> str:
    """Join lines broken inside Japanese text (会\\n議 → 会議), as a reader would.

    Japanese has no spaces between words, so a line break between two Japanese
    characters is layout, not a word boundary. Other line breaks stay (``normalize``
    and ``tidy`` turn them into spaces)."""
    return _BROKEN_LINE.sub("", value or "")


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
