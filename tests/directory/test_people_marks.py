"""The people finder marks what matched, on the name as written: through width, kana
and 異体字 folding (高橋 marks 髙橋) and the names layer (斎藤 marks 斉藤)."""

from __future__ import annotations

import pytest

from directory.text import mark_matches
from tests.factories import MembershipFactory, OrgUnitFactory, PersonFactory

pytestmark = pytest.mark.django_db

PEOPLE = "/people/"


@pytest.fixture
def people(db):
    unit = OrgUnitFactory(name="R&D推進室", name_kana="アールアンドディースイシンシツ")
    found = {
        username: PersonFactory(
            username=username,
            last_name=last,
            first_name=first,
            last_name_kana=last_kana,
            first_name_kana=first_kana,
        )
        for username, last, first, last_kana, first_kana in [
            ("takahashi_old", "髙橋", "美咲", "タカハシ", "ミサキ"),
            ("takahashi", "高橋", "健二", "タカハシ", "ケンジ"),
            ("saito_sei", "斉藤", "舞", "サイトウ", "マイ"),
            ("yamada", "山田", "太郎", "ヤマダ", "タロウ"),
        ]
    }
    MembershipFactory(person=found["yamada"], unit=unit)
    return found


def _page(client, person, query, django_assert_max_num_queries) -> str:
    client.force_login(person)
    client.get(PEOPLE, {"q": query})  # warm the per-process caches
    with django_assert_max_num_queries(10):
        response = client.get(PEOPLE, {"q": query}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_a_kanji_variant_is_marked_as_written(
    client, people, django_assert_max_num_queries
):
    html = _page(client, people["yamada"], "高橋", django_assert_max_num_queries)
    assert '<span lang="ja"><mark>髙橋</mark> 美咲</span>' in html
    assert '<span lang="ja"><mark>高橋</mark> 健二</span>' in html
    # And the other way round.
    html = _page(client, people["yamada"], "髙橋 健二", django_assert_max_num_queries)
    assert '<span lang="ja"><mark>高橋</mark> <mark>健二</mark></span>' in html


def test_the_names_layer_marks_the_other_spelling(
    client, people, django_assert_max_num_queries
):
    html = _page(client, people["yamada"], "斎藤", django_assert_max_num_queries)
    assert '<span lang="ja"><mark>斉藤</mark> 舞</span>' in html
    # The whole name typed without its space marks across it.
    html = _page(client, people["yamada"], "斎藤舞", django_assert_max_num_queries)
    assert '<span lang="ja"><mark>斉藤 舞</mark></span>' in html


def test_a_reading_typed_in_half_width_kana_marks_the_reading(
    client, people, django_assert_max_num_queries
):
    html = _page(client, people["yamada"], "ﾐｻｷ", django_assert_max_num_queries)
    assert "<mark>ミサキ</mark>" in html
    assert '<span lang="ja">髙橋 美咲</span>' in html  # the name did not match


def test_a_unit_match_marks_the_unit_escaped_and_leaves_the_name_unmarked(
    client, people, django_assert_max_num_queries
):
    html = _page(client, people["takahashi"], "ｒ＆ｄ", django_assert_max_num_queries)
    assert "<mark>R&amp;D</mark>推進室" in html
    assert '<span lang="ja">山田 太郎</span>' in html
    assert "R&D" not in html


def test_a_query_with_markup_is_escaped(client, people):
    client.force_login(people["yamada"])
    html = client.get(PEOPLE, {"q": "<b>高橋&"}).content.decode()
    assert "<b>" not in html
    assert "&lt;b&gt;高橋&amp;" in html
    # Markup in a name is escaped inside and outside the mark.
    marked = mark_matches("<b>髙橋&</b> 美咲", "高橋&", names=True)
    assert marked == "&lt;b&gt;<mark>髙橋&amp;</mark>&lt;/b&gt; 美咲"


def test_marking_reads_what_the_finder_reads():
    # Romaji finds through the reading but marks nothing of a kanji name.
    assert mark_matches("佐藤 花子", "sato", names=True) == "佐藤 花子"
    # General text (units, posts) keeps 斉 and 斎 apart.
    assert mark_matches("一斉送信係", "一斎") == "一斉送信係"
    assert mark_matches("齋藤 淳", "斉藤", names=True) == "<mark>齋藤</mark> 淳"
    assert mark_matches("山﨑 明", "山崎", names=True) == "<mark>山﨑</mark> 明"
    assert (
        mark_matches("渡邊 一", "わたなべ 渡辺", names=True) == "<mark>渡邊</mark> 一"
    )
    assert mark_matches("", "高橋", names=True) == ""
    assert mark_matches("高橋 健二", "", names=True) == "高橋 健二"
