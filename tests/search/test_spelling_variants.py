"""表記ゆれ: the 送り仮名 and kana/kanji spellings of one word find each other, in
pages and in decided documents, both ways, through SudachiPy's core dictionary —
and what is shown stays as written."""

from __future__ import annotations

import pytest

from directory.text import spelling_variants, standard_spelling
from intranet.search.pages import search_pages
from workflows.search import search_documents

pytestmark = pytest.mark.django_db

SPELLINGS = [
    ("申し込み", "申込み", "申込"),
    ("取り扱い", "取扱い", "取扱"),
    ("打ち合わせ", "打合せ", "打合わせ"),
    ("子ども", "子供", "こども"),
]


def titles(user, query):
    return sorted(
        hit.title.replace("<mark>", "").replace("</mark>", "")
        for hit in search_pages(user, query).hits
    )


def test_the_dictionary_gives_one_spelling_for_each_variant():
    for forms in SPELLINGS:
        assert len({standard_spelling(form) for form in forms}) == 1, forms
    assert standard_spelling("申込書") == standard_spelling("申し込み書")
    # Text as written stays: only the words written another way are added.
    assert spelling_variants("会議室の予約") == ""
    assert spelling_variants("会議室の申込み") == "会議室の申し込み"
    # Conjugation is not spelling: nothing is added for ついて or 申し込んだ; nor
    # are kana-only verbs and pronouns written in kanji (する is not 為る).
    assert spelling_variants("申し込んだ件について") == ""
    assert spelling_variants("結果を共有します。こちらを見てください") == ""
    # Beside a long text, the word and a few words around it, not the whole text.
    added = spelling_variants("本年度の施設利用申込書は各課の窓口で配布します。")
    assert "申し込み書" in added
    assert "配布" not in added


@pytest.mark.parametrize("forms", SPELLINGS, ids=lambda forms: forms[0])
def test_each_spelling_finds_pages_written_in_every_other(publish, applicant, forms):
    pages = [f"お知らせ{number}" for number in range(len(forms))]
    for title, written in zip(pages, forms, strict=True):
        publish(title, f"窓口での{written}について、各課に説明します。")
    publish("別件", "庁舎の清掃について、各課に説明します。")
    for query in forms:
        assert titles(applicant, query) == pages, query


def test_compounds_and_phrases_across_spellings(publish, applicant):
    publish("様式", "施設利用申込書は窓口で配布します。")
    publish("議事録", "前回の打ち合わせ記録を添付します。")
    assert titles(applicant, "申し込み書") == ["様式"]
    assert titles(applicant, "打合せ記録") == ["議事録"]
    # A different word is not found: 取り消し is not 取り扱い, 申す is not 申し込み.
    publish("取扱い", "個人情報の取扱いについて。")
    assert titles(applicant, "取り消し") == []
    assert titles(applicant, "申す") == []


def test_the_match_is_marked_as_written(publish, applicant):
    publish("会議室の申込みについて", "申込みの受付は午後5時までです。")
    hit = search_pages(applicant, "申し込み").hits[0]
    assert hit.title == "会議室の<mark>申込み</mark>について"
    assert "<mark>申込み</mark>の受付" in hit.snippet
    hit = search_pages(applicant, "受け付け").hits[0]
    assert "申込みの<mark>受付</mark>は" in hit.snippet


def test_decided_documents_are_found_in_every_spelling(decided, kacho):
    document = decided(
        title="会議室の申込みの取扱いについて",
        body="<p>打合せの日程は別途調整します。</p>",
    )
    for query in ("申し込み", "申込", "取り扱い", "打ち合わせ", "打合わせ 取扱"):
        found = search_documents(kacho, query)
        assert [d.pk for d in found] == [document.pk], query
    assert search_documents(kacho, "取り消し") == []


def test_the_document_list_filter_reads_every_spelling(decided, kacho, client):
    decided(title="会議室の申込みについて")
    client.force_login(kacho)
    page = client.get("/approvals/documents/", {"q": "申し込み", "state": "decided"})
    assert "会議室の申込みについて" in page.content.decode()


def test_a_kana_or_kanji_spelling_is_marked_as_written(publish, applicant):
    publish("子ども食堂の案内", "地域の子どもの居場所づくりと子ども食堂の運営。")
    for query in ("子供", "こども", "コドモ"):
        hit = search_pages(applicant, query).hits[0]
        assert hit.title == "<mark>子ども</mark>食堂の案内", query
        assert "地域の<mark>子ども</mark>の居場所" in hit.snippet, query
        assert "と<mark>子ども</mark>食堂" in hit.snippet, query
    hit = search_pages(applicant, "子供食堂").hits[0]
    assert hit.title == "<mark>子ども食堂</mark>の案内"
    # Where the text also writes the word as asked, that is what is marked (the
    # dictionary reads the text only when nothing else would be marked).
    publish("こども会の案内", "こども会と子ども食堂の合同行事。")
    hit = search_pages(applicant, "こども会").hits[0]
    assert "<mark>こども会</mark>と子ども食堂" in hit.snippet
