"""Who is led to the second factor, counted from the client address as the login
throttle counts it (X-Forwarded-For believed only from a trusted proxy)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from directory import roles
from intranet.signin import policy
from intranet.signin.session import MFA_VERIFIED, SIGNIN_METHOD
from tests.signin.conftest import password_login

pytestmark = pytest.mark.django_db

INSIDE = "10.1.2.3"
OUTSIDE = "203.0.113.7"
PROXY = "10.0.0.1"


def lands_on(client, path="/"):
    response = client.get(path)
    if response.status_code == 302:
        return response["Location"]
    return response.status_code


def test_off_signs_in_with_the_password_alone(signin_policy, applicant, home_page):
    client = password_login(applicant, OUTSIDE)
    assert lands_on(client) == 200
    assert client.session[SIGNIN_METHOD] == "password"
    assert client.session[MFA_VERIFIED] is False


def test_off_leaves_administrators_to_the_password(
    signin_policy, administrator, home_page
):
    assert lands_on(password_login(administrator, OUTSIDE)) == 200


def test_always_leads_a_person_without_factor_to_enrolment(
    signin_policy, applicant, home_page
):
    signin_policy("always", networks=["10.0.0.0/8"])
    client = password_login(applicant, INSIDE)
    assert lands_on(client) == "/signin/enrol/?next=%2F"
    assert lands_on(client, "/approvals/") == "/signin/enrol/?next=%2Fapprovals%2F"
    # Enrolment itself, logout and static files stay reachable: never locked out.
    assert client.get("/signin/enrol/").status_code == 200
    assert client.get("/signin/totp/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302


def test_a_person_with_a_factor_is_asked_for_it(signin_policy, applicant, home_page):
    from intranet.signin import services

    device = services.start_totp(person=applicant)
    device.confirmed = True
    device.save()
    signin_policy("always")
    assert lands_on(password_login(applicant, INSIDE)) == "/signin/verify/?next=%2F"


def test_verified_session_passes(signin_policy, applicant, home_page):
    signin_policy("always")
    client = password_login(applicant, INSIDE)
    session = client.session
    session[MFA_VERIFIED] = True
    session.save()
    assert lands_on(client) == 200


@pytest.mark.parametrize(
    ("remote", "forwarded", "required"),
    [
        (INSIDE, None, False),
        (OUTSIDE, None, True),
        # Through the office's reverse proxy: the client it names counts.
        (PROXY, OUTSIDE, True),
        (PROXY, INSIDE, False),
        (PROXY, f"{OUTSIDE}, {PROXY}", True),
        # Anyone else's X-Forwarded-For is not believed.
        (OUTSIDE, INSIDE, True),
    ],
)
def test_outside_counts_the_client_address(
    signin_policy, applicant, home_page, remote, forwarded, required
):
    signin_policy("outside", networks=["10.0.0.0/8"], proxies=[PROXY])
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    client = password_login(applicant, remote, **extra)
    expected = "/signin/enrol/?next=%2F" if required else 200
    assert lands_on(client) == expected


def test_outside_requires_administrators_inside_too(signin_policy, office, home_page):
    signin_policy("outside", networks=["10.0.0.0/8"])
    assert lands_on(password_login(office.admin, INSIDE)) == "/signin/enrol/?next=%2F"
    approvals_admin = office.kakaricho
    Group.objects.get(name=roles.APPROVAL_ADMINS).user_set.add(approvals_admin)
    assert (
        lands_on(password_login(approvals_admin, INSIDE)) == "/signin/enrol/?next=%2F"
    )
    assert lands_on(password_login(office.applicant, INSIDE)) == 200


def test_required_groups_hold_even_when_off(signin_policy, office, home_page):
    signin_policy("off", groups=[roles.AUDITORS])
    assert lands_on(password_login(office.auditor, INSIDE)) == "/signin/enrol/?next=%2F"
    assert lands_on(password_login(office.applicant, INSIDE)) == 200


def test_break_glass_account_always_needs_its_second_factor(
    signin_policy, settings, applicant, kakaricho, home_page
):
    """With the directory in use, a local password without a directory entry is the
    break-glass account: even with MFA_REQUIRED=off."""
    settings.LDAP = {**settings.LDAP, "URIS": ["ldap://127.0.0.1:1"]}
    kakaricho.ldap_dn = "uid=suzuki,ou=people,dc=ward,dc=example"
    kakaricho.save()
    assert policy.is_break_glass(applicant)
    assert not policy.is_break_glass(kakaricho)
    client = password_login(applicant, INSIDE)
    assert lands_on(client) == "/signin/enrol/?next=%2F"


def test_policy_adds_no_query_when_off(
    signin_policy, applicant, home_page, django_assert_num_queries
):
    from django.test import RequestFactory

    request = RequestFactory().get("/", REMOTE_ADDR=OUTSIDE)
    with django_assert_num_queries(0):
        assert policy.second_factor_required(applicant, request) is False


@pytest.mark.parametrize(
    ("required", "address", "administrator_too", "told"),
    [
        ("always", INSIDE, False, "庁内ポータルの利用には"),
        ("outside", OUTSIDE, False, "庁外から利用するときは"),
        ("outside", INSIDE, True, "管理者の権限をお持ちの方は"),
    ],
)
def test_the_enrolment_page_names_the_rule_that_asks(
    signin_policy,
    applicant,
    administrator,
    home_page,
    required,
    address,
    administrator_too,
    told,
):
    """The page says why a factor is asked for: not "from outside" to a person at
    her desk under ``always``."""
    signin_policy(required, networks=["10.0.0.0/8"])
    person = administrator if administrator_too else applicant
    page = password_login(person, address).get("/signin/enrol/").content.decode()
    assert told in page
    assert "次のどちらかを登録すると" in page
    for other in {
        "庁内ポータルの利用には",
        "庁外から利用するときは",
        "管理者の権限をお持ちの方は",
    } - {told}:
        assert other not in page


def test_the_enrolment_page_names_a_required_group(signin_policy, applicant, home_page):
    group = Group.objects.create(name="会計課")
    applicant.groups.add(group)
    signin_policy("off", groups=["会計課"])
    page = password_login(applicant).get("/signin/enrol/").content.decode()
    assert "あなたの所属するグループでは" in page
