"""An AD-shaped directory (Debian's msuser schema in slapd): objectGUID identities,
sAMAccountName, msDS-Phonetic* readings, department and title, userAccountControl,
memberOf."""

from __future__ import annotations

import base64
import uuid

import pytest
from django.contrib.auth.models import Group

from directory import roles
from directory.ldap.sync import run_sync
from directory.models import OrgUnit, Person
from tests.support.programs import require_program
from tests.support.slapd import Slapd

pytestmark = [pytest.mark.slapd, pytest.mark.django_db]

SUFFIX = "dc=ad,dc=example"
USERS = f"ou=Staff,{SUFFIX}"
GROUP_DN = f"cn=dx-pt,ou=Groups,{SUFFIX}"
GUIDS = {
    name: uuid.uuid5(uuid.NAMESPACE_DNS, name) for name in ("sato", "suzuki", "gone")
}
NORMAL, DISABLED = 512, 514
NTDS = f"cn=NTDS Settings,{SUFFIX}"
INVOCATION = uuid.uuid5(uuid.NAMESPACE_DNS, "dc1")
# What an AD domain controller's root DSE tells a client about replication state.
ROOT_DSE = f"dn:\nhighestCommittedUSN: 1000\ndsServiceName: {NTDS}\n"


def user(sam, sn, given, sn_kana, given_kana, department, title, flags, groups=()):
    guid = base64.b64encode(GUIDS[sam].bytes_le).decode()
    lines = [
        f"dn: CN={sn} {given},{USERS}",
        "objectClass: top",
        "objectClass: person",
        "objectClass: organizationalPerson",
        "objectClass: user",
        "objectClass: extensibleObject",
        f"cn: {sn} {given}",
        f"sn: {sn}",
        f"givenName: {given}",
        f"sAMAccountName: {sam}",
        f"userPrincipalName: {sam}@ad.example",
        f"mail: {sam}@ward.example.jp",
        f"msDS-PhoneticLastName: {sn_kana}",
        f"msDS-PhoneticFirstName: {given_kana}",
        f"department: {department}",
        f"title: {title}",
        f"userAccountControl: {flags}",
        f"objectGUID:: {guid}",
        "instanceType: 4",
        "nTSecurityDescriptor:: AAAA",
        f"objectCategory: CN=Person,CN=Schema,CN=Configuration,{SUFFIX}",
        "userPassword: ad-pass",
        "uSNChanged: 10",
        *(f"memberOf: {group}" for group in groups),
        "",
    ]
    return "\n".join(lines)


def directory_ldif() -> str:
    return "\n".join(
        [
            f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: ad\no: Ward\n",
            f"dn: cn=intranet,{SUFFIX}\nobjectClass: organizationalRole\n"
            "objectClass: simpleSecurityObject\ncn: intranet\nuserPassword: service-secret\n",
            f"dn: {USERS}\nobjectClass: organizationalUnit\nou: Staff\n",
            f"dn: {NTDS}\nobjectClass: organizationalRole\nobjectClass: extensibleObject\n"
            f"cn: NTDS Settings\ninvocationId:: "
            f"{base64.b64encode(INVOCATION.bytes_le).decode()}\n",
            user(
                "sato",
                "佐藤",
                "花子",
                "サトウ",
                "ハナコ",
                "庶務係",
                "主事",
                NORMAL,
                [GROUP_DN],
            ),
            user(
                "suzuki", "鈴木", "一郎", "スズキ", "イチロウ", "庶務係", "係長", NORMAL
            ),
            user(
                "gone", "退職", "済", "タイショク", "スミ", "庶務係", "主事", DISABLED
            ),
        ]
    )


@pytest.fixture(scope="module")
def ad_server():
    require_program("slapd")
    server = Slapd(
        suffix=SUFFIX, ldif=directory_ldif(), flavour="ad", root_dse=ROOT_DSE
    )
    yield server
    server.close()


@pytest.fixture
def ad_settings(settings, ad_server):
    settings.LDAP = {
        "URIS": [ad_server.uri],
        "PRESET": "ad",
        "TLS": "none",
        "BIND_DN": ad_server.service_dn,
        "BIND_PASSWORD": ad_server.service_password,
        "PEOPLE_BASE": USERS,
        # slapd cannot match objectCategory=person the way AD does.
        "PEOPLE_FILTER": "(objectClass=user)",
        "UNITS_FROM": "department",
        "PAGE_SIZE": 100,
    }
    return settings.LDAP


def test_ad_accounts_sync_by_object_guid(ad_server, ad_settings, posts):
    result = run_sync(full=True)
    assert result.ok, result.message
    sato = Person.objects.get(username="sato")
    assert sato.external_id == str(GUIDS["sato"])
    assert (sato.full_name, sato.full_name_kana) == ("佐藤 花子", "サトウ ハナコ")
    assert "satou" in sato.search_text
    assert sato.primary_membership().unit.name == "庶務係"
    assert sato.primary_membership().post.name == "主事"
    # The disabled account is never created.
    assert not Person.objects.filter(username="gone").exists()
    # Department → a new unit (a 係, from its name), flagged for an administrator.
    unit = OrgUnit.objects.get(name="庶務係")
    assert unit.kind == "unit"
    assert any("庶務係" in warning for warning in result.plan.warnings)
    # memberOf → the mapped role group.
    dx = Group.objects.get(name=roles.DX_PT)
    assert list(dx.user_set.values_list("username", flat=True)) == ["sato"]


def test_disabling_an_ad_account_deactivates_the_person(ad_server, ad_settings, posts):
    assert run_sync(full=True).ok
    dn = f"CN=鈴木 一郎,{USERS}"
    ad_server.modify(
        f"dn: {dn}\nchangetype: modify\nreplace: userAccountControl\n"
        f"userAccountControl: {DISABLED}\n"
    )
    try:
        result = run_sync(full=True, force=True)
        assert result.ok, result.message
        assert result.run.deactivated == 1
        suzuki = Person.objects.get(username="suzuki")
        assert not suzuki.is_active
        assert suzuki.external_id == str(GUIDS["suzuki"])
    finally:
        ad_server.modify(
            f"dn: {dn}\nchangetype: modify\nreplace: userAccountControl\n"
            f"userAccountControl: {NORMAL}\n"
        )


def test_ad_login_by_sam_account_name(ad_server, ad_settings, posts, client):
    assert run_sync(full=True).ok
    response = client.post(
        "/accounts/login/", {"username": "sato", "password": "ad-pass"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(
        Person.objects.get(username="sato").pk
    )


def test_a_disabled_ad_account_is_told_so(ad_server, ad_settings, posts, client):
    response = client.post(
        "/accounts/login/", {"username": "gone", "password": "ad-pass"}
    )
    assert response.status_code == 200
    assert "無効" in response.content.decode()


def test_ad_incremental_reads_changes_above_the_usn(ad_server, ad_settings, posts):
    from directory.models import SyncRun

    first = run_sync()  # no earlier run: a full read
    assert first.ok, first.message
    assert first.run.mode == SyncRun.Mode.FULL
    assert (first.run.high_water, first.run.invocation_id) == ("1000", str(INVOCATION))
    dn = f"CN=佐藤 花子,{USERS}"
    ad_server.modify(
        f"dn: {dn}\nchangetype: modify\nreplace: telephoneNumber\n"
        "telephoneNumber: 2999\n-\nreplace: uSNChanged\nuSNChanged: 1500\n"
    )
    try:
        second = run_sync()
        assert second.ok, second.message
        assert second.run.mode == SyncRun.Mode.INCREMENTAL
        assert second.run.entries_read == 1
        assert Person.objects.get(username="sato").extension == "2999"
        # Another DC (or a restored one): a new invocationId forces a full read.
        other = uuid.uuid5(uuid.NAMESPACE_DNS, "dc2")
        ad_server.modify(
            f"dn: {NTDS}\nchangetype: modify\nreplace: invocationId\ninvocationId:: "
            f"{base64.b64encode(other.bytes_le).decode()}\n"
        )
        third = run_sync()
        assert third.ok, third.message
        assert third.run.mode == SyncRun.Mode.FULL
        assert third.run.invocation_id == str(other)
    finally:
        ad_server.modify(
            f"dn: {dn}\nchangetype: modify\nreplace: uSNChanged\nuSNChanged: 10\n"
            "-\nreplace: telephoneNumber\ntelephoneNumber: 2112\n\n"
            f"dn: {NTDS}\nchangetype: modify\nreplace: invocationId\ninvocationId:: "
            f"{base64.b64encode(INVOCATION.bytes_le).decode()}\n"
        )
