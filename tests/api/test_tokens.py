"""Tokens: issued by the command and shown once, stored hashed, scoped, expiring,
revocable, rate-limited; errors as problem+json."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from intranet.api.models import ApiToken
from intranet.api.services import digest_of, revoke_token
from intranet.core.models import AuditEntry

from .conftest import ApiClient


def issue_by_command(*args) -> tuple[str, str]:
    out = io.StringIO()
    call_command("create_api_token", *args, stdout=out)
    text = out.getvalue().strip()
    return text, text.splitlines()[-1]


def test_command_prints_the_token_last_and_stores_only_its_digest(office):
    _text, token = issue_by_command("bar", "--user", "suzuki", "--scopes", "all")
    stored = ApiToken.objects.get()
    assert stored.person == office.kakaricho
    assert stored.scopes == ["all"]
    assert token.startswith(stored.prefix + "_")
    assert stored.digest == digest_of(token)
    assert token not in str(list(ApiToken.objects.values()))
    days = (stored.expires_at - timezone.now()).days
    assert 363 <= days <= 365
    response = ApiClient(token).get("/api/v1/tasks")
    assert response.status_code == 200


def test_command_scopes_expiry_and_bad_input(office):
    _text, _token = issue_by_command(
        "chat", "--user", "suzuki", "--scopes", "tasks:read,tasks:act", "--expires", "7"
    )
    stored = ApiToken.objects.get()
    assert stored.scopes == ["tasks:act", "tasks:read"]
    assert (stored.expires_at - timezone.now()).days in (6, 7)
    with pytest.raises(CommandError, match="unknown scope"):
        issue_by_command("x", "--user", "suzuki", "--scopes", "documents:delete")
    with pytest.raises(CommandError, match="No user"):
        issue_by_command("x", "--user", "nobody", "--scopes", "all")


def test_command_creates_a_service_account_on_request(office):
    _text, _token = issue_by_command(
        "zaimu",
        "--user",
        "zaimu-system",
        "--scopes",
        "documents:write",
        "--service-account",
    )
    token = ApiToken.objects.get()
    assert token.person.is_service_account
    assert not token.person.has_usable_password()


def test_missing_wrong_expired_and_revoked_tokens_are_401_problems(kakaricho, api_as):
    assert ApiClient(None).get("/api/v1/tasks").status_code == 401
    wrong = ApiClient("wi00000000_nothing").get("/api/v1/tasks")
    assert wrong.status_code == 401
    assert wrong["Content-Type"].startswith("application/problem+json")
    body = wrong.json()
    assert body["code"] == "unauthenticated"
    assert body["status"] == 401
    assert body["title"] == "認証が必要です"
    assert "Bearer" in body["detail"]

    client = api_as(kakaricho)
    assert client.get("/api/v1/tasks").status_code == 200
    ApiToken.objects.filter(pk=client.token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get("/api/v1/tasks").status_code == 401

    other = api_as(kakaricho)
    revoke_token(token=other.token)
    assert other.get("/api/v1/tasks").status_code == 401


def test_a_deactivated_person_token_stops_working(kakaricho, api_as):
    client = api_as(kakaricho)
    kakaricho.is_active = False
    kakaricho.save()
    assert client.get("/api/v1/tasks").status_code == 401


def test_a_scope_the_token_lacks_is_403(kakaricho, api_as):
    client = api_as(kakaricho, "documents:read")
    response = client.get("/api/v1/tasks")
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert "tasks:read" in response.json()["detail"]


def test_rate_limit_answers_429_with_retry_after(kakaricho, api_as, settings):
    settings.API = {**settings.API, "RATE_LIMIT": 3}
    client = api_as(kakaricho, "tasks:read")
    statuses = [client.get("/api/v1/tasks").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/tasks")
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Per token: another token of the same person is unaffected.
    assert api_as(kakaricho, "tasks:read").get("/api/v1/tasks").status_code == 200


def test_a_token_limit_overrides_the_default(kakaricho, api_as, settings):
    client = api_as(kakaricho, "tasks:read")
    ApiToken.objects.filter(pk=client.token.pk).update(rate_limit=1)
    assert client.get("/api/v1/tasks").status_code == 200
    assert client.get("/api/v1/tasks").status_code == 429


def test_validation_errors_are_422_problems_in_japanese(kakaricho, api_as):
    client = api_as(kakaricho)
    response = client.get("/api/v1/tasks", {"limit": "0"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_request"
    assert body["detail"] == "入力内容に誤りがあります。"
    assert body["errors"][0]["loc"][-1] == "limit"
    bad_json = client.client.post(
        "/api/v1/documents",
        "{not json",
        content_type="application/json",
        headers=client.headers,
    )
    assert bad_json.status_code == 400
    assert bad_json.json()["code"] == "bad_request"
    bad_cursor = client.get("/api/v1/tasks", {"cursor": "!!!"})
    assert bad_cursor.status_code == 400
    assert bad_cursor.json()["code"] == "invalid_cursor"


def test_messages_follow_accept_language(kakaricho, api_as):
    client = api_as(kakaricho, "documents:read")
    response = client.get("/api/v1/tasks", headers={"Accept-Language": "en"})
    assert response.status_code == 403


def test_changes_through_the_api_are_in_the_audit_trail(applicant, api_as, rules):
    client = api_as(applicant, "documents:write")
    response = client.post("/api/v1/documents", {"title": "監査の確認"})
    assert response.status_code == 201
    entry = AuditEntry.objects.filter(action="api.post").get()
    assert entry.actor == applicant
    assert entry.source == f"api:{client.token.prefix}"
    assert entry.details == {"route": "api/v1/documents", "status": 201}
    assert AuditEntry.objects.filter(action="api_token.issued").count() == 1


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    data = schema.json()
    assert data["info"]["version"] == "1"
    assert "/api/v1/documents/{document_id}/submit" in data["paths"]
    problem = data["paths"]["/api/v1/tasks"]["get"]["responses"]["429"]
    assert "application/problem+json" in problem["content"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"swagger-ui-bundle.js" in docs.content
    assert b"cdn." not in docs.content
