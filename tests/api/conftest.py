"""API fixtures: tokens for the office's personas, a client that sends them, and the
approval fixtures (rules, drafts) of tests/workflows and the records ones (a 分類表,
a 文書管理担当, decided documents)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from intranet.api.services import issue_token
from tests.factories import PersonFactory
from tests.workflows.conftest import (  # noqa: F401 - fixtures
    _fresh_closure_days,
    draft,
    rules,
    submitted,
    zaisei,
)
from tests.workflows.records.conftest import (  # noqa: F401 - fixtures
    decided,
    received,
    records_manager,
    table,
)


class ApiClient:
    """Django's test client with ``Authorization: Bearer …`` and JSON bodies."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, data=None, headers=None):
        return self.client.get(path, data, headers={**self.headers, **(headers or {})})

    def post(self, path, data=None):
        return self.client.post(
            path,
            data if data is not None else {},
            content_type="application/json",
            headers=self.headers,
        )

    def upload(self, path, files):
        return self.client.post(path, files, headers=self.headers)

    def delete(self, path):
        return self.client.delete(path, headers=self.headers)


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_as():
    """``api_as(person, "documents:read,tasks:read")`` → an ApiClient with a new token."""

    def make(person, scopes="all", **kwargs):
        issued = issue_token(name="test", person=person, scopes=scopes, **kwargs)
        client = ApiClient(issued.secret)
        client.token = issued.token
        return client

    return make


@pytest.fixture
def service_account(db):
    """財務会計システム: a service account, not a member of staff."""
    return PersonFactory(
        username="zaimu-system", last_name="財務会計システム", is_service_account=True
    )
