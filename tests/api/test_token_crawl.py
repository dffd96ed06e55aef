"""Every API operation, called with a stranger's token and with the owner's.

The operations come from the OpenAPI schema, and every URL of the api-v1 namespace
must be one of them (or the schema and its documentation), so an operation added
without an entry in ``OPERATIONS`` fails ``test_every_api_operation_is_crawled``.
The world is the page crawl's (tests/hardening/conftest.py), with the secret marker
in every free-text field: 小林's token (another 部, no role) may neither read it nor
change anything of 佐藤's; the owner's token reaches what the owner's pages reach.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver

from intranet.api.api import api
from intranet.api.services import subscribe
from spaces import slots
from tests.hardening.conftest import PDF_BYTES, make_world
from tests.hardening.test_crawl import (
    SECRET,
    body_of,
    changed_tables,
    snapshot,
)
from tests.spaces.conftest import facility_manager  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

# Lists every member of staff may call: the stranger gets his own or the
# office-wide version, never the owner's text.
STAFF = 200

# Rows every token use writes, whoever makes it: the audit trail of API changes and
# the token's last use.
USAGE = {"core.auditentry", "api.apitoken"}

WEBHOOK_HOST = "hooks.example.jp"


@dataclass(frozen=True)
class Operation:
    """How to call one operation: its path parameters from the world, the persona
    whose thing it is (``owner``) and the status each token gets. ``body`` is the
    JSON (or, with ``upload``, the multipart) body, ``query`` a GET's parameters; ``own`` marks creating calls
    that act on the caller's own things: the stranger's is accepted (``stranger``)
    but must change no row that existed before, and ``stranger_body`` keeps his
    booking off the owner's slot."""

    params: Callable = field(default=lambda world: {})
    query: Callable = field(default=lambda world: {})
    owner: str = "applicant"
    ok: int = 200
    stranger: int = 404
    body: Callable | None = None
    stranger_body: Callable | None = None
    upload: bool = False
    own: bool = False


def room_slot(hour: int) -> Callable:
    def body(world):
        day = world.presence.start_date  # the world's business day
        return {
            "resource": world.campus.room.pk,
            "starts_at": slots.at(day, datetime.time(hour)).isoformat(),
            "ends_at": slots.at(day, datetime.time(hour + 1)).isoformat(),
            "title": "打合せ",
        }

    return body


def ids(**picks) -> Callable:
    return lambda world: {name: pick(world).pk for name, pick in picks.items()}


document = ids(document_id=lambda w: w.document)
draft = ids(document_id=lambda w: w.draft)

# Creating calls: anyone may create their own (a draft, a booking, a webhook).
CREATES = {"ok": 201, "stranger": 201, "own": True}

# Keyed "METHOD path" as the OpenAPI schema has them. In order: the stranger calls
# every operation first, then the owner (attachments before the submit).
OPERATIONS: dict[str, Operation] = {
    "GET /api/v1/documents": Operation(stranger=STAFF),
    "POST /api/v1/documents": Operation(
        **CREATES, body=lambda w: {"title": "新しい起案"}
    ),
    "GET /api/v1/documents/{document_id}": Operation(params=document),
    "POST /api/v1/documents/{document_id}/attachments": Operation(
        params=draft, ok=201, upload=True
    ),
    "POST /api/v1/documents/{document_id}/submit": Operation(params=draft),
    "GET /api/v1/documents/{document_id}/route": Operation(params=document),
    "GET /api/v1/documents/{document_id}/history": Operation(params=document),
    "GET /api/v1/documents/{document_id}/pdf": Operation(
        params=ids(document_id=lambda w: w.decided)
    ),
    "GET /api/v1/tasks": Operation(owner="kakaricho", stranger=STAFF),
    "GET /api/v1/documents/{document_id}/actions": Operation(
        params=document, owner="kakaricho"
    ),
    "POST /api/v1/documents/{document_id}/actions": Operation(
        params=document,
        owner="kakaricho",
        body=lambda w: {"action": "approve", "step": w.step.pk, "comment": "承認"},
    ),
    "GET /api/v1/floors/{floor_id}/availability": Operation(
        params=ids(floor_id=lambda w: w.campus.floor), stranger=STAFF
    ),
    "GET /api/v1/resources/{resource_id}/busy": Operation(
        params=ids(resource_id=lambda w: w.campus.room), stranger=STAFF
    ),
    "GET /api/v1/bookings": Operation(stranger=STAFF),
    "POST /api/v1/bookings": Operation(
        **CREATES,
        body=room_slot(15),
        stranger_body=room_slot(13),
    ),
    "POST /api/v1/bookings/{booking_id}/cancel": Operation(
        params=ids(booking_id=lambda w: w.desk_booking)
    ),
    "GET /api/v1/people": Operation(
        query=lambda w: {"q": w.office.applicant.last_name}, stranger=STAFF
    ),
    "GET /api/v1/people/{person_id}": Operation(
        params=ids(person_id=lambda w: w.office.applicant), stranger=STAFF
    ),
    # The 文書管理簿: the 文書管理担当's and the auditors' (here the administrator).
    "GET /api/v1/records/register": Operation(owner="admin", stranger=403),
    "GET /api/v1/webhooks": Operation(stranger=STAFF),
    "POST /api/v1/webhooks": Operation(
        **CREATES,
        body=lambda w: {
            "url": f"https://{WEBHOOK_HOST}/stranger",
            "events": ["document.decided"],
        },
    ),
    "DELETE /api/v1/webhooks/{subscription_id}": Operation(
        params=ids(subscription_id=lambda w: w.subscription), ok=204
    ),
}

# Served by the API but no operation of it: public, naming no one.
NOT_OPERATIONS = {"openapi-json", "openapi-view", "api-root"}


def schema_operations() -> dict[str, str]:
    """``METHOD path`` → operationId, for every operation of the OpenAPI schema."""
    return {
        f"{method.upper()} {path}": operation["operationId"]
        for path, methods in api.get_openapi_schema()["paths"].items()
        for method, operation in methods.items()
    }


def api_url_names() -> set[str]:
    [api_urls] = [
        entry
        for entry in get_resolver().url_patterns
        if getattr(entry, "namespace", None) == "api-v1"
    ]
    return {pattern.name for pattern in api_urls.url_patterns if pattern.name}


def test_every_api_operation_is_crawled():
    operations = schema_operations()
    assert sorted(set(operations) - set(OPERATIONS)) == [], (
        "API operations without a crawl entry: register each in OPERATIONS in "
        "tests/api/test_token_crawl.py (its owner, what a stranger's token gets)."
    )
    assert sorted(set(OPERATIONS) - set(operations)) == []
    # Every URL of the API is an operation of the schema: none is left uncrawled
    # by being hidden from the schema.
    hidden = [
        name
        for name in sorted(api_url_names() - NOT_OPERATIONS)
        if not any(
            operation_id.endswith(f"_{name}") for operation_id in operations.values()
        )
    ]
    assert hidden == []


@pytest.fixture
def token_world(office, home_page, draft, facility_manager, settings, tmp_path):  # noqa: F811
    settings.APPROVALS = {**settings.APPROVALS, "FILES_ROOT": str(tmp_path / "files")}
    settings.API = {**settings.API, "WEBHOOK_HOSTS": [WEBHOOK_HOST]}
    return make_world(office, draft, text=SECRET)


@pytest.fixture
def crawl(token_world, api_as):
    """The world, with one token per persona and a webhook of the owner's token."""
    clients = {}

    def client(name: str):
        if name not in clients:
            clients[name] = api_as(getattr(token_world.office, name))
        return clients[name]

    token_world.subscription = subscribe(
        token=client("applicant").token,
        url=f"https://{WEBHOOK_HOST}/sato",
        events=["document.decided"],
    ).subscription
    return token_world, client


def call(client, key: str, operation: Operation, world, *, stranger=False):
    method, template = key.split(" ", 1)
    path = template.format(**operation.params(world))
    if operation.upload:
        upload = SimpleUploadedFile("資料.pdf", PDF_BYTES, "application/pdf")
        return client.upload(path, {"file": upload})
    if method == "GET":
        return client.get(path, operation.query(world))
    if method == "DELETE":
        return client.delete(path)
    make_body = (stranger and operation.stranger_body) or operation.body
    return client.post(path, make_body(world) if make_body else {})


def rows_by_key(rows: list) -> dict:
    return {row[0]: row for row in rows}


def existing_rows_changed(before: dict, after: dict) -> list[str]:
    """Tables where a row that existed before changed or went (new rows aside)."""
    changed = []
    for label, rows in before.items():
        now = rows_by_key(after[label])
        if any(now.get(row[0]) != row for row in rows):
            changed.append(label)
    return changed


def test_a_strangers_token_reads_and_changes_nothing_of_the_owners(crawl):
    world, client = crawl
    stranger = client("stranger")
    wrong = []
    for key, operation in OPERATIONS.items():
        before = snapshot()
        response = call(stranger, key, operation, world, stranger=True)
        after = snapshot()
        if operation.own:
            changed = [
                t for t in existing_rows_changed(before, after) if t not in USAGE
            ]
        else:
            changed = [t for t in changed_tables(before, after) if t not in USAGE]
        leaked = SECRET in body_of(response)
        if response.status_code != operation.stranger or changed or leaked:
            wrong.append((key, response.status_code, operation.stranger, changed))
            if leaked:
                wrong.append((key, "reads the owner's text"))
    assert wrong == [], "\n".join(map(str, wrong))


def test_the_owners_token_reaches_every_operation(crawl):
    world, client = crawl
    wrong = []
    for key, operation in OPERATIONS.items():
        response = call(client(operation.owner), key, operation, world)
        if response.status_code != operation.ok:
            wrong.append((key, response.status_code, operation.ok, body_of(response)))
    assert wrong == [], "\n".join(map(str, wrong))


def test_the_owner_reads_the_marker_the_stranger_may_not(crawl):
    """The marker is in what the API returns: the stranger's check is not blind."""
    world, client = crawl
    path = f"/api/v1/documents/{world.document.pk}"
    assert SECRET in client("applicant").get(path).content.decode()
    assert client("stranger").get(path).status_code == 404
