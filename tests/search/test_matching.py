"""Japanese matching: two-character words, kana, width, line breaks, ranking, marks."""

import pytest

from directory.text import join_lines, normalize
from intranet.search import index
from intranet.search.pages import search_pages
from intranet.search.tokens import index_tokens, query_terms

pytestmark = pytest.mark.django_db


def titles(user, query, **kwargs):
    return [
        hit.title.replace("<mark>", "").replace("</mark>", "")
        for hit in search_pages(user, query, **kwargs).hits
    ]


def test_tokens_are_bigrams_of_japanese_runs_and_words_otherwise():
    assert index_tokens("DX推進の会議室") == "dx 推進 進の の会 会議 議室 室"
    assert index_tokens("ｶｲｷﾞ、押印") == "かい いぎ ぎ 押印 印"
    assert [term.text for term in query_terms("　稟議　ＰＤＦ ")] == ["稟議", "pdf"]
    assert query_terms("") == query_terms("  、。!?") == []


def test_line_breaks_inside_japanese_are_joined():
    assert join_lines("電子決\n裁の導入") == "電子決裁の導入"
    assert join_lines("会議\r\n　資料") == "会議資料"
    assert normalize(join_lines("DX\npt")) == "dx pt"  # between words: a space


def test_two_character_words(publish, applicant):
    publish("定例会議の開催", "各課の代表が出席します。")
    publish("稟議の電子化", "押印を廃止し、決裁を電子化します。")
    publish("庁舎の清掃", "会計年度の清掃計画です。")
    assert titles(applicant, "会議") == ["定例会議の開催"]
    assert titles(applicant, "稟議") == ["稟議の電子化"]
    assert titles(applicant, "押印") == ["稟議の電子化"]
    assert set(titles(applicant, "議の")) == {"定例会議の開催", "稟議の電子化"}
    assert titles(applicant, "会計年度") == ["庁舎の清掃"]
    assert titles(applicant, "会計士") == []  # a phrase: 会計 and 計士 side by side


def test_katakana_hiragana_and_width(publish, applicant):
    publish("テレワークの手引き", "ペーパーレス会議のすすめ。Wi-Fi の設定。")
    for query in ("てれわーく", "テレワーク", "ﾃﾚﾜｰｸ", "ぺーぱーれす", "ＷＩ", "wi fi"):
        assert titles(applicant, query) == ["テレワークの手引き"], query


def test_a_word_split_across_a_line_break_is_found(publish, applicant):
    publish("庁内報", "本年度から電子決\n裁を全庁に導入し、\n会議資料も電子化します。")
    assert titles(applicant, "電子決裁") == ["庁内報"]
    assert titles(applicant, "し、会議") == ["庁内報"]


def test_title_matches_come_first(publish, applicant):
    publish("庁舎管理のお知らせ", "来月の会議室の予約方法が変わります。")
    publish("会議室の予約", "予約は座席・会議室の画面から。")
    publish("防災訓練", "訓練の後に会議室で反省会。")
    found = titles(applicant, "会議室")
    assert found[0] == "会議室の予約"
    assert set(found[1:]) == {"庁舎管理のお知らせ", "防災訓練"}


def test_matches_are_marked_and_the_rest_escaped(publish, applicant):
    publish("<script>会議</script>", "本文の<b>会議</b>と & 記号")
    hit = search_pages(applicant, "会議").hits[0]
    assert hit.title == "&lt;script&gt;<mark>会議</mark>&lt;/script&gt;"
    assert "<mark>会議</mark>" in hit.snippet
    assert "<b>" not in hit.snippet and "&amp;" in hit.snippet


def test_kana_match_is_marked_in_the_original_spelling(publish, applicant):
    publish("ﾍﾟｰﾊﾟｰﾚｽ化", "")
    hit = search_pages(applicant, "ぺーぱー").hits[0]
    # Shown as written (half-width and all), the match marked on it.
    assert hit.title == "<mark>ﾍﾟｰﾊﾟｰ</mark>ﾚｽ化"


def test_long_snippets_are_cut_around_the_first_match(publish, applicant):
    publish("長い規程", "前文。" * 200 + "押印の廃止について定める。" + "附則。" * 200)
    snippet = search_pages(applicant, "押印").hits[0].snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>押印</mark>" in snippet and len(snippet) < 200


def test_search_text_of_a_page_type_is_indexed(publish, applicant):
    page = publish("提案", "")
    page.search_text = lambda: "<p>窓口の<strong>キャッシュレス</strong>決済</p>"
    index.index_page(page)
    assert titles(applicant, "きゃっしゅれす") == ["提案"]
    assert titles(applicant, "strong") == []


def test_paging_and_counts(publish, applicant):
    for number in range(7):
        publish(f"会議録 第{number}回")
    first = search_pages(applicant, "会議録", limit=5)
    second = search_pages(applicant, "会議録", limit=5, offset=5)
    assert first.total == second.total == 7
    assert len(first.hits) == 5 and len(second.hits) == 2


@pytest.mark.parametrize(
    "query",
    [
        "",
        " ",
        "　",
        "%",
        "_",
        "'",
        '"',
        "*",
        "\\",
        "NEAR(",
        "a:b",
        "会" * 500,
        "\x00会議",
        "💡",
        "-",
        "AND OR NOT",
    ],
)
def test_odd_queries_never_fail(publish, applicant, client, query):
    publish("会議", "")
    results = search_pages(applicant, query)
    assert results.total >= 0
    # Every group of the results page (documents, people, rooms, pages) and the
    # suggestions, on both databases.
    client.force_login(applicant)
    assert client.get("/search/", {"q": query}).status_code == 200
    assert client.get("/search/suggest/", {"q": query}).status_code == 200


def test_marks_line_up_when_case_folding_changes_the_length(publish, applicant):
    publish("Straße会議の案内", "")
    hit = search_pages(applicant, "STRASSE 会議").hits[0]
    assert hit.title == "<mark>Straße</mark><mark>会議</mark>の案内" or (
        hit.title == "<mark>Straße会議</mark>の案内"
    )
