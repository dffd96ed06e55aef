"""The 文書管理簿 through the API: the register page's rows and rules (文書管理担当
and auditors only, 秘 titles through the one gate), filtered by 年度, 課 and 保存期間,
paged by cursor with a bounded number of queries."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from directory import roles
from workflows.models import Document

pytestmark = pytest.mark.django_db
URL = "/api/v1/records/register"


@pytest.fixture
def register(decided, table, received):
    """Three decided documents of one 年度 (one 秘, one kept 1年) and a 収受."""
    made = [
        decided(title="庁内報の発行について"),
        decided(title="人事評価の実施方針について", confidential=True),
        decided(title="会議室の備品購入について"),
    ]
    Document.objects.filter(pk=made[2].pk).update(retention_years=1)
    return made, received()


def test_the_register_for_the_records_manager_with_secret_titles_withheld(
    api_as, register, records_manager, office
):
    (shared, secret, _small), incoming = register
    response = api_as(records_manager, "records:read").get(
        URL, {"fiscal_year": shared.fiscal_year}
    )
    assert response.status_code == 200, response.content
    page = response.json()
    assert page["fiscal_year"] == shared.fiscal_year and page["next_cursor"] is None
    rows = {row["number"]: row for row in page["items"]}
    assert rows[shared.number_label]["title"] == "庁内報の発行について"
    assert rows[shared.number_label]["category"] == "起案"
    assert rows[shared.number_label]["retention"] == "5年"
    assert rows[shared.number_label]["completed_on"]
    # 林 is a stranger to the 秘 document: the page's rule, （秘）文書.
    assert rows[secret.number_label]["title"] == "（秘）文書"
    assert "人事評価" not in response.content.decode()
    assert rows[incoming.number_label]["category"] == "収受"
    assert rows[incoming.number_label]["disposed_on"] is None
    # An auditor may know of it: its title, marked （秘）.
    audited = api_as(office.auditor, "records:read").get(
        URL, {"fiscal_year": shared.fiscal_year}
    )
    titles = {row["number"]: row["title"] for row in audited.json()["items"]}
    assert titles[secret.number_label] == "（秘）人事評価の実施方針について"


def test_filters_by_section_and_retention(api_as, register, records_manager, office):
    (shared, _secret, small), incoming = register
    client = api_as(records_manager, "records:read")
    year = shared.fiscal_year
    one_year = client.get(URL, {"fiscal_year": year, "retention_years": 1}).json()
    assert [row["number"] for row in one_year["items"]] == [small.number_label]
    somu = client.get(URL, {"fiscal_year": year, "section": office.units.somu_ka.pk})
    numbers = [row["number"] for row in somu.json()["items"]]
    assert incoming.number_label in numbers
    assert shared.owner_section_id == office.units.somu_ka.pk
    other = client.get(URL, {"fiscal_year": year, "section": office.units.ward.pk})
    assert other.json()["items"] == []
    empty_year = client.get(URL, {"fiscal_year": year - 5}).json()
    assert empty_year["items"] == [] and empty_year["next_cursor"] is None
    assert client.get(URL, {"section": 10**9}).json()["code"] == "not_found"
    assert client.get(URL, {"retention_years": 2}).status_code == 422
    assert client.get(URL, {"fiscal_year": "abc"}).status_code == 422


def test_paging_walks_every_row_once_in_bounded_queries(
    api_as, register, records_manager, django_assert_max_num_queries
):
    (shared, *_), _incoming = register
    client = api_as(records_manager, "records:read")
    seen, cursor = [], None
    for _page in range(5):
        params = {"fiscal_year": shared.fiscal_year, "limit": 1}
        if cursor:
            params["cursor"] = cursor
        with django_assert_max_num_queries(12):
            page = client.get(URL, params).json()
        seen += [row["number"] for row in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    everything = client.get(URL, {"fiscal_year": shared.fiscal_year}).json()
    assert seen == [row["number"] for row in everything["items"]]
    assert len(seen) == 4 and cursor is None
    assert client.get(URL, {"cursor": "!!"}).json()["code"] == "invalid_cursor"


def test_only_records_managers_and_auditors_with_the_scope(
    api_as, register, office, records_manager
):
    refused = api_as(office.applicant, "records:read").get(URL)
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_records_manager"
    assert refused["Content-Type"].startswith("application/problem+json")
    # A 課長 on the 秘 document's route is no 文書管理担当 either.
    assert api_as(office.kacho, "all").get(URL).status_code == 403
    no_scope = api_as(records_manager, "documents:read").get(URL)
    assert no_scope.status_code == 403
    assert no_scope.json()["code"] == "insufficient_scope"
    roles.ensure_role_groups()
    Group.objects.get(name=roles.APPROVAL_ADMINS).user_set.add(office.kacho)
    assert api_as(office.kacho, "all").get(URL).status_code == 200


def test_the_register_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"fiscal_year", "section", "retention_years", "cursor", "limit"} <= names
    assert {"200", "403", "422"} <= set(operation["responses"])
