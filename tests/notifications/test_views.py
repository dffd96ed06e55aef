"""The notification pages over HTTP, without JavaScript: list, read, open, preferences,
and notices to one's unit."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from directory.managed import directory_writes
from intranet.notifications import services
from intranet.notifications.kinds import Kind
from intranet.notifications.models import (
    KindPreference,
    Notification,
    NotificationPreference,
)
from tests.factories import MembershipFactory, OrgUnitFactory, PersonFactory
from tests.support.http import bell_count

pytestmark = pytest.mark.django_db

LIST = "/notifications/"


def make(person, count=1, **kwargs):
    options = {"kind": Kind.SYSTEM, "email": False}
    options.update(kwargs)
    notes = []
    for number in range(count):
        notes += services.notify(
            recipients=[person],
            subject=options.pop("subject", None) or f"決裁依頼: 文書{number + 1}",
            **options,
        )
    return notes


@pytest.fixture
def kakaricho_client(client, kakaricho):
    client.force_login(kakaricho)
    return client


# -- The list -----------------------------------------------------------------------


def test_list_shows_unread_distinctly_and_the_bell_counts_them(
    kakaricho_client, kakaricho, applicant
):
    first, second = make(kakaricho, 2, actor=applicant)
    services.mark_read(user=kakaricho, notification_ids=[first.pk])
    response = kakaricho_client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert bell_count(html) == 1
    assert html.count('data-testid="notification"') == 2
    assert html.count("notification--unread") == 1
    unread_item = html.split(f'id="notification-{second.pk}"')[1].split("</li>")[0]
    assert "data-unread" in unread_item
    assert "未読" in unread_item
    assert "佐藤 花子" in unread_item
    assert "決裁依頼" in unread_item


def test_list_query_count_does_not_grow_with_rows(
    kakaricho_client, kakaricho, applicant, django_assert_max_num_queries
):
    make(kakaricho, 25, actor=applicant)
    with django_assert_max_num_queries(12):
        response = kakaricho_client.get(LIST)
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="notification"') == 20


def test_list_paginates_and_filters_unread(kakaricho_client, kakaricho):
    notes = make(kakaricho, 23)
    services.mark_read(user=kakaricho, notification_ids=[n.pk for n in notes[:10]])

    page2 = kakaricho_client.get(LIST, {"page": 2}).content.decode()
    assert page2.count('data-testid="notification"') == 3
    assert "2 / 2 ページ" in page2

    unread = kakaricho_client.get(LIST, {"show": "unread"}).content.decode()
    assert unread.count('data-testid="notification"') == 13
    assert 'aria-current="page" data-testid="tab-unread"' in unread

    # A page number past the end shows the last page rather than an error.
    assert kakaricho_client.get(LIST, {"page": 99}).status_code == 200
    assert kakaricho_client.get(LIST, {"page": "x"}).status_code == 200


def test_empty_list_says_so(kakaricho_client):
    html = kakaricho_client.get(LIST).content.decode()
    assert 'data-testid="notification-empty"' in html
    assert "お知らせはまだありません" in html


def test_people_see_only_their_own_notifications(client, kakaricho, kacho):
    make(kakaricho, subject="鈴木さん宛て")
    client.force_login(kacho)
    assert "鈴木さん宛て" not in client.get(LIST).content.decode()


# -- Read, read all, open -------------------------------------------------------------


def test_mark_one_read_returns_to_the_list(kakaricho_client, kakaricho):
    note, other = make(kakaricho, 2)
    response = kakaricho_client.post(
        f"/notifications/{note.pk}/read/", {"next": "/notifications/?page=1"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/notifications/?page=1#notification-{note.pk}"
    note.refresh_from_db()
    other.refresh_from_db()
    assert note.read_at is not None
    assert other.read_at is None


def test_mark_read_with_htmx_swaps_the_item_and_the_bell(kakaricho_client, kakaricho):
    note, _other = make(kakaricho, 2)
    response = kakaricho_client.post(
        f"/notifications/{note.pk}/read/", {"next": LIST}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{note.pk}"' in html
    assert "notification--unread" not in html
    assert 'hx-swap-oob="true"' in html
    assert bell_count(html) == 1


def test_mark_all_read(kakaricho_client, kakaricho):
    make(kakaricho, 3)
    response = kakaricho_client.post("/notifications/read-all/", follow=True)
    assert bell_count(response.content.decode()) == 0
    assert "すべて既読にしました" in response.content.decode()
    assert Notification.objects.unread().count() == 0


def test_open_marks_read_and_follows_the_link(kakaricho_client, kakaricho):
    [note] = make(kakaricho, url="/approvals/42/")
    response = kakaricho_client.post(f"/notifications/{note.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == "/approvals/42/"
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.parametrize(
    "url", ["https://evil.example/phish", "//evil.example/", "", "javascript:alert(1)"]
)
def test_open_never_redirects_off_site(kakaricho_client, kakaricho, url):
    [note] = make(kakaricho, url=url)
    response = kakaricho_client.post(f"/notifications/{note.pk}/open/")
    assert response["Location"] == f"/notifications/#notification-{note.pk}"


def test_the_next_parameter_cannot_leave_the_list(kakaricho_client, kakaricho):
    [note] = make(kakaricho)
    response = kakaricho_client.post(
        f"/notifications/{note.pk}/read/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == f"/notifications/#notification-{note.pk}"


def test_someone_elses_notification_is_not_found(client, kakaricho, kacho):
    [note] = make(kakaricho)
    client.force_login(kacho)
    assert client.post(f"/notifications/{note.pk}/open/").status_code == 404
    assert client.post(f"/notifications/{note.pk}/read/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_actions_need_post_and_csrf(kakaricho, kakaricho_client):
    [note] = make(kakaricho)
    assert kakaricho_client.get(f"/notifications/{note.pk}/open/").status_code == 405
    assert kakaricho_client.get("/notifications/read-all/").status_code == 405

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(kakaricho)
    assert strict.post(f"/notifications/{note.pk}/read/").status_code == 403
    assert strict.post("/notifications/read-all/").status_code == 403
    note.refresh_from_db()
    assert note.read_at is None


def test_every_page_shows_the_server_side_count(kakaricho_client, kakaricho, home_page):
    make(kakaricho, 4)
    assert bell_count(kakaricho_client.get("/").content.decode()) == 4
    assert "お知らせ（未読 4 件）" in kakaricho_client.get("/").content.decode()


# -- Preferences ----------------------------------------------------------------------


def test_preference_page_shows_the_defaults(kakaricho_client):
    html = kakaricho_client.get("/notifications/settings/").content.decode()
    assert (
        'name="email_task_assigned" value="immediate" id="id_email_task_assigned_1" required checked'
        in html
    )
    assert 'name="email_proposal_published" value="digest"' in html
    assert 'value="08:30"' in html
    assert "電子決裁" in html and "座席・会議室" in html
    assert "suzuki@ward.example.jp" in html


def preference_form(**changes):
    data = {f"email_{kind.value}": "immediate" for kind in Kind}
    data.update(digest_time="08:30", quiet_from="20:00", quiet_until="08:00")
    data.update(changes)
    return data


def test_saving_preferences(kakaricho_client, kakaricho):
    response = kakaricho_client.post(
        "/notifications/settings/",
        preference_form(
            email_task_assigned="digest",
            email_booking_confirmed="off",
            digest_time="17:00",
            quiet_enabled="on",
            quiet_from="19:00",
            quiet_until="07:30",
        ),
        follow=True,
    )
    assert "メールの受け取り方を保存しました" in response.content.decode()
    stored = NotificationPreference.objects.get(person=kakaricho)
    assert stored.digest_time == datetime.time(17, 0)
    assert (stored.quiet_from, stored.quiet_until) == (
        datetime.time(19, 0),
        datetime.time(7, 30),
    )
    choices = dict(
        KindPreference.objects.filter(person=kakaricho).values_list("kind", "email")
    )
    # Only what differs from the defaults is stored.
    assert choices["task_assigned"] == "digest"
    assert "booking_confirmed" not in choices
    assert choices["proposal_published"] == "immediate"


def test_quiet_hours_off_clears_them(kakaricho_client, kakaricho):
    services.update_preferences(
        person=kakaricho,
        email_modes={},
        quiet_from=datetime.time(20),
        quiet_until=datetime.time(8),
    )
    kakaricho_client.post("/notifications/settings/", preference_form())
    stored = NotificationPreference.objects.get(person=kakaricho)
    assert stored.quiet_from is None and stored.quiet_until is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"quiet_enabled": "on", "quiet_from": "", "quiet_until": ""},
            "開始時刻を入力してください",
        ),
        ({"quiet_enabled": "on", "quiet_until": "20:00"}, "同じ時刻は指定できません"),
        ({"digest_time": "25:99"}, "時刻"),
        ({"email_task_assigned": "sometimes"}, "正しく選択してください"),
    ],
)
def test_bad_preferences_get_a_clear_error_and_nothing_is_saved(
    kakaricho_client, kakaricho, changes, message
):
    response = kakaricho_client.post(
        "/notifications/settings/", preference_form(**changes)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not NotificationPreference.objects.filter(person=kakaricho).exists()


def test_reset_preferences(kakaricho_client, kakaricho):
    services.update_preferences(person=kakaricho, email_modes={Kind.SYSTEM: "off"})
    response = kakaricho_client.post("/notifications/settings/", {"reset": "1"})
    assert response.status_code == 302
    assert not KindPreference.objects.filter(person=kakaricho).exists()
    assert not NotificationPreference.objects.filter(person=kakaricho).exists()


def test_no_address_is_pointed_out(kakaricho_client, kakaricho):
    with directory_writes():
        kakaricho.email = ""
        kakaricho.save()
    html = kakaricho_client.get("/notifications/settings/").content.decode()
    assert 'data-testid="no-email"' in html


# -- Notices to one's unit --------------------------------------------------------------


def test_kakaricho_sends_a_notice_to_the_unit(
    kakaricho_client, kakaricho, applicant, office
):
    other_member = PersonFactory(username="yamaguchi")
    MembershipFactory(
        person=other_member, unit=office.units.shomu, post=office.posts.shuji
    )
    page = kakaricho_client.get("/notifications/send/").content.decode()
    assert "庶務係（2人）" in page  # the sender is not counted

    response = kakaricho_client.post(
        "/notifications/send/",
        {
            "unit": office.units.shomu.pk,
            "subject": "明日の係会は10時からです",
            "body": "会議室Bで行います。",
            "url": "http://127.0.0.1:8000/people/",
        },
        follow=True,
    )
    assert "庶務係の2人に連絡を送りました" in response.content.decode()
    notes = Notification.objects.filter(kind=Kind.UNIT_NOTICE)
    assert {note.recipient for note in notes} == {applicant, other_member}
    assert {note.url for note in notes} == {"/people/"}
    assert all(note.actor == kakaricho for note in notes)


def test_kacho_can_reach_every_unit_below(client, kacho, office):
    client.force_login(kacho)
    page = client.get("/notifications/send/").content.decode()
    assert "総務課（2人）" in page
    assert "庶務係（2人）" in page


def test_staff_who_head_nothing_cannot_send(applicant_client, applicant, office):
    response = applicant_client.get("/notifications/send/")
    assert response.status_code == 403
    assert "所属の長が" in response.content.decode()
    response = applicant_client.post(
        "/notifications/send/", {"unit": office.units.shomu.pk, "subject": "x"}
    )
    assert response.status_code == 403
    assert not Notification.objects.exists()
    assert (
        'data-testid="send-notice-link"'
        not in applicant_client.get(LIST).content.decode()
    )


def test_a_head_cannot_write_to_someone_elses_unit(kakaricho_client, office):
    response = kakaricho_client.post(
        "/notifications/send/", {"unit": office.units.koseki.pk, "subject": "x"}
    )
    assert response.status_code == 400
    assert "正しく選択してください" in response.content.decode()
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"subject": "   "}, 'id="id_subject_error"'),
        ({"subject": "x" * 101}, 'id="id_subject_error"'),
        ({"subject": "x", "url": "https://evil.example/"}, "庁内ポータルのページのURL"),
        ({"subject": "x", "url": "//evil.example/"}, "庁内ポータルのページのURL"),
    ],
)
def test_bad_notices_get_a_clear_error(kakaricho_client, office, data, message):
    response = kakaricho_client.post(
        "/notifications/send/", {"unit": office.units.shomu.pk, **data}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Notification.objects.exists()


def test_notice_service_checks_permission(applicant, office):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.send_unit_notice(
            sender=applicant, unit=office.units.shomu, subject="x"
        )


def test_a_former_head_can_no_longer_send(client, office):
    former = PersonFactory(username="former")
    MembershipFactory(
        person=former,
        unit=OrgUnitFactory(parent=office.units.somu_ka, name="旧係"),
        post=office.posts.kakaricho,
        valid_until=datetime.date(2021, 3, 31),
    )
    client.force_login(former)
    assert client.get("/notifications/send/").status_code == 403


def test_list_links_to_preferences_and_notices(kakaricho_client):
    html = kakaricho_client.get(reverse("notifications:list")).content.decode()
    assert 'data-testid="preferences-link"' in html
    assert 'data-testid="send-notice-link"' in html


def test_the_unread_count_for_scripts(kakaricho_client, kakaricho, client):
    make(kakaricho, 2)
    response = kakaricho_client.get("/notifications/count/")
    assert response.json() == {"unread": 2}
    assert "no-cache" in response["Cache-Control"]
    # Logged out: a redirect to the login page, which live.js takes as "stop".
    client.logout()
    response = client.get("/notifications/count/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
