"""directory.text and directory.collation: 異体字 from the published table, variation
selectors, compatibility ideographs, the map back to the original, and 五十音順."""

from __future__ import annotations

import pytest

from directory import collation
from directory.kanji import build
from directory.text import VARIANTS_FILE, FoldedText, fold, normalize, tidy


def _pairs() -> list[tuple[str, str]]:
    lines = VARIANTS_FILE.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if not line.startswith("#")]


def test_the_table_is_the_published_data_with_its_sources_noted():
    header = VARIANTS_FILE.read_text(encoding="utf-8")[:800]
    for note in ("Unihan 15.0.0", "KANJIDIC2", "CC BY-SA 4.0", "Unicode License"):
        assert note in header
    assert len(_pairs()) > 2000


@pytest.mark.skipif(
    not build.KANJIDIC.exists(), reason="Debian's kanjidic-xml is not installed"
)
def test_the_committed_table_is_what_the_generator_makes():
    table, _notes = build.build()
    assert dict(_pairs()) == table


# Every 10th pair of the table: well over 200, drawn from the data, not by hand.
SAMPLE = _pairs()[::10]


def test_the_sample_is_large_enough():
    assert len(SAMPLE) >= 200


@pytest.mark.parametrize(("variant", "form"), SAMPLE, ids=lambda v: v)
def test_each_variant_folds_to_its_form(variant, form):
    assert normalize(variant) == normalize(form)
    # Inside a name, and found from either spelling.
    stored = normalize(f"山田{variant}子")
    assert normalize(f"田{form}") in stored


@pytest.mark.parametrize(
    ("old", "new"),
    [("髙", "高"), ("齋", "斎"), ("齊", "斉"), ("邊", "辺"), ("邉", "辺"), ("﨑", "崎"),
     ("嵜", "崎"), ("德", "徳"), ("濱", "浜"), ("澤", "沢"), ("國", "国"), ("櫻", "桜")],
)  # fmt: skip
def test_name_variants_a_ward_meets(old, new):
    assert normalize(old) == normalize(new)


def test_standard_kanji_stay_apart():
    # Two 常用/人名用 kanji are two characters, however a dictionary links them.
    for left, right in ("予余", "一壱", "係系", "斎斉", "崎埼"):
        assert normalize(left) != normalize(right)


def test_variation_selectors_are_ignored_and_compatibility_ideographs_fold():
    assert normalize("葛\U000e0100飾区") == "葛飾区"
    assert normalize("辻\ufe00") == "辻"
    assert normalize("\uf9dc") == normalize("隆")  # CJK COMPATIBILITY IDEOGRAPH-F9DC
    assert normalize("\ufa10") == normalize("塚")


def test_width_kana_case_and_spaces():
    assert normalize("ＤＸ推進　ｶｲｷﾞ ") == "dx推進 かいぎ"
    assert tidy("（旧版）") == "(旧版)"
    assert fold("タカハシ") == "たかはし"
    assert fold("髙橋", kanji_variants=False) == "髙橋"


@pytest.mark.parametrize(
    "text",
    [
        "（旧版）ＤＸ推進",
        "ｶﾞｲﾄﾞ　ライン",
        "髙橋\U000e0100 健二",
        "  令和８年度\n\n会議  ",
        "ß",
    ],
)
def test_folded_text_agrees_with_normalize(text):
    assert FoldedText.of(text).folded == normalize(text)


def test_matches_map_back_onto_the_text_as_written():
    text = FoldedText.of("文書の規程（旧版）とＤＸ推進、ｶﾞｲﾄﾞ、髙橋\U000e0100課長")
    spans = {
        needle: [text.text[a:b] for a, b in text.find_all(normalize(needle))]
        for needle in ("(旧版)", "dx", "ガイド", "高橋課長")
    }
    assert spans == {
        "(旧版)": ["（旧版）"],
        "dx": ["ＤＸ"],
        "ガイド": ["ｶﾞｲﾄﾞ"],
        "高橋課長": ["髙橋\U000e0100課長"],
    }


def key(surname_kana, given_kana="", surname="", given=""):
    return collation.person_sort_key(surname_kana, given_kana, surname, given)


def test_gojuon_order_per_jis_x_4061():
    people = {
        "小林": key("コバヤシ"),
        "近藤": key("コンドウ"),
        "後藤": key("ゴトウ"),
        "渡辺": key("ワタナベ"),
        "和田": key("ワダ"),
    }
    assert sorted(people, key=people.get) == ["後藤", "小林", "近藤", "和田", "渡辺"]


def test_surname_before_given_name():
    assert key("ハヤシ", "ミサキ") < key("ハヤシダ", "アキラ")
    assert key("ハヤシ") < key("ハヤシ", "アキラ")


def test_later_levels_break_ties_in_order():
    # 清音 < 濁音 < 半濁音; 小書き < normal; then the written form.
    assert key("ハハ") < key("ハバ") < key("ハパ")
    assert key("ツ") > key("ッ")
    assert key("サトウ") < key("サドウ")
    assert key("カナ", surname="加奈") != key("カナ", surname="可奈")
    assert sorted([key("カナ", surname="可奈"), key("カナ", surname="加奈")]) == [
        key("カナ", surname="加奈"),
        key("カナ", surname="可奈"),
    ]


def test_long_vowel_counts_as_the_vowel_before_it():
    # サトー reads さとお: after さとう (う < お), before さとか.
    assert key("サトウ") < key("サトー") < key("サトカ")


def test_kana_forms_sort_alike_and_keys_are_plain_ascii():
    assert key("ﾀｶﾊｼ") == key("タカハシ") == key("たかはし")
    assert key("タカハシ", "ケンジ", "髙橋", "健二").isascii()
    # No reading: by the written name, after every reading (漢字 after 仮名).
    assert key("ワ") < key("", "", "山田", "")
