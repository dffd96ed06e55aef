"""The search page and the header box's suggestions over HTTP."""

import pytest
from django.urls import reverse

from intranet.core import cms_access
from tests.spaces.conftest import make_campus

pytestmark = pytest.mark.django_db

RESULTS = reverse("search:results")
SUGGEST = reverse("search:suggest")


@pytest.fixture
def content(publish, office):
    make_campus(office)
    for number in range(8):
        publish(f"定例会議 第{number}回", "議題は押印の廃止です。")
    publish("会議室の使い方", "第1会議室は8名まで。")


def test_results_are_grouped_by_kind_with_counts(applicant_client, content):
    response = applicant_client.get(RESULTS, {"q": "会議"})
    assert response.status_code == 200
    html = response.content.decode()
    for kind in ("pages", "people", "spaces", "documents"):
        assert f'data-testid="results-{kind}"' in html
    assert response.context["results"].groups[0].count == 9
    assert "<mark>会議</mark>室の使い方" in html
    assert "/search/?q=%E4%BC%9A%E8%AD%B0&amp;kind=pages" in html  # more pages
    assert "第1会議室" in html and "大会議室" in html


def test_people_group_links_to_the_people_finder(applicant_client, content):
    response = applicant_client.get(RESULTS, {"q": "さとう"})
    people = response.context["results"].groups[1]
    assert [person.username for person in people.items] == ["sato"]
    assert "佐藤 花子" in response.content.decode()


def test_the_full_list_of_pages_is_paged(
    applicant_client, applicant, publish, home_page, django_assert_max_num_queries
):
    for number in range(25):
        publish(f"会議録 {number}")
    # The user menu's links were answered by an earlier page (cached per person).
    cms_access.may_use_cms(applicant)
    # +1 since the editors' synonym list is read with each query (cached between).
    with django_assert_max_num_queries(6):
        first = applicant_client.get(RESULTS, {"q": "会議録", "kind": "pages"})
    assert len(first.context["group"].items) == 20 and first.context["group"].more
    second = applicant_client.get(
        RESULTS, {"q": "会議録", "kind": "pages", "page": "2"}
    )
    assert len(second.context["group"].items) == 5
    odd = applicant_client.get(RESULTS, {"q": "会議録", "kind": "pages", "page": "x"})
    assert odd.status_code == 200


@pytest.mark.parametrize("query", ["会議", "佐藤", "総務"])
def test_the_results_page_has_a_bounded_number_of_queries(
    applicant_client, content, django_assert_max_num_queries, query
):
    """At most 10 queries, session and bell included, whichever groups have hits."""
    applicant_client.get(RESULTS, {"q": query})  # warm the per-process caches
    with django_assert_max_num_queries(10):
        response = applicant_client.get(RESULTS, {"q": query})
    if query == "佐藤":  # people found: their units and posts are read too
        people = next(
            group
            for group in response.context["results"].groups
            if group.kind == "people"
        )
        assert people.items


def test_suggestions_as_you_type(
    applicant_client, content, django_assert_max_num_queries
):
    applicant_client.get(SUGGEST, {"q": "会議"})
    with django_assert_max_num_queries(9):
        response = applicant_client.get(SUGGEST, {"q": "会議"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.count('role="option"') >= 3
    assert "<mark>会議</mark>室の使い方" in html
    assert "第1会議室" in html
    assert 'id="header-search-option-all"' in html


def test_one_character_suggests_nothing(
    applicant_client, content, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        response = applicant_client.get(SUGGEST, {"q": "会"})
    assert 'role="option"' not in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "\x00",
        "会議\x00押印",
        "%_%",
        "'; DROP TABLE x; --",
        "会" * 5000,
        "<script>",
    ],
)
def test_bad_input_never_fails(applicant_client, content, query):
    for url in (RESULTS, SUGGEST):
        response = applicant_client.get(url, {"q": query})
        assert response.status_code == 200
        assert "<script>" not in response.content.decode().split("<main", 1)[-1]


def test_undecodable_bytes_never_fail(applicant_client, content):
    for url in (RESULTS, SUGGEST):
        assert applicant_client.get(f"{url}?q=%ED%A0%80%FF%E4%BC").status_code == 200


def test_the_header_box_is_a_combobox(applicant_client, home_page):
    html = applicant_client.get(RESULTS).content.decode()
    assert 'role="combobox"' in html and 'aria-controls="header-search-listbox"' in html
    assert 'role="listbox"' in html and 'for="header-search-q"' in html
