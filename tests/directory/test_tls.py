"""StartTLS and LDAPS with certificate validation on (the default)."""

from __future__ import annotations

import pytest

from directory.ldap.sync import run_sync
from directory.models import Person, SyncRun
from tests.directory.conftest import demo_ldif, ldap_settings
from tests.support.programs import require_program
from tests.support.slapd import Slapd

pytestmark = [pytest.mark.slapd, pytest.mark.django_db]


@pytest.fixture(scope="module")
def tls_slapd():
    require_program("slapd")
    require_program("openssl")
    server = Slapd(suffix="dc=ward,dc=example", ldif=demo_ldif(), tls=True)
    yield server
    server.close()


@pytest.mark.parametrize("mode", ["starttls", "ldaps"])
def test_tls_with_the_ca_file_works(tls_slapd, settings, posts, mode):
    uri = (
        tls_slapd.ldaps_uri
        if mode == "ldaps"
        else tls_slapd.uri.replace("127.0.0.1", "localhost")
    )
    settings.LDAP = ldap_settings(
        tls_slapd, URIS=[uri], TLS=mode, CA_FILE=str(tls_slapd.ca_file)
    )
    result = run_sync(full=True)
    assert result.ok, result.message
    assert Person.objects.count() == 48


@pytest.mark.parametrize("mode", ["starttls", "ldaps"])
def test_an_unknown_certificate_is_refused(tls_slapd, settings, posts, mode):
    uri = (
        tls_slapd.ldaps_uri
        if mode == "ldaps"
        else tls_slapd.uri.replace("127.0.0.1", "localhost")
    )
    settings.LDAP = ldap_settings(tls_slapd, URIS=[uri], TLS=mode, CA_FILE=None)
    result = run_sync(full=True)
    assert not result.ok
    assert result.run.status == SyncRun.Status.FAILED
    assert Person.objects.count() == 0
