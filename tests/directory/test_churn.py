"""Identity churn against a real slapd: re-hires with a new entryUUID, user IDs and
employee numbers handed on, and conflicting claims quarantined. Every case ends with
a further run that succeeds."""

from __future__ import annotations

import datetime

import pytest

from directory.demo import SUFFIX
from directory.ldap.sync import run_sync
from directory.models import Person, SyncRun

pytestmark = [pytest.mark.slapd, pytest.mark.django_db]

SHOMU = f"ou=shomu-kakari,ou=somu-ka,ou=somu-bu,ou=ward,{SUFFIX}"
KIKAKU = f"ou=kikaku-kakari,ou=kikaku-ka,ou=seisaku-bu,ou=ward,{SUFFIX}"
SATO = f"uid=sato,{SHOMU}"
SATO_NUMBER = "20105"
HIRED = datetime.date.today() - datetime.timedelta(days=400)


def add_person(
    uid, *, number, ou=SHOMU, sn="佐藤", given="花子", kana=("サトウ", "ハナコ")
):
    return (
        f"dn: uid={uid},{ou}\nchangetype: add\nobjectClass: inetOrgPerson\n"
        f"uid: {uid}\ncn: {uid}\nsn: Sato\nsn;lang-ja: {sn}\n"
        f"givenName;lang-ja: {given}\nsn;lang-ja-x-phonetic: {kana[0]}\n"
        f"givenName;lang-ja-x-phonetic: {kana[1]}\nemployeeNumber: {number}\n"
        "title: 主事\nuserPassword: demo\n"
    )


def delete(dn):
    return f"dn: {dn}\nchangetype: delete\n"


def quiet_run(**kwargs):
    """A run that must succeed and, run again, find nothing more to do."""
    result = run_sync(**kwargs)
    assert result.ok, result.message
    again = run_sync(full=True)
    assert again.ok, again.message
    counts = again.plan.counts
    assert (counts.created, counts.relinked, counts.released) == (0, 0, 0)
    return result


@pytest.mark.parametrize("full", [True, False], ids=["full", "incremental"])
def test_rehire_with_a_new_entryuuid_relinks_the_same_person(
    slapd, use_ldap, posts, full
):
    use_ldap(slapd)
    assert run_sync(full=True, effective_date=HIRED).ok
    sato = Person.objects.get(username="sato")
    old_identity = sato.external_id
    slapd.modify(delete(SATO))
    if full:
        left = run_sync(full=True)
        assert left.ok and left.run.deactivated == 1
    slapd.modify(add_person("sato", number=SATO_NUMBER, ou=KIKAKU))
    dry = run_sync(full=full, dry_run=True)
    assert any(line.startswith("↺ re-link 佐藤 花子 (sato)") for line in dry.plan.lines)
    assert dry.plan.counts.created == 0
    result = quiet_run(full=full)
    assert (result.run.relinked, result.run.created) == (1, 0)
    assert result.run.reactivated == (1 if full else 0)
    sato.refresh_from_db()
    assert sato.is_active and sato.deactivated_at is None
    assert sato.external_id != old_identity
    assert sato.employee_number == SATO_NUMBER
    assert sato.primary_membership().unit.code == "kikaku-kakari"
    assert Person.objects.filter(username__iexact="sato").count() == 1


def test_user_id_handed_on_in_one_run(slapd, use_ldap, posts):
    use_ldap(slapd)
    assert run_sync(full=True).ok
    sato = Person.objects.get(username="sato")
    slapd.modify(
        f"dn: {SATO}\nchangetype: modrdn\nnewrdn: uid=sato-hanako\ndeleteoldrdn: 1\n\n"
        + add_person("sato", number="30999", given="翔太", kana=("ｻﾄｳ", "ｼｮｳﾀ"))
    )
    result = quiet_run()
    assert (result.run.created, result.run.quarantined) == (1, 0)
    sato.refresh_from_db()
    assert (sato.username, sato.employee_number) == ("sato-hanako", SATO_NUMBER)
    newcomer = Person.objects.get(username="sato")
    assert newcomer.pk != sato.pk
    assert newcomer.full_name == "佐藤 翔太"
    # Readings are stored full-width, whatever width the directory holds.
    assert newcomer.full_name_kana == "サトウ ショウタ"


def test_two_people_swap_user_ids(slapd, use_ldap, posts):
    use_ldap(slapd)
    assert run_sync(full=True).ok
    sato, kimura = (Person.objects.get(username=n) for n in ("sato", "kimura"))
    slapd.modify(
        f"dn: {SATO}\nchangetype: modrdn\nnewrdn: uid=swap\ndeleteoldrdn: 1\n\n"
        f"dn: uid=kimura,{SHOMU}\nchangetype: modrdn\nnewrdn: uid=sato\n"
        "deleteoldrdn: 1\n\n"
        f"dn: uid=swap,{SHOMU}\nchangetype: modrdn\nnewrdn: uid=kimura\n"
        "deleteoldrdn: 1\n"
    )
    quiet_run(full=True)
    sato.refresh_from_db()
    kimura.refresh_from_db()
    assert (sato.username, kimura.username) == ("kimura", "sato")


def test_employee_number_reused_by_a_newcomer(slapd, use_ldap, posts):
    use_ldap(slapd)
    assert run_sync(full=True).ok
    sato = Person.objects.get(username="sato")
    slapd.modify(delete(SATO))
    assert run_sync(full=True).ok
    slapd.modify(add_person("yamamoto-k", number=SATO_NUMBER, sn="山本"))
    dry = run_sync(full=True, dry_run=True)
    assert "⇢ release 佐藤 花子 (sato): employee number released" in dry.plan.lines
    result = quiet_run(full=True)
    assert (result.run.created, result.run.released, result.run.relinked) == (1, 1, 0)
    sato.refresh_from_db()
    assert not sato.is_active and sato.employee_number is None
    assert sato.username == "sato"  # only the number was claimed
    assert Person.objects.get(employee_number=SATO_NUMBER).username == "yamamoto-k"


def test_user_id_of_a_departed_person_taken_by_someone_else(slapd, use_ldap, posts):
    use_ldap(slapd)
    assert run_sync(full=True).ok
    sato = Person.objects.get(username="sato")
    slapd.modify(delete(SATO))
    # In the same run: the leaver's entry is gone and a stranger takes the ID.
    slapd.modify(add_person("SATO", number="40001", given="次郎"))
    result = quiet_run(full=True)
    assert (result.run.created, result.run.released) == (1, 1)
    assert result.run.deactivated == 1
    sato.refresh_from_db()
    assert not sato.is_active
    assert sato.username == f"sato.retired-{sato.pk}"
    assert sato.employee_number == SATO_NUMBER
    assert Person.objects.get(username="SATO").first_name == "次郎"


def test_two_active_entries_claiming_one_id_are_quarantined(slapd, use_ldap, posts):
    use_ldap(slapd)
    assert run_sync(full=True).ok
    before = Person.objects.get(username="sato")
    slapd.modify(
        f"dn: {SATO}\nchangetype: modify\nreplace: telephoneNumber\n"
        "telephoneNumber: 2999\n\n"
        + add_person("Sato", number="40002", ou=KIKAKU, given="三郎")
        + "\n"
        + add_person("mori2", number="20106", ou=KIKAKU, sn="森", given="二郎")
    )
    result = run_sync(full=True)
    assert result.ok, result.message
    run = result.run
    assert run.status == SyncRun.Status.SUCCEEDED
    assert (run.quarantined, run.created, run.deactivated) == (4, 0, 0)
    assert "佐藤 花子 (sato)" in run.quarantine and "佐藤 三郎 (Sato)" in run.quarantine
    assert "職員番号 20106" in run.quarantine
    sato = Person.objects.get(pk=before.pk)
    assert sato.extension == before.extension  # not applied while in doubt
    assert sato.is_active
    # The conflict stays until the directory is put right; runs keep succeeding.
    assert run_sync(full=True).ok
    slapd.modify(delete(f"uid=Sato,{KIKAKU}") + "\n" + delete(f"uid=mori2,{KIKAKU}"))
    fixed = run_sync(full=True)
    assert fixed.ok and fixed.run.quarantined == 0
    assert Person.objects.get(pk=before.pk).extension == "2999"


def test_quarantine_never_counts_towards_the_deactivation_threshold(
    slapd, use_ldap, posts
):
    use_ldap(slapd, DEACTIVATE_MAX_PERCENT=1)
    assert run_sync(full=True).ok
    clashes = "\n".join(
        add_person(name.upper(), number=f"5{index:04d}", ou=KIKAKU, given="重複")
        for index, name in enumerate(["sato", "kimura", "mori"])
    )
    slapd.modify(clashes)
    result = run_sync(full=True)
    assert result.ok, result.message
    assert result.run.quarantined == 6
    assert (
        Person.objects.filter(is_active=True, external_id__isnull=False).count() == 48
    )


# --- the AD preset: objectGUID identities, sAMAccountName, employeeID ------------------


@pytest.fixture
def ad(settings, posts):
    """A fresh AD-shaped slapd (the churn tests change it) and settings for it."""
    from tests.directory import test_active_directory as ad_module
    from tests.support.programs import require_program
    from tests.support.slapd import Slapd

    require_program("slapd")
    ldif = ad_module.directory_ldif()
    for name, number in (("sato", "7001"), ("suzuki", "7002"), ("gone", "7003")):
        ldif = ldif.replace(
            f"sAMAccountName: {name}\n",
            f"sAMAccountName: {name}\nemployeeID: {number}\n",
        )
    server = Slapd(
        suffix=ad_module.SUFFIX, ldif=ldif, flavour="ad", root_dse=ad_module.ROOT_DSE
    )
    settings.LDAP = {
        "URIS": [server.uri],
        "PRESET": "ad",
        "TLS": "none",
        "BIND_DN": server.service_dn,
        "BIND_PASSWORD": server.service_password,
        "PEOPLE_BASE": ad_module.USERS,
        "PEOPLE_FILTER": "(objectClass=user)",
        "UNITS_FROM": "department",
        "PAGE_SIZE": 100,
        "DEACTIVATE_MAX_PERCENT": 100,
    }
    yield server, ad_module
    server.close()


def ad_user(ad_module, sam, sn, given, number, guid):
    """An AD user entry as an LDIF add record, with its own objectGUID."""
    import base64

    entry = ad_module.user(
        "sato", sn, given, "サトウ", "ハナコ", "庶務係", "主事", ad_module.NORMAL
    )
    old_guid = base64.b64encode(ad_module.GUIDS["sato"].bytes_le).decode()
    new_guid = base64.b64encode(guid.bytes_le).decode()
    entry = (
        entry.replace(f"objectGUID:: {old_guid}", f"objectGUID:: {new_guid}")
        .replace("sAMAccountName: sato\n", f"sAMAccountName: {sam}\n")
        .replace("userPrincipalName: sato@", f"userPrincipalName: {sam}@")
    )
    added = entry.rstrip("\n").replace("\n", "\nchangetype: add\n", 1)
    return f"{added}\nemployeeID: {number}\n"


def test_ad_rehire_with_a_new_object_guid(ad):
    import uuid

    server, ad_module = ad
    assert run_sync(full=True).ok
    sato = Person.objects.get(username="sato")
    dn = f"CN=佐藤 花子,{ad_module.USERS}"
    server.modify(f"dn: {dn}\nchangetype: delete\n")
    assert run_sync(full=True).run.deactivated == 1
    new_guid = uuid.uuid5(uuid.NAMESPACE_DNS, "sato-again")
    server.modify(ad_user(ad_module, "sato", "佐藤", "花子", "7001", new_guid))
    result = quiet_run(full=True)
    assert (result.run.relinked, result.run.created) == (1, 0)
    sato.refresh_from_db()
    assert sato.is_active and sato.external_id == str(new_guid)


def test_ad_user_id_handed_on_in_one_run(ad):
    import uuid

    server, ad_module = ad
    assert run_sync(full=True).ok
    sato = Person.objects.get(username="sato")
    dn = f"CN=佐藤 花子,{ad_module.USERS}"
    newcomer = ad_user(
        ad_module, "sato", "佐藤", "次郎", "7100", uuid.uuid5(uuid.NAMESPACE_DNS, "new")
    )
    server.modify(
        f"dn: {dn}\nchangetype: modify\nreplace: sAMAccountName\n"
        "sAMAccountName: sato.hanako\n-\nreplace: userPrincipalName\n"
        "userPrincipalName: sato.hanako@ad.example\n\n" + newcomer
    )
    result = quiet_run(full=True)
    assert (result.run.created, result.run.quarantined) == (1, 0)
    sato.refresh_from_db()
    assert sato.username == "sato.hanako"
    assert Person.objects.get(username="sato").first_name == "次郎"
