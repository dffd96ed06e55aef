"""LDAP login through the real login page: good, bad, injection, disabled, unreachable,
and throttling per account and per address."""

from __future__ import annotations

import pytest
from django.test import Client

from directory.demo import SUFFIX
from directory.ldap.sync import run_sync
from directory.models import LoginFailure, Person
from tests.directory.conftest import ldap_settings
from tests.support.slapd import free_port

pytestmark = [pytest.mark.slapd, pytest.mark.django_db]

LOGIN = "/accounts/login/"


@pytest.fixture
def synced(shared_slapd, use_ldap, posts):
    use_ldap(shared_slapd)
    assert run_sync(full=True).ok
    return {p.username: p for p in Person.objects.all()}


def log_in(client, username, password, address="10.0.0.1"):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address
    )


def logged_in_as(client):
    return client.session.get("_auth_user_id")


def test_good_password_logs_in_the_synced_person(client, synced):
    response = log_in(client, "sato", "demo")
    assert response.status_code == 302
    assert logged_in_as(client) == str(synced["sato"].pk)


def test_wrong_password_gives_the_usual_message(client, synced):
    response = log_in(client, "sato", "wrong")
    assert response.status_code == 200
    assert logged_in_as(client) is None
    page = response.content.decode()
    assert "ユーザーIDまたはパスワードが正しくありません" in page
    assert "大文字と小文字は区別されます" not in page


def test_user_id_in_another_case_logs_in_as_the_message_says(client, synced):
    response = log_in(client, "SATO", "demo")
    assert response.status_code == 302
    assert logged_in_as(client) == str(synced["sato"].pk)
    assert log_in(Client(), "SATO", "Demo").status_code == 200  # passwords: exact


def test_local_account_logs_in_with_its_user_id_in_another_case(client, db):
    from tests.factories import PersonFactory

    person = PersonFactory(username="local.admin")
    person.set_password("local-pass")
    person.save()
    response = log_in(client, "Local.Admin", "local-pass")
    assert response.status_code == 302
    assert logged_in_as(client) == str(person.pk)


@pytest.mark.parametrize(
    "username",
    [
        "*",
        "*)(uid=*",
        "sato)(|(uid=*",
        "admin)(|(uid=*",
        "*)(objectClass=*))(|(uid=*",
        "sato)(userPassword=*",
        "sato\\",
        "sato\x00",
        "s*",
        "uid=sato,ou=shomu-kakari",
    ],
)
def test_filter_injection_finds_nobody(client, synced, username):
    for password in ("demo", "*"):
        response = log_in(client, username, password)
        assert response.status_code == 200
        assert logged_in_as(client) is None


def test_an_empty_password_is_never_an_anonymous_bind(client, synced):
    from django.contrib.auth import authenticate

    assert authenticate(None, username="sato", password="") is None
    response = log_in(client, "sato", "")
    assert logged_in_as(client) is None
    assert response.status_code == 200


def test_a_deactivated_person_is_told_their_account_is_disabled(client, synced):
    Person.objects.filter(username="sato").update(is_active=False)
    response = log_in(client, "sato", "demo")
    assert logged_in_as(client) is None
    assert "このアカウントは無効になっています" in response.content.decode()


def test_a_person_not_yet_synced_is_told_so(client, synced):
    Person.objects.filter(username="sato").update(external_id=None)
    response = log_in(client, "sato", "demo")
    assert logged_in_as(client) is None
    assert "職員名簿にまだ登録されていません" in response.content.decode()


def test_an_unreachable_server_is_explained_and_local_accounts_still_work(
    client, settings, shared_slapd, office
):
    settings.LDAP = ldap_settings(
        shared_slapd, URIS=[f"ldap://127.0.0.1:{free_port()}"]
    )
    response = log_in(client, "nobody", "x")
    assert "認証サーバー（LDAP）に接続できません" in response.content.decode()
    # The local superuser (Django password) can still log in.
    response = log_in(client, "admin", "pass-word-123")
    assert response.status_code == 302


def test_failures_slow_down_the_pair_only(client, synced):
    for _attempt in range(5):
        log_in(client, "sato", "wrong", address="10.0.0.9")
    response = log_in(client, "sato", "demo", address="10.0.0.9")
    assert logged_in_as(client) is None
    assert "秒ほど待ってから" in response.content.decode()
    # The same account from another address, another account from this one: fine.
    assert log_in(Client(), "sato", "demo", address="10.0.0.10").status_code == 302
    assert log_in(Client(), "suzuki", "demo", address="10.0.0.9").status_code == 302


def test_success_forgets_the_accounts_failures(client, synced):
    log_in(client, "sato", "wrong")
    assert LoginFailure.objects.filter(username="sato").count() == 1
    assert log_in(client, "sato", "demo").status_code == 302
    assert not LoginFailure.objects.filter(username="sato").exists()


def test_people_base_bounds_who_can_log_in(client, shared_slapd, use_ldap, posts):
    use_ldap(shared_slapd, PEOPLE_BASE=f"ou=somu-bu,ou=ward,{SUFFIX}")
    assert run_sync(full=True).ok
    assert log_in(client, "sato", "demo").status_code == 302
    assert log_in(Client(), "ito", "demo").status_code == 200  # 政策経営部: outside
