"""Signing in through OpenID Connect against the tests' own provider (test client)."""

from urllib.parse import parse_qs, urlsplit

import requests
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from intranet.core.models import AuditEntry
from intranet.signin.models import OpenSession
from intranet.signin.session import MFA_VERIFIED, SIGNIN_METHOD
from intranet.sso.models import IdentityLink


def start(client, next_url=""):
    """The intranet's redirect to the provider, as the browser would follow it."""
    query = f"?next={next_url}" if next_url else ""
    response = client.get(reverse("sso:oidc-login") + query)
    assert response.status_code == 302
    return response["Location"]


def sign_in_at_provider(authorize_url, username, consent="yes"):
    """Type the user name into the provider's form; the provider's redirect back."""
    page = requests.get(authorize_url, timeout=10)
    assert page.status_code == 200, page.text
    answer = requests.post(
        authorize_url,
        data={"username": username, "consent": consent},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def come_back(client, callback_url):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client, username, next_url=""):
    return come_back(client, sign_in_at_provider(start(client, next_url), username))


def signed_in_as(client):
    return client.session.get(SESSION_KEY)


def refusal_detail():
    return AuditEntry.objects.get(action="signin.refused").details["detail"]


def login_page_message(client, response):
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    page = client.get(response["Location"])
    return page.content.decode()


def test_the_redirect_carries_state_nonce_and_pkce(client, oidc_settings, office):
    query = parse_qs(urlsplit(start(client)).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert "openid" in query["scope"][0].split()


def test_sign_in_matches_the_directory_person_and_links_the_subject(
    client, oidc_settings, office, home_page
):
    response = sign_in(client, "sato", next_url="/people/")
    assert response.status_code == 302
    assert response["Location"] == "/people/"
    assert signed_in_as(client) == str(office.applicant.pk)
    assert client.session[SIGNIN_METHOD] == "oidc"
    assert client.session[MFA_VERIFIED] is False
    assert OpenSession.objects.get(person=office.applicant).method == "oidc"
    link = IdentityLink.objects.get(subject="idp-0001")
    assert link.person == office.applicant
    assert AuditEntry.objects.filter(
        action="signin.succeeded", target_id=str(office.applicant.pk)
    ).exists()
    assert client.get("/").status_code == 200


def test_the_link_decides_once_made(client, oidc_settings, office):
    sign_in(client, "sato")
    # The directory changes her e-mail address: the provider's subject still finds her.
    office.applicant.email = "hanako.sato@ward.example.jp"
    office.applicant.save()
    client.logout()
    sign_in(client, "sato")
    assert signed_in_as(client) == str(office.applicant.pk)


def test_mfa_at_the_provider_counts_as_the_second_factor(client, oidc_settings, office):
    sign_in(client, "sato-mfa")
    assert client.session[MFA_VERIFIED] is True


def test_sso_counts_as_mfa_when_configured(client, oidc_settings, office):
    oidc_settings.SSO = {**oidc_settings.SSO, "COUNTS_AS_MFA": True}
    sign_in(client, "sato")
    assert client.session[MFA_VERIFIED] is True


def test_a_person_unknown_to_the_directory_is_refused_not_created(
    client, oidc_settings, office, django_user_model
):
    people = django_user_model.objects.count()
    response = sign_in(client, "newcomer")
    page = login_page_message(client, response)
    assert "newcomer@ward.example.jp" in page
    assert "職員名簿に見つかりません" in page
    assert signed_in_as(client) is None
    assert django_user_model.objects.count() == people
    assert not IdentityLink.objects.exists()
    refusal = AuditEntry.objects.get(action="signin.refused")
    assert refusal.details["reason"] == "unknown"


def test_an_inactive_person_is_refused(client, oidc_settings, office):
    office.stranger.is_active = False
    office.stranger.save()
    page = login_page_message(client, sign_in(client, "kobayashi"))
    assert "このアカウントは無効になっています" in page
    assert signed_in_as(client) is None


def test_a_missing_claim_is_refused(client, oidc_settings, office):
    page = login_page_message(client, sign_in(client, "no-email"))
    assert "職員を特定する情報（email）が届きませんでした" in page
    assert signed_in_as(client) is None


def test_a_tampered_id_token_is_refused(client, oidc_settings, office):
    # The payload was changed after signing to say kobayashi → admin.
    page = login_page_message(client, sign_in(client, "tampered"))
    assert "組織アカウントでのログインを確認できませんでした" in page
    assert signed_in_as(client) is None
    assert "BadSignatureError" in refusal_detail()


def test_an_id_token_signed_by_another_key_is_refused(client, oidc_settings, office):
    login_page_message(client, sign_in(client, "foreign-key"))
    assert signed_in_as(client) is None


def test_an_expired_id_token_is_refused(client, oidc_settings, office):
    login_page_message(client, sign_in(client, "expired"))
    assert signed_in_as(client) is None
    assert "exp" in refusal_detail()


def test_a_wrong_nonce_is_refused(client, oidc_settings, office):
    login_page_message(client, sign_in(client, "wrong-nonce"))
    assert signed_in_as(client) is None
    assert "nonce" in refusal_detail()


def test_a_token_for_another_audience_is_refused(client, oidc_settings, office):
    login_page_message(client, sign_in(client, "wrong-audience"))
    assert signed_in_as(client) is None


def test_a_wrong_state_is_refused(client, oidc_settings, office):
    callback = sign_in_at_provider(start(client), "sato")
    parts = urlsplit(callback)
    query = parse_qs(parts.query)
    forged = f"{parts.path}?code={query['code'][0]}&state=forged-state"
    page = login_page_message(client, client.get(forged))
    assert "組織アカウントでのログインを確認できませんでした" in page
    assert signed_in_as(client) is None


def test_an_answer_for_another_browser_is_refused(client, oidc_settings, office):
    """Login CSRF: a code and state sent to someone else's browser open nothing."""
    from django.test import Client

    callback = sign_in_at_provider(start(Client()), "sato")
    login_page_message(client, come_back(client, callback))
    assert signed_in_as(client) is None


def test_cancelling_at_the_provider_says_so(client, oidc_settings, office):
    callback = sign_in_at_provider(start(client), "sato", consent="no")
    page = login_page_message(client, come_back(client, callback))
    assert "組織アカウントでのログインは完了しませんでした" in page


def test_an_unreachable_provider_says_so(client, settings, office):
    settings.SSO = {
        "OIDC": {
            "DISCOVERY_URL": "http://127.0.0.1:9/.well-known/openid-configuration",
            "CLIENT_ID": "x",
            "CLIENT_SECRET": "y",
            "SCOPES": "openid",
            "MATCH_CLAIM": "email",
            "MATCH_FIELD": "email",
            "LABEL": None,
            "TIMEOUT": 2,
        },
        "SAML": None,
        "COUNTS_AS_MFA": False,
    }
    response = client.get(reverse("sso:oidc-login"))
    page = login_page_message(client, response)
    assert "認証サーバーに接続できません" in page


def test_logout_ends_the_session_here_and_at_the_provider(
    client, oidc_settings, oidc_provider, office
):
    sign_in(client, "sato")
    response = client.post(reverse("logout"))
    # A page of its own leads to the provider (the CSP's form-action stops a redirect).
    assert response.status_code == 200
    location = response.context["provider_logout"]
    assert f'content="0;url={location}"'.replace("&", "&amp;") in response.text
    assert location.startswith(f"{oidc_provider.url}/logout?")
    query = parse_qs(urlsplit(location).query)
    assert query["id_token_hint"][0].count(".") == 2
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]
    assert signed_in_as(client) is None


def test_password_logout_stays_local(client, oidc_settings, office):
    client.force_login(office.applicant)
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")


def test_the_login_page_offers_the_provider_above_the_password(
    client, oidc_settings, office
):
    page = client.get(reverse("login") + "?next=/people/").content.decode()
    assert "組織アカウントでログイン" in page
    assert page.index('data-testid="sso-oidc"') < page.index('name="password"')
    assert f"{reverse('sso:oidc-login')}?next=%2Fpeople%2F" in page


def test_without_configuration_there_is_no_button_and_no_flow(client, office):
    assert "sso-oidc" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("sso:oidc-login")).status_code == 404
    assert client.get(reverse("sso:oidc-callback")).status_code == 404


def test_with_mfa_required_the_provider_s_mfa_opens_the_intranet(
    client, oidc_settings, office, home_page
):
    oidc_settings.MFA_REQUIRED = "always"
    sign_in(client, "sato-mfa")
    assert client.get("/").status_code == 200


def test_with_mfa_required_a_password_only_provider_leads_to_a_factor(
    client, oidc_settings, office, home_page
):
    oidc_settings.MFA_REQUIRED = "always"
    sign_in(client, "sato")
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/")
