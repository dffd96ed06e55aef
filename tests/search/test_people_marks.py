"""The site search's people group and the search box's suggestions mark what matched
on the name as written (高橋 marks 髙橋; 斎藤 marks 斉藤), escaped."""

import pytest
from django.urls import reverse

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

RESULTS = reverse("search:results")
SUGGEST = reverse("search:suggest")


@pytest.fixture
def names(home_page):
    PersonFactory(
        username="takahashi_old",
        last_name="髙橋",
        first_name="美咲",
        last_name_kana="タカハシ",
        first_name_kana="ミサキ",
    )
    PersonFactory(
        username="saito_sei",
        last_name="斉藤",
        first_name="舞",
        last_name_kana="サイトウ",
        first_name_kana="マイ",
    )


def test_the_people_group_marks_the_name_as_written(
    applicant_client, names, django_assert_max_num_queries
):
    applicant_client.get(RESULTS, {"q": "高橋"})  # warm the per-process caches
    with django_assert_max_num_queries(10):
        response = applicant_client.get(RESULTS, {"q": "高橋"})
    html = response.content.decode()
    assert '<span lang="ja"><mark>髙橋</mark> 美咲</span>' in html
    assert "<mark>タカハシ</mark> ミサキ" not in html  # kanji asked, reading unmarked
    html = applicant_client.get(RESULTS, {"q": "斎藤"}).content.decode()
    assert '<span lang="ja"><mark>斉藤</mark> 舞</span>' in html
    html = applicant_client.get(RESULTS, {"q": "たかはし"}).content.decode()
    assert '<span lang="ja">髙橋 美咲</span>' in html
    assert "<mark>タカハシ</mark> ミサキ" in html


def test_suggestions_mark_people_through_the_names_layer(
    applicant_client, names, django_assert_max_num_queries
):
    applicant_client.get(SUGGEST, {"q": "斎藤"})
    with django_assert_max_num_queries(9):
        response = applicant_client.get(SUGGEST, {"q": "斎藤"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert '<span class="suggest__title"><mark>斉藤</mark> 舞</span>' in html


def test_markup_in_the_query_is_escaped(applicant_client, names):
    html = applicant_client.get(SUGGEST, {"q": "<i>髙橋 美咲"}).content.decode()
    assert "<i>" not in html
    html = applicant_client.get(RESULTS, {"q": "<i>髙橋&"}).content.decode()
    assert "<i>" not in html and "&lt;i&gt;髙橋&amp;" in html
