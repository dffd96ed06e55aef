"""manage.py sync_directory from the command line."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from directory.demo import LDIF
from directory.models import Person, SyncRun
from tests.support.slapd import free_port

pytestmark = [pytest.mark.django_db]


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("sync_directory", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def demo_layout(settings, posts):
    from directory.demo import CONFIG

    settings.LDAP = {
        "URIS": [],
        "PRESET": "openldap",
        "PEOPLE_BASE": CONFIG.people_base,
        "UNITS_BASE": CONFIG.units_base,
        "GROUPS_BASE": CONFIG.groups_base,
    }


def test_ldif_dry_run_prints_the_changes_and_writes_nothing(demo_layout):
    out, _err = run("--ldif", str(LDIF), "--dry-run")
    assert "+ person 佐藤 花子 (sato)" in out
    assert "+ unit shomu-kakari 庶務係" in out
    assert "created 48" in out
    assert Person.objects.count() == 0
    assert not SyncRun.objects.exists()


def test_ldif_sync_then_nothing_to_do(demo_layout):
    out, _err = run("--ldif", str(LDIF))
    assert "created 48" in out
    out, _err = run("--ldif", str(LDIF), "--dry-run")
    assert "created 0, updated 0, moved 0, deactivated 0" in out
    assert SyncRun.objects.get().status == SyncRun.Status.SUCCEEDED


@pytest.mark.slapd
def test_an_unreachable_server_fails_the_command(
    settings, shared_slapd, use_ldap, posts
):
    use_ldap(shared_slapd, URIS=[f"ldap://127.0.0.1:{free_port()}"])
    with pytest.raises(CommandError, match="LDAP"):
        run("--full")
    assert SyncRun.objects.get().status == SyncRun.Status.FAILED


@pytest.mark.slapd
def test_full_then_incremental_from_the_server(shared_slapd, use_ldap, posts):
    use_ldap(shared_slapd)
    out, _err = run("--full")
    assert "created 48" in out
    out, _err = run()
    assert "(incremental)" in out and "created 0" in out


def test_ldap_not_configured(settings, posts):
    settings.LDAP = {"URIS": []}
    with pytest.raises(CommandError, match="LDAP_URIS"):
        run()
