"""The names layer: 斎藤 finds 斉藤 and 齊藤 (and the reverse) wherever a person's name
is matched, from a table generated from Unihan and KANJIDIC2; general text keeps the
two kanji apart."""

from __future__ import annotations

import pytest
from django import forms

from directory.kanji import build
from directory.search import search_people
from directory.text import (
    NAME_VARIANTS_FILE,
    name_spellings,
    name_variants,
    normalize,
    normalize_name,
    spellings,
    variants,
)
from tests.factories import PersonFactory
from workflows.forms import find_person


def _rows() -> list[list[str]]:
    lines = NAME_VARIANTS_FILE.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if not line.startswith("#")]


def test_the_names_table_is_published_data_with_its_sources_and_rule_noted():
    header = NAME_VARIANTS_FILE.read_text(encoding="utf-8")[:1200]
    for note in ("Unihan 15.0.0", "KANJIDIC2", "CC BY-SA 4.0", "nanori", "on-reading"):
        assert note in header
    # Each row names the published link behind it.
    assert all(len(row) == 3 and "~" in row[2] for row in _rows())
    assert {(kanji, form) for kanji, form, _link in _rows()} >= {("斉", "斎")}


@pytest.mark.skipif(
    not build.KANJIDIC.exists(), reason="Debian's kanjidic-xml is not installed"
)
def test_the_committed_names_table_is_what_the_generator_makes():
    names, _notes = build.build_names()
    assert {kanji: form for kanji, (form, _link) in names.items()} == name_variants()
    # The rule, not a hand list, leaves out links between old forms that are not
    # one name: 喧/暖 share no reading; 暦/歴, 二/弐 and 愉/癒 have no name readings.
    joined = {frozenset((kanji, form)) for kanji, (form, _link) in names.items()}
    for left, right in ("喧暖", "暦歴", "二弐", "愉癒", "予余", "係系", "崎埼"):
        assert frozenset((left, right)) not in joined


@pytest.mark.parametrize(("kanji", "form", "link"), _rows(), ids=lambda v: v)
def test_each_pair_is_one_name_and_two_words(kanji, form, link):
    assert normalize_name(kanji) == normalize_name(form)
    # The old forms on the link fold with them (齊 ~ 齋: 斉藤, 齊藤, 斎藤, 齋藤).
    old_left, old_right = link.split()[0], link.split()[2]
    assert {normalize_name(old_left), normalize_name(old_right)} == {
        normalize_name(form)
    }
    assert variants().get(old_left, old_left) != variants().get(old_right, old_right)
    # General text keeps them apart.
    assert normalize(kanji) != normalize(form)


def test_name_spellings_only_for_what_the_dictionary_reads_as_a_name():
    assert name_spellings("斎藤") == ["斎藤", "斉藤"]
    assert name_spellings("齊藤課長") == ["斉藤課長", "斎藤課長"]
    assert name_spellings("鈴木斉") == ["鈴木斉", "鈴木斎"]
    for word in ("一斉", "斎場", "一覧", "予定", "余白"):
        assert name_spellings(word) == [normalize(word)]
    # The room and floor spellings (general text) never cross the names layer.
    assert not any("斉" in spelling for spelling in spellings("斎藤"))


SAITO = [
    # username, surname, given name, given name's reading
    ("saito", "斎藤", "由美", "ユミ"),
    ("saito_old", "齋藤", "淳", "ジュン"),
    ("saito_sei", "斉藤", "舞", "マイ"),
    ("saito_sei_old", "齊藤", "亮", "リョウ"),
]


@pytest.fixture
def saitos(db):
    return {
        username: PersonFactory(
            username=username,
            last_name=surname,
            first_name=given,
            last_name_kana="サイトウ",
            first_name_kana=given_kana,
        )
        for username, surname, given, given_kana in SAITO
    }


def _names(people) -> list[str]:
    return [person.full_name for person in people]


def test_the_finder_finds_every_saito_exact_first_then_variant_then_name(saitos):
    assert _names(search_people("斎藤")) == [
        "斎藤 由美",
        "齋藤 淳",
        "斉藤 舞",
        "齊藤 亮",
    ]
    assert _names(search_people("斉藤")) == [
        "斉藤 舞",
        "齊藤 亮",
        "齋藤 淳",
        "斎藤 由美",
    ]
    assert _names(search_people("齋藤")) == [
        "齋藤 淳",
        "斎藤 由美",
        "斉藤 舞",
        "齊藤 亮",
    ]
    # The limit keeps the best matches, not the first in 五十音順.
    assert _names(search_people("斉藤", limit=1)) == ["斉藤 舞"]
    assert _names(search_people("斎藤 舞")) == ["斉藤 舞"]
    # Readings and romaji are unchanged: 五十音順 only.
    assert _names(search_people("saito")) == [
        "齋藤 淳",
        "斉藤 舞",
        "斎藤 由美",
        "齊藤 亮",
    ]


def test_the_finder_keeps_other_standard_kanji_apart(db):
    PersonFactory(username="yo", last_name="予備", first_name="一郎")
    PersonFactory(username="amari", last_name="余田", first_name="壱郎")
    assert _names(search_people("予")) == ["予備 一郎"]
    assert _names(search_people("余")) == ["余田 壱郎"]
    # 一 and 壱 are one for names (壹 ~ 弌): the name as written first.
    assert _names(search_people("一郎")) == ["予備 一郎", "余田 壱郎"]


def test_the_route_picker_finds_a_person_by_the_other_spelling(saitos):
    assert find_person("斉藤 舞") == saitos["saito_sei"]
    assert find_person("齋藤 舞") == saitos["saito_sei"]
    assert find_person("斎藤 亮") == saitos["saito_sei_old"]
    with pytest.raises(forms.ValidationError, match="候補が複数"):
        find_person("斉藤")
