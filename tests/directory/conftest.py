"""Fixtures for the directory: real slapd servers loaded with the demo ward's LDIF."""

from __future__ import annotations

import re

import pytest

from directory.demo import LDIF, POSTS, SUFFIX
from directory.models import Post
from tests.support.programs import require_program
from tests.support.slapd import Slapd

# Entries dated in the past, so that an incremental read picks only what a test changes.
OLD_STAMP = "modifyTimestamp: 20250101000000Z\n"


def demo_ldif(*, with_former_ou: bool = True) -> str:
    text = LDIF.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(entryUUID: .*\n)", r"\1" + OLD_STAMP, text)
    if with_former_ou:
        text += (
            f"\ndn: ou=former,{SUFFIX}\nobjectClass: organizationalUnit\nou: former\n"
        )
    return text


def ldap_settings(server: Slapd, **extra) -> dict:
    return {
        "URIS": [server.uri],
        "PRESET": "openldap",
        "TLS": "none",
        "TLS_VALIDATE": True,
        "CA_FILE": None,
        "BIND_DN": server.service_dn,
        "BIND_PASSWORD": server.service_password,
        "PEOPLE_BASE": f"ou=ward,{SUFFIX}",
        "PEOPLE_FILTER": None,
        "UNITS_BASE": f"ou=ward,{SUFFIX}",
        "UNITS_FILTER": None,
        "GROUPS_BASE": f"ou=groups,{SUFFIX}",
        "GROUPS_FILTER": None,
        "TIMEOUT": 5,
        "PAGE_SIZE": 20,
        "DEACTIVATE_MAX_PERCENT": 5,
        "DEACTIVATE_MAX_COUNT": 500,
        "UNITS_FROM": "ou",
        "OVERLAP_SECONDS": 120,
        **extra,
    }


def _start(**kwargs) -> Slapd:
    require_program("slapd")
    require_program("slapadd")
    return Slapd(suffix=SUFFIX, ldif=demo_ldif(), **kwargs)


@pytest.fixture(scope="module")
def shared_slapd():
    """One slapd per module for tests that only read from it."""
    server = _start()
    yield server
    server.close()


@pytest.fixture
def slapd():
    """A fresh slapd for a test that changes the directory."""
    server = _start()
    yield server
    server.close()


@pytest.fixture
def posts(db):
    return {
        code: Post.objects.update_or_create(
            code=code, defaults={"name": name, "rank": rank, "heads_unit": heads}
        )[0]
        for code, name, rank, heads in POSTS
    }


@pytest.fixture
def use_ldap(settings):
    """``use_ldap(server, **overrides)`` points settings.LDAP at a test server."""

    def configure(server: Slapd, **extra):
        settings.LDAP = ldap_settings(server, **extra)
        return settings.LDAP

    return configure


@pytest.fixture
def demo_ward(posts):
    """The demo ward loaded through the LDIF path (no server), as ``load_demo_data``
    does. Returns the people by user ID."""
    import datetime

    from directory.demo import CONFIG
    from directory.ldap.sync import run_sync
    from directory.models import Person

    result = run_sync(
        config=CONFIG,
        ldif=str(LDIF),
        trigger="test",
        effective_date=datetime.date(2026, 4, 1),
    )
    assert result.ok, result.message
    return {person.username: person for person in Person.objects.all()}
