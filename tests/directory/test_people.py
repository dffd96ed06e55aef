"""The people finder, profiles, presence, photos and the org chart (demo ward via LDIF)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from directory import services
from directory.models import Membership, OrgUnit, Person, PresencePeriod
from directory.search import search_people

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def usernames(people):
    return [person.username for person in people]


@pytest.mark.parametrize(
    "query",
    [
        "sato",
        "satou",
        "SATO",
        "サトウ",
        "さとう",
        "佐藤",
        "ｻﾄｳ",
        "ｓａｔｏｕ",
        "佐藤　花子",
        "hanako sato",
        "さとう はなこ",
    ],
)
def test_find_sato_however_her_name_is_typed(demo_ward, query):
    assert "sato" in usernames(search_people(query))


def test_search_by_unit_post_extension_and_mail(demo_ward):
    assert "sato" in usernames(search_people("庶務係"))
    assert "sato" in usernames(search_people("総務課"))  # 課 includes its 係
    assert "kobayashi" not in usernames(search_people("総務課"))
    assert usernames(search_people("2112")) == ["sato"]
    assert usernames(search_people("ｓａｔｏ＠ward")) == ["sato"]
    assert set(usernames(search_people("係長 戸籍係"))) == {"kondo"}
    assert usernames(search_people("nobody-like-this")) == []


def test_results_are_in_gojuon_order(demo_ward):
    results = search_people("係長")
    readings = [p.sort_key for p in results]
    assert readings == sorted(readings)
    assert usernames(results)[0] == "aoki"  # あおき


def test_search_takes_at_most_five_queries(demo_ward, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        results = search_people("kakari")
        for person in results:
            _ = [(m.unit.name, m.post.name) for m in person.current_memberships]
            _ = person.current_presence


def test_inactive_people_leave_search_but_keep_their_profile(demo_ward, client):
    sato = demo_ward["sato"]
    services.deactivate_person(person=sato)
    assert "sato" not in usernames(search_people("佐藤"))
    client.force_login(demo_ward["suzuki"])
    response = client.get(sato.get_absolute_url())
    assert response.status_code == 200
    assert 'data-testid="inactive"' in response.content.decode()


def test_people_page_works_without_and_with_htmx(
    demo_ward, client, django_assert_max_num_queries
):
    client.force_login(demo_ward["sato"])
    with django_assert_max_num_queries(10):
        response = client.get("/people/", {"q": "すずき"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" in page and "鈴木 一郎" in page
    partial = client.get("/people/", {"q": "すずき"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert "鈴木 一郎" in partial.content.decode()
    assert (
        "見つかりませんでした" in client.get("/people/", {"q": "zzz"}).content.decode()
    )


def test_people_nav_entry_appears(demo_ward, client):
    client.force_login(demo_ward["sato"])
    assert 'href="/people/"' in client.get("/people/").content.decode()


def test_profile_shows_units_posts_concurrent_posts_and_presence(demo_ward, client):
    watanabe = demo_ward["watanabe"]
    dx = OrgUnit.objects.get(code="dx-pt")
    services.appoint(
        person=watanabe,
        unit=dx,
        post=Membership.objects.filter(person=watanabe).get().post,
        primary=False,
        valid_from=datetime.date(2026, 4, 1),
    )
    services.set_presence(
        person=watanabe,
        status=PresencePeriod.Status.BUSINESS_TRIP,
        start_date=TODAY(),
        end_date=TODAY() + datetime.timedelta(days=2),
        by=watanabe,
    )
    client.force_login(demo_ward["sato"])
    page = client.get(watanabe.get_absolute_url()).content.decode()
    assert "企画係" in page and "DX推進プロジェクトチーム" in page
    assert "兼務" in page and "本務" in page
    assert "出張" in page
    assert "3111" in page


def test_profile_panels_from_other_apps(demo_ward, client):
    from directory import extensions

    def panel(request, person):
        return f'<p data-testid="panel">seat of {person.username}</p>'

    extensions.register_profile_panel(panel)
    try:
        client.force_login(demo_ward["sato"])
        page = client.get(demo_ward["suzuki"].get_absolute_url()).content.decode()
        assert "seat of suzuki" in page
    finally:
        extensions._profile_panels.remove(panel)


def test_presence_may_be_set_by_the_person_their_superiors_and_admins(demo_ward):
    sato = demo_ward["sato"]
    day = TODAY()
    for who in ("sato", "suzuki", "takahashi", "tanaka", "admin"):
        period = services.set_presence(
            person=sato,
            status=PresencePeriod.Status.LEAVE,
            start_date=day,
            end_date=day,
            by=demo_ward[who],
        )
        assert period.created_by == demo_ward[who]
    for who in ("kimura", "kobayashi", "ito"):  # a colleague, a stranger, another 部
        with pytest.raises(PermissionDenied):
            services.set_presence(
                person=sato,
                status=PresencePeriod.Status.LEAVE,
                start_date=day,
                end_date=day,
                by=demo_ward[who],
            )
    # sato may not set her 係長's presence.
    with pytest.raises(PermissionDenied):
        services.set_presence(
            person=demo_ward["suzuki"],
            status=PresencePeriod.Status.LEAVE,
            start_date=day,
            end_date=day,
            by=sato,
        )


def test_presence_over_http_forbidden_for_strangers(demo_ward, client):
    sato = demo_ward["sato"]
    client.force_login(demo_ward["kobayashi"])
    response = client.post(f"/people/{sato.pk}/presence/", {"today": "leave"})
    assert response.status_code == 403
    assert not sato.presence_periods.exists()
    client.force_login(demo_ward["suzuki"])
    response = client.post(
        f"/people/{sato.pk}/presence/",
        {
            "status": "leave",
            "start_date": TODAY().isoformat(),
            "end_date": (TODAY() + datetime.timedelta(days=4)).isoformat(),
            "note": "夏季休暇",
        },
    )
    assert response.status_code == 302
    assert sato.is_absent_on(TODAY())
    # Bad input: a clear message, nothing stored, no 500.
    response = client.post(
        f"/people/{sato.pk}/presence/",
        {"status": "leave", "start_date": "2026-12-10", "end_date": "2026-12-01"},
        follow=True,
    )
    assert "終了日は開始日以降の日付にしてください" in response.content.decode()
    assert sato.presence_periods.count() == 1


def test_a_new_period_replaces_what_was_planned_for_those_days(demo_ward):
    sato = demo_ward["sato"]
    day = datetime.date(2026, 12, 7)
    services.set_presence(
        person=sato,
        status=PresencePeriod.Status.LEAVE,
        start_date=day,
        end_date=day + datetime.timedelta(days=4),
        by=sato,
    )
    # Back in the office on Wednesday: the leave is split around it.
    services.set_presence(
        person=sato,
        status=PresencePeriod.Status.IN_OFFICE,
        start_date=day + datetime.timedelta(days=2),
        end_date=day + datetime.timedelta(days=2),
        by=sato,
    )
    statuses = [sato.presence_on(day + datetime.timedelta(days=n)) for n in range(5)]
    assert statuses == ["leave", "leave", "in_office", "leave", "leave"]
    absent = [sato.is_absent_on(day + datetime.timedelta(days=n)) for n in range(5)]
    assert absent == [True, True, False, True, True]
    assert (
        PresencePeriod.objects.absent_on(day + datetime.timedelta(days=2)).count() == 0
    )


def test_search_results_show_todays_presence(demo_ward, client):
    sato = demo_ward["sato"]
    services.set_presence(
        person=sato,
        status=PresencePeriod.Status.TELEWORK,
        start_date=TODAY(),
        end_date=TODAY(),
        by=sato,
    )
    client.force_login(sato)
    page = client.get("/people/", {"q": "佐藤"}).content.decode()
    assert "テレワーク" in page


def test_photo_upload_and_serving(demo_ward, client, settings, tmp_path):
    from PIL import Image

    settings.MEDIA_ROOT = str(tmp_path)
    sato = demo_ward["sato"]
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    buffer.name = "me.png"
    buffer.seek(0)
    client.force_login(demo_ward["kimura"])
    assert (
        client.post(f"/people/{sato.pk}/photo/", {"photo": buffer}).status_code == 403
    )
    buffer.seek(0)
    client.force_login(sato)
    response = client.post(f"/people/{sato.pk}/photo/", {"photo": buffer})
    assert response.status_code == 302
    sato.refresh_from_db()
    assert sato.photo
    served = client.get(sato.photo_url)
    assert served.status_code == 200
    not_an_image = io.BytesIO(b"hello")
    not_an_image.name = "x.png"
    response = client.post(
        f"/people/{sato.pk}/photo/", {"photo": not_an_image}, follow=True
    )
    assert response.status_code == 200


def test_org_chart_and_unit_members(demo_ward, client, django_assert_max_num_queries):
    client.force_login(demo_ward["kobayashi"])
    with django_assert_max_num_queries(8):
        page = client.get("/people/units/").content.decode()
    assert "総務部" in page and "庶務係" in page
    shomu = OrgUnit.objects.get(code="shomu-kakari")
    with django_assert_max_num_queries(12):
        page = client.get(shomu.get_absolute_url()).content.decode()
    assert page.index("鈴木 一郎") < page.index("佐藤 花子")  # 係長 before 主事
    assert client.get("/people/units/", {"on": "not-a-date"}).status_code == 200


def test_april_reorganisation_prepared_in_advance(demo_ward, client):
    """総務課 becomes 総務・人事課 next April; until then, and for history, it stays."""
    somu = OrgUnit.objects.get(code="somu-ka")
    april = datetime.date(2027, 4, 1)
    renamed = services.reorganise_unit(unit=somu, on=april, name="総務・人事課")
    sato = demo_ward["sato"]
    march = datetime.date(2027, 3, 31)
    assert sato.primary_membership(march).unit.parent.name == "総務課"
    new_unit = sato.primary_membership(april).unit
    assert new_unit.code == "shomu-kakari" and new_unit.parent == renamed
    assert [u.name for u in new_unit.ancestors()][:2] == ["庶務係", "総務・人事課"]
    assert renamed.predecessors.get() == somu
    # post_holder/superiors follow the date.
    from directory.org import superiors

    assert [m.unit.name for m in superiors(sato, april)][:2] == [
        "庶務係",
        "総務・人事課",
    ]
    assert [m.unit.name for m in superiors(sato, march)][:2] == ["庶務係", "総務課"]
    client.force_login(sato)
    page = client.get("/people/units/", {"on": "2027-04-01"}).content.decode()
    assert "総務・人事課" in page and ">総務課<" not in page
    page = client.get("/people/units/").content.decode()
    assert ">総務課<" in page


def test_sync_record_is_for_directory_admins(
    demo_ward, client, django_assert_max_num_queries
):
    client.force_login(demo_ward["sato"])
    assert client.get("/people/sync/").status_code == 403
    assert "/people/sync/" not in client.get("/people/").content.decode()
    client.force_login(demo_ward["ishikawa"])  # directory-admins (from the LDIF)
    assert "/people/sync/" in client.get("/people/").content.decode()
    with django_assert_max_num_queries(8):
        page = client.get("/people/sync/").content.decode()
    assert "LDIFファイル" in page and "成功" in page


def test_demo_loader_is_idempotent(db, settings):
    from directory import demo

    settings.DEBUG = True
    out = io.StringIO()
    demo.load(stdout=out)
    demo.load(stdout=out)
    staff = Person.objects.filter(is_active=True, is_service_account=False)
    assert staff.count() == 48
    assert Person.objects.filter(is_service_account=True).count() == 1
    admin = Person.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("demo")
    assert OrgUnit.objects.filter(code="dx-pt").exists()
    assert Membership.objects.filter(person__username="ito", is_primary=False).exists()
