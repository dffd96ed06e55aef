"""Results show the text as written, blocks stay apart for phrases, and 異体字 match."""

import pytest

from intranet.pages.text import html_to_text
from intranet.search.pages import search_pages, suggest_pages

pytestmark = pytest.mark.django_db


def test_results_show_the_title_and_snippet_as_written(publish, applicant):
    publish("ＤＸ推進の規程（旧版）", "令和８年度から？押印を廃止します。")
    hit = search_pages(applicant, "旧版").hits[0]
    assert str(hit.title) == "ＤＸ推進の規程（<mark>旧版</mark>）"
    assert str(search_pages(applicant, "dx").hits[0].title).startswith(
        "<mark>ＤＸ</mark>推進"
    )
    snippet = str(search_pages(applicant, "令和8年度").hits[0].snippet)
    assert snippet.startswith("<mark>令和８年度</mark>から？")
    suggestion = suggest_pages(applicant, "推進")[0]
    assert str(suggestion.title) == "ＤＸ<mark>推進</mark>の規程（旧版）"


def test_old_form_kanji_find_each_other_and_show_as_written(publish, applicant):
    publish("髙橋課長の挨拶", "")
    publish("高橋係長の報告", "")
    found = {str(hit.title) for hit in search_pages(applicant, "高橋").hits}
    assert found == {"<mark>髙橋</mark>課長の挨拶", "<mark>高橋</mark>係長の報告"}
    assert len(search_pages(applicant, "髙橋").hits) == 2


def test_blocks_stay_apart_for_phrases(publish, applicant):
    body = (
        "<h2>会議の頻度</h2><p>月1回</p><ul><li>処理件数は120件→0件</li>"
        "<li>印鑑は不要</li></ul><table><tr><td>頻度</td><td>会議</td></tr></table>"
        "<p>電子決<br>裁の導入</p>"
    )
    publish("規程", body)
    assert search_pages(applicant, "0件印鑑").hits == []
    assert search_pages(applicant, "頻度会議").hits == []
    assert search_pages(applicant, "度月").hits == []
    # A line break inside one paragraph joins.
    assert len(search_pages(applicant, "電子決裁").hits) == 1
    assert len(search_pages(applicant, "印鑑は不要").hits) == 1


def test_html_blocks_become_paragraphs():
    assert html_to_text("<p>一</p><ul><li>二</li><li>三</li></ul><p>四<br>五</p>") == (
        "一\n\n二\n\n三\n\n四\n五"
    )


def test_editors_synonyms_apply_at_once_without_reindexing(publish, applicant):
    from django.core.exceptions import ValidationError

    from intranet.search.models import Synonym

    # 子ども/子供/こども need no list: the dictionary knows them (表記ゆれ).
    publish("子ども食堂の案内", "地域の子どもの居場所づくり")
    assert len(search_pages(applicant, "子供").hits) == 1
    # Words no dictionary links are the editors' to add.
    publish("窓口の案内", "1階の窓口でお受けします。")
    assert search_pages(applicant, "カウンター").hits == []
    Synonym.objects.create(words="窓口、カウンター　受付カウンター")
    for query in ("カウンター", "かうんたー", "ｶｳﾝﾀｰ", "窓口", "カウンターの案内"):
        hits = search_pages(applicant, query).hits
        assert len(hits) == 1, query
    assert str(search_pages(applicant, "カウンター").hits[0].title) == (
        "<mark>窓口</mark>の案内"
    )
    Synonym.objects.all().delete()
    assert search_pages(applicant, "カウンター").hits == []
    with pytest.raises(ValidationError):
        Synonym(words="子ども").full_clean()


def test_editors_find_the_synonym_list_in_the_cms(admin_client):
    from django.urls import reverse

    response = admin_client.get(reverse("wagtailsnippets_search_synonym:list"))
    assert response.status_code == 200


def test_titles_as_written_rank_before_those_through_a_variant(publish, applicant):
    publish("高橋課長の挨拶", "新年度の挨拶です。")
    publish("髙橋課長の挨拶", "新年度の挨拶です。")  # the newer page
    plain = [hit.title for hit in search_pages(applicant, "高橋").hits]
    assert [title.replace("<mark>", "").replace("</mark>", "") for title in plain] == [
        "高橋課長の挨拶",
        "髙橋課長の挨拶",
    ]
    old = [hit.title for hit in search_pages(applicant, "髙橋 挨拶").hits]
    assert [title.replace("<mark>", "").replace("</mark>", "") for title in old] == [
        "髙橋課長の挨拶",
        "高橋課長の挨拶",
    ]
