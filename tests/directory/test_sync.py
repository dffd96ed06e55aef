"""The LDAP sync against a real slapd loaded with the demo ward."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from directory import roles
from directory.demo import SUFFIX
from directory.ldap.sync import SyncAlreadyRunning, run_sync
from directory.models import Membership, OrgUnit, Person, SyncRun
from directory.org import superiors

pytestmark = [pytest.mark.slapd, pytest.mark.django_db]

SATO = f"uid=sato,ou=shomu-kakari,ou=somu-ka,ou=somu-bu,ou=ward,{SUFFIX}"
PEOPLE = 48
UNITS = 20
GROUPS = 6


def snapshot():
    """Everything a sync could change, to prove that nothing did."""
    return (
        list(
            Person.objects.order_by("pk").values_list(
                "pk", "username", "is_active", "ldap_dn"
            )
        ),
        list(
            OrgUnit.objects.order_by("pk").values_list(
                "pk", "name", "path", "valid_until"
            )
        ),
        list(
            Membership.objects.order_by("pk").values_list(
                "pk", "unit_id", "valid_until"
            )
        ),
        sorted(Person.groups.through.objects.values_list("person_id", "group_id")),
    )


def test_full_sync_builds_the_ward(shared_slapd, use_ldap, posts):
    use_ldap(shared_slapd)
    result = run_sync(full=True)
    assert result.ok, result.message
    run = result.run
    assert run.status == SyncRun.Status.SUCCEEDED
    assert (run.created, run.deactivated) == (PEOPLE, 0)
    assert run.units_changed == UNITS
    assert re.fullmatch(r"\d{14}Z", run.high_water)
    sato = Person.objects.get(username="sato")
    assert (sato.full_name, sato.full_name_kana) == ("佐藤 花子", "サトウ ハナコ")
    assert sato.romaji_name == "Hanako Sato"
    assert sato.extension == "2112"
    assert sato.ldap_dn == SATO
    assert not sato.has_usable_password()
    assert [m.person.username for m in superiors(sato)] == [
        "suzuki",
        "takahashi",
        "tanaka",
        "fukukucho",
        "kucho",
    ]
    shomu = OrgUnit.objects.get(code="shomu-kakari")
    assert (shomu.name, shomu.short_name, shomu.kind) == ("庶務係", "総務課", "unit")
    assert [u.code for u in shomu.ancestors()] == [
        "shomu-kakari",
        "somu-ka",
        "somu-bu",
        "ward",
    ]
    dx = Group.objects.get(name=roles.DX_PT)
    assert set(dx.user_set.values_list("username", flat=True)) == {
        "ito",
        "watanabe",
        "maeda",
        "ogawa",
        "fujii",
    }
    # Nothing changed in LDAP: the next (incremental) run changes nothing.
    again = run_sync()
    assert again.ok
    assert again.run.mode == SyncRun.Mode.INCREMENTAL
    assert (again.run.created, again.run.updated, again.run.moved) == (0, 0, 0)
    # Units and groups are always read; no person changed.
    assert again.run.entries_read == UNITS + GROUPS


def test_incremental_sync_reads_only_changed_entries(slapd, use_ldap, posts):
    use_ldap(slapd)
    assert run_sync(full=True).ok
    slapd.modify(
        f"dn: {SATO}\nchangetype: modify\nreplace: telephoneNumber\ntelephoneNumber: 2199\n"
    )
    result = run_sync()
    assert result.ok, result.message
    assert result.run.mode == SyncRun.Mode.INCREMENTAL
    assert result.run.entries_read == UNITS + GROUPS + 1
    assert result.run.updated == 1
    assert Person.objects.get(username="sato").extension == "2199"
    assert Person.objects.filter(is_active=True).count() == PEOPLE


def test_rename_keeps_the_same_person(slapd, use_ldap, posts):
    use_ldap(slapd)
    assert run_sync(full=True).ok
    sato = Person.objects.get(username="sato")
    slapd.modify(
        f"dn: {SATO}\nchangetype: modrdn\nnewrdn: uid=kato-hanako\ndeleteoldrdn: 1\n\n"
        f"dn: uid=kato-hanako,ou=shomu-kakari,ou=somu-ka,ou=somu-bu,ou=ward,{SUFFIX}\n"
        "changetype: modify\nreplace: sn;lang-ja\nsn;lang-ja: 加藤\n-\n"
        "replace: sn;lang-ja-x-phonetic\nsn;lang-ja-x-phonetic: カトウ\n-\n"
        "replace: mail\nmail: kato-hanako@ward.example.jp\n"
    )
    result = run_sync(full=True)
    assert result.ok, result.message
    renamed = Person.objects.get(pk=sato.pk)
    assert renamed.username == "kato-hanako"
    assert renamed.full_name == "加藤 花子"
    assert renamed.email == "kato-hanako@ward.example.jp"
    assert renamed.ldap_dn.startswith("uid=kato-hanako,")
    assert renamed.is_active
    assert (result.run.created, result.run.updated, result.run.deactivated) == (0, 1, 0)
    assert not Person.objects.filter(username="sato").exists()


def test_ou_move_is_a_transfer_of_the_same_person(slapd, use_ldap, posts):
    use_ldap(slapd)
    day = timezone.localdate()
    assert run_sync(full=True, effective_date=day - datetime.timedelta(days=30)).ok
    sato = Person.objects.get(username="sato")
    slapd.modify(
        f"dn: {SATO}\nchangetype: modrdn\nnewrdn: uid=sato\ndeleteoldrdn: 1\n"
        f"newsuperior: ou=bunsho-kakari,ou=somu-ka,ou=somu-bu,ou=ward,{SUFFIX}\n"
    )
    result = run_sync()
    assert result.ok, result.message
    assert result.run.moved == 1
    assert Person.objects.get(pk=sato.pk).primary_membership().unit.code == (
        "bunsho-kakari"
    )
    history = list(
        sato.memberships.order_by("valid_from").values_list("unit__code", "valid_until")
    )
    assert history == [("shomu-kakari", day), ("bunsho-kakari", None)]
    # The org chart of last week still shows her in 庶務係.
    last_week = day - datetime.timedelta(days=7)
    assert sato.primary_membership(last_week).unit.code == "shomu-kakari"


def test_leaving_and_rehire_reactivate_the_same_person(slapd, use_ldap, posts):
    use_ldap(slapd)
    hired = timezone.localdate() - datetime.timedelta(days=400)
    assert run_sync(full=True, effective_date=hired).ok
    sato = Person.objects.get(username="sato")
    slapd.modify(
        f"dn: {SATO}\nchangetype: modrdn\nnewrdn: uid=sato\ndeleteoldrdn: 1\n"
        f"newsuperior: ou=former,{SUFFIX}\n"
    )
    left = run_sync(full=True)
    assert left.ok, left.message
    assert left.run.deactivated == 1
    sato.refresh_from_db()
    assert not sato.is_active and sato.deactivated_at is not None
    assert not sato.memberships.filter(valid_until__isnull=True).exists()
    slapd.modify(
        f"dn: uid=sato,ou=former,{SUFFIX}\nchangetype: modrdn\nnewrdn: uid=sato\n"
        f"deleteoldrdn: 1\nnewsuperior: ou=kikaku-kakari,ou=kikaku-ka,ou=seisaku-bu,ou=ward,{SUFFIX}\n"
    )
    back = run_sync(full=True)
    assert back.ok, back.message
    assert back.run.reactivated == 1
    assert Person.objects.filter(username="sato").count() == 1
    sato.refresh_from_db()
    assert sato.is_active and sato.deactivated_at is None
    assert sato.primary_membership().unit.code == "kikaku-kakari"


def test_deactivating_beyond_the_threshold_aborts_unless_forced(slapd, use_ldap, posts):
    use_ldap(slapd)
    assert run_sync(full=True).ok
    leavers = ["sato", "kimura", "mori", "takeuchi"]
    slapd.modify(
        "\n".join(
            f"dn: uid={name},ou=shomu-kakari,ou=somu-ka,ou=somu-bu,ou=ward,{SUFFIX}\n"
            "changetype: delete\n"
            for name in leavers
        )
    )
    before = snapshot()
    result = run_sync(full=True)
    assert not result.ok
    assert result.run.status == SyncRun.Status.ABORTED
    assert "4" in result.run.error and "--force" in result.run.error
    assert snapshot() == before
    forced = run_sync(full=True, force=True)
    assert forced.ok
    assert forced.run.forced and forced.run.deactivated == 4
    assert not Person.objects.filter(username__in=leavers, is_active=True).exists()
    assert Person.objects.filter(username__in=leavers).count() == 4  # never deleted


def test_a_truncated_paged_search_aborts_with_nothing_changed(use_ldap, posts):
    from tests.directory.conftest import _start

    server = _start(size_limit=30)
    try:
        use_ldap(server, PAGE_SIZE=10)
        result = run_sync(full=True)
    finally:
        server.close()
    assert not result.ok
    assert result.run.status == SyncRun.Status.FAILED
    assert "sizeLimitExceeded" in result.run.error
    assert Person.objects.count() == 0
    assert OrgUnit.objects.count() == 0


def test_server_down_mid_run_changes_nothing_and_the_next_run_succeeds(
    slapd, use_ldap, posts
):
    use_ldap(slapd, PAGE_SIZE=10)

    def stop_after_first_page(stage, count):
        if stage == "people" and count >= 10:
            slapd.stop()

    failed = run_sync(full=True, progress=stop_after_first_page)
    assert not failed.ok
    assert failed.run.status == SyncRun.Status.FAILED
    assert failed.run.finished_at is not None
    assert Person.objects.count() == 0 and OrgUnit.objects.count() == 0
    slapd.start()
    result = run_sync(full=True)
    assert result.ok, result.message
    assert result.run.created == PEOPLE
    assert list(SyncRun.objects.order_by("id").values_list("status", flat=True)) == [
        "failed",
        "succeeded",
    ]


def test_unreachable_server_fails_and_failover_uses_the_next(
    shared_slapd, use_ldap, posts
):
    from tests.support.slapd import free_port

    dead = f"ldap://127.0.0.1:{free_port()}"
    use_ldap(shared_slapd, URIS=[dead])
    result = run_sync(full=True)
    assert not result.ok
    assert result.run.status == SyncRun.Status.FAILED
    assert result.run.error.startswith(f"{dead} から読み込めませんでした")
    assert Person.objects.count() == 0
    use_ldap(shared_slapd, URIS=[dead, shared_slapd.uri])
    assert run_sync(full=True).ok
    assert Person.objects.count() == PEOPLE


def test_zero_people_aborts(shared_slapd, use_ldap, posts):
    use_ldap(shared_slapd, PEOPLE_BASE=f"ou=groups,{SUFFIX}")
    result = run_sync(full=True)
    assert not result.ok
    assert result.run.status == SyncRun.Status.ABORTED
    assert Person.objects.count() == 0


def test_dry_run_prints_the_plan_and_writes_nothing(shared_slapd, use_ldap, posts):
    use_ldap(shared_slapd)
    before = snapshot()
    result = run_sync(full=True, dry_run=True)
    assert result.ok
    assert result.run is None
    assert snapshot() == before
    assert not SyncRun.objects.exists()
    assert "+ person 佐藤 花子 (sato)" in result.plan.lines
    assert result.plan.counts.created == PEOPLE


def test_two_runs_never_overlap(shared_slapd, use_ldap, posts):
    use_ldap(shared_slapd)
    SyncRun.objects.create(mode=SyncRun.Mode.FULL)
    with pytest.raises(SyncAlreadyRunning):
        run_sync(full=True)
    # A run left RUNNING by a crashed worker is given up after a while.
    SyncRun.objects.update(started_at=timezone.now() - datetime.timedelta(hours=7))
    assert run_sync(full=True).ok
    assert SyncRun.objects.filter(status=SyncRun.Status.FAILED).count() == 1


def test_the_background_task_skips_while_a_run_holds_the_lock(
    shared_slapd, use_ldap, posts
):
    from directory.tasks import sync_directory_task

    use_ldap(shared_slapd)
    SyncRun.objects.create(mode=SyncRun.Mode.FULL)
    result = sync_directory_task.enqueue(full=True)
    assert result.return_value == {"status": "skipped"}
    SyncRun.objects.all().delete()
    result = sync_directory_task.enqueue(full=True)
    assert result.return_value["status"] == "succeeded"
    assert Person.objects.count() == PEOPLE


def test_escaped_characters_in_dns_keep_people_in_their_unit(slapd, use_ldap, posts):
    """A comma, plus or quote inside an RDN value is escaped in the DN: the sync
    must find the parent by the parsed DN, never by splitting on commas."""
    somu_ka = f"ou=somu-ka,ou=somu-bu,ou=ward,{SUFFIX}"
    annex = f"ou=annex\\, 1f\\+2f,{somu_ka}"
    slapd.modify(
        f"dn: {annex}\nchangetype: add\nobjectClass: organizationalUnit\n"
        "objectClass: extensibleObject\nou: annex, 1f+2f\ndisplayName: 別館分室\n"
        "businessCategory: unit\n\n"
        f"dn: uid=yoshida,{annex}\nchangetype: add\nobjectClass: inetOrgPerson\n"
        "uid: yoshida\ncn: Ken Yoshida\nsn: Yoshida\nsn;lang-ja: 吉田\n"
        "givenName;lang-ja: 健\ntitle: 主事\nuserPassword: demo\n"
    )
    use_ldap(slapd)
    result = run_sync(full=True)
    assert result.ok, result.message
    yoshida = Person.objects.get(username="yoshida")
    unit = Membership.objects.get(person=yoshida).unit
    assert unit.name == "別館分室"
    assert unit.parent.name == "総務課"
    # Nobody landed in a unit made up from half a DN.
    assert not OrgUnit.objects.filter(name__in=["1f", "1f+2f", "annex"]).exists()
    assert run_sync(full=True).ok  # a second run finds nothing to change
    assert Membership.objects.get(person=yoshida).unit == unit


def test_refint_membership_changes_are_seen_by_an_incremental_run(use_ldap, posts):
    """OpenLDAP's refint overlay drops a deleted person from their groups itself; the
    next incremental run (which reads groups whole) takes them out of the role."""
    from tests.directory.conftest import _start

    server = _start(
        modules=("refint",),
        extra_database_config="overlay refint\nrefint_attributes member\n",
    )
    try:
        use_ldap(server)
        assert run_sync(full=True).ok
        dx = Group.objects.get(name=roles.DX_PT)
        assert dx.user_set.filter(username="ito").exists()
        ito = f"uid=ito,ou=kikaku-kakari,ou=kikaku-ka,ou=seisaku-bu,ou=ward,{SUFFIX}"
        server.modify(f"dn: {ito}\nchangetype: delete\n")
        result = run_sync()
        assert result.ok, result.message
        assert result.run.mode == SyncRun.Mode.INCREMENTAL
        assert not dx.user_set.filter(username="ito").exists()
        assert "- group dx-pt: 伊藤 さくら (ito)" in result.plan.lines
    finally:
        server.close()
