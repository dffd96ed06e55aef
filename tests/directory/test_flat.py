"""A flat directory: everyone under ou=people, the unit only in departmentNumber as a
部/課/係 path. Its own slapd and its own data, so the demo ward's tests are not
disturbed."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from directory.ldap.sync import run_sync
from directory.models import OrgUnit, Person
from tests.support.programs import require_program
from tests.support.slapd import Slapd

pytestmark = [pytest.mark.slapd, pytest.mark.django_db]

SUFFIX = "dc=flat,dc=example"
PEOPLE = f"ou=people,{SUFFIX}"
STAFF = [
    # uid, 姓, 名, reading, employee number, department path
    ("aoki", "青木", "一郎", "ｱｵｷ ｲﾁﾛｳ", "1001", "政策経営部"),
    ("inoue", "井上", "二郎", "イノウエ ジロウ", "1002", "政策経営部/企画課"),
    ("ueda", "上田", "三郎", "うえだ さぶろう", "1003", "政策経営部/企画課/企画係"),
    ("endo", "遠藤", "四郎", "エンドウ シロウ", "1004", "政策経営部/企画課/企画係"),
    ("ota", "太田", "五郎", "オオタ ゴロウ", "1005", "総務部/総務課/庶務係"),
    ("kato", "加藤", "六郎", "カトウ ロクロウ", "1006", "総務部/広報課"),
    ("kimura", "木村", "七郎", "キムラ シチロウ", "1007", "総務部/総務課/庶務係"),
]


def person(uid, sn, given, reading, number, department):
    last, first = reading.split(" ")
    return (
        f"dn: uid={uid},{PEOPLE}\nobjectClass: inetOrgPerson\nuid: {uid}\n"
        f"cn: {uid}\nsn: {uid}\nsn;lang-ja: {sn}\ngivenName;lang-ja: {given}\n"
        f"sn;lang-ja-x-phonetic: {last}\ngivenName;lang-ja-x-phonetic: {first}\n"
        f"employeeNumber: {number}\ndepartmentNumber: {department}\n"
        "title: 主事\nuserPassword: demo\n"
    )


def added(entry: str) -> str:
    """An entry of ``person()`` as an LDIF add record."""
    return entry.replace("\n", "\nchangetype: add\n", 1)


def flat_ldif() -> str:
    return "\n".join(
        [
            f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\n"
            "dc: flat\no: Flat Ward\n",
            f"dn: cn=intranet,{SUFFIX}\nobjectClass: organizationalRole\n"
            "objectClass: simpleSecurityObject\ncn: intranet\n"
            "userPassword: service-secret\n",
            f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n",
            *(person(*row) for row in STAFF),
        ]
    )


@pytest.fixture
def flat():
    require_program("slapd")
    server = Slapd(suffix=SUFFIX, ldif=flat_ldif())
    yield server
    server.close()


def flat_settings(settings, server, **extra):
    settings.LDAP = {
        "URIS": [server.uri],
        "PRESET": "openldap",
        "TLS": "none",
        "BIND_DN": server.service_dn,
        "BIND_PASSWORD": server.service_password,
        "PEOPLE_BASE": PEOPLE,
        "UNITS_BASE": PEOPLE,
        "UNITS_FROM": "department",
        "UNITS_PATH_SEPARATOR": "/",
        "PAGE_SIZE": 100,
        **extra,
    }


def tree() -> set[tuple[str, str | None, str]]:
    return {
        (unit.name, unit.parent.name if unit.parent else None, unit.kind)
        for unit in OrgUnit.objects.select_related("parent")
    }


def unit_of(username: str) -> str:
    return Person.objects.get(username=username).primary_membership().unit.name


def test_department_paths_build_the_tree(flat, settings, posts):
    flat_settings(settings, flat)
    result = run_sync(full=True)
    assert result.ok, result.message
    assert tree() == {
        ("政策経営部", None, "department"),
        ("企画課", "政策経営部", "section"),
        ("企画係", "企画課", "unit"),
        ("総務部", None, "department"),
        ("総務課", "総務部", "section"),
        ("庶務係", "総務課", "unit"),
        ("広報課", "総務部", "section"),
    }
    assert unit_of("ueda") == "企画係" and unit_of("aoki") == "政策経営部"
    # Readings are stored full-width katakana, whatever the directory holds.
    assert Person.objects.get(username="aoki").full_name_kana == "アオキ イチロウ"
    assert Person.objects.get(username="ueda").full_name_kana == "ウエダ サブロウ"
    again = run_sync(full=True)
    assert again.ok and again.run.units_changed == 0 and again.run.updated == 0
    # A move between 部 and 課 is counted and listed by name.
    flat.modify(
        f"dn: uid=endo,{PEOPLE}\nchangetype: modify\nreplace: departmentNumber\n"
        "departmentNumber: 総務部/広報課\n"
    )
    moved = run_sync(full=True)
    assert moved.ok
    assert moved.run.moved == 1 and moved.run.units_changed == 0
    assert "→ move 遠藤 四郎 (endo): 企画係 → 広報課" in moved.plan.lines
    assert unit_of("endo") == "広報課"


def test_kinds_by_level_and_by_ending_are_configurable(flat, settings, posts):
    flat_settings(
        settings,
        flat,
        UNIT_KINDS=[("係", "team")],
        UNIT_KINDS_BY_LEVEL=["department", ""],
    )
    assert run_sync(full=True).ok
    kinds = dict(OrgUnit.objects.values_list("name", "kind"))
    assert kinds["政策経営部"] == "department"
    assert kinds["企画課"] == "section"  # level 2 by its ending
    assert kinds["企画係"] == "team"  # the ending as configured


def test_the_people_base_entry_is_never_a_unit(flat, settings, posts):
    flat_settings(settings, flat, UNITS_FROM="ou", UNITS_PATH_SEPARATOR="")
    result = run_sync(full=True)
    assert result.ok, result.message
    assert not OrgUnit.objects.exists()
    assert Person.objects.filter(is_active=True).count() == len(STAFF)
    assert run_sync(full=True).ok


def test_done_when_one_database_through_the_churn(flat, settings, posts):
    """From the issue: everyone; one person gone; that person back with a new
    entryUUID; another's uid renamed while a newcomer takes the old one — each a
    clean run of the command on one database."""
    flat_settings(settings, flat)

    def sync():
        call_command("sync_directory", "--full", "--force", verbosity=2)

    sync()
    assert Person.objects.filter(is_active=True).count() == len(STAFF)
    flat.modify(f"dn: uid=ota,{PEOPLE}\nchangetype: delete\n")
    sync()
    ota = Person.objects.get(username="ota")
    assert not ota.is_active
    flat.modify(
        added(person(*STAFF[4]).replace("総務部/総務課/庶務係", "総務部/広報課"))
    )
    sync()
    ota.refresh_from_db()
    assert ota.is_active and ota.primary_membership().unit.name == "広報課"
    assert Person.objects.filter(username="ota").count() == 1
    kimura = Person.objects.get(username="kimura")
    flat.modify(
        f"dn: uid=kimura,{PEOPLE}\nchangetype: modrdn\nnewrdn: uid=kimura-n\n"
        "deleteoldrdn: 1\n\n"
        + added(person("kimura", "木村", "八郎", "キムラ ハチロウ", "1008", "総務部"))
    )
    sync()
    kimura.refresh_from_db()
    assert kimura.username == "kimura-n"
    assert Person.objects.get(username="kimura").first_name == "八郎"
    sync()
    assert unit_of("inoue") == "企画課"
    assert OrgUnit.objects.get(name="企画課").parent.name == "政策経営部"
