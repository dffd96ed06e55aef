"""Person names in the site search and document search: 斎藤 finds 斉藤, 齊藤 and 齋藤
(the names layer, for words SudachiPy reads as a person's name), as written first;
ordinary words keep 予/余 and 斉/斎 apart (一斉 is not 一斎); matches are marked as written."""

import pytest

from intranet.search.pages import search_pages, suggest_pages
from workflows.search import search_documents

pytestmark = pytest.mark.django_db


def titles(user, query):
    return [str(hit.title) for hit in search_pages(user, query).hits]


@pytest.fixture
def saito_pages(publish):
    # Published oldest first: the ranking, not the date, puts the exact match first.
    publish("斉藤係長の報告", "区民課の斉藤が説明します。")
    publish("齊藤主事の異動", "")
    publish("齋藤課長の挨拶", "")
    publish("斎藤部長の講演", "")


def test_every_saito_is_found_as_written_exact_first(saito_pages, applicant):
    assert titles(applicant, "斎藤") == [
        "<mark>斎藤</mark>部長の講演",
        "<mark>齋藤</mark>課長の挨拶",
        "<mark>齊藤</mark>主事の異動",
        "<mark>斉藤</mark>係長の報告",
    ]
    assert titles(applicant, "斉藤") == [
        "<mark>斉藤</mark>係長の報告",
        "<mark>齊藤</mark>主事の異動",
        "<mark>斎藤</mark>部長の講演",
        "<mark>齋藤</mark>課長の挨拶",
    ]
    # As a phrase with the words around it, and in the snippet.
    assert titles(applicant, "斎藤係長") == ["<mark>斉藤係長</mark>の報告"]
    hit = search_pages(applicant, "斎藤 説明").hits[0]
    assert "区民課の<mark>斉藤</mark>が<mark>説明</mark>" in hit.snippet
    first = suggest_pages(applicant, "齋藤")[0]
    assert str(first.title) == "<mark>齋藤</mark>課長の挨拶"


def test_old_forms_of_other_names_still_find_each_other(publish, applicant):
    publish("髙橋課長の挨拶", "")
    publish("高橋係長の報告", "")
    assert len(titles(applicant, "高橋")) == 2
    assert titles(applicant, "髙橋")[0] == "<mark>髙橋</mark>課長の挨拶"


def test_ordinary_words_keep_standard_kanji_apart(publish, applicant):
    publish("一斉点検のお知らせ", "余白に記入してください。")
    publish("佐藤一斎の言葉", "")
    publish("書斎の整理", "")
    # 一斉 and 書斎 are ordinary words: asked as typed only.
    assert titles(applicant, "一斉") == ["<mark>一斉</mark>点検のお知らせ"]
    assert titles(applicant, "書斉") == []
    assert titles(applicant, "予白") == []
    assert titles(applicant, "予") == []
    # 一斎 is a name (佐藤一斎): as written first, then the other spelling.
    assert titles(applicant, "一斎")[0] == "佐藤<mark>一斎</mark>の言葉"


def test_decided_documents_are_found_by_either_spelling_of_a_name(decided, kacho):
    document = decided(title="斉藤主事の出張報告")
    for query in ("斉藤", "斎藤", "齋藤 出張"):
        assert [d.pk for d in search_documents(kacho, query)] == [document.pk], query
    assert search_documents(kacho, "一斉") == []
