"""Signing in through SAML 2.0 against the tests' own IdP (pysaml2, xmlsec1)."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from intranet.core.models import AuditEntry
from intranet.settings.environment import DEFAULT_SAML_MFA_CONTEXTS
from intranet.signin.session import MFA_VERIFIED, SIGNIN_METHOD
from intranet.sso.models import IdentityLink
from tests.support.programs import require_program
from tests.support.saml_idp import MFA_CONTEXT, SSO_URL, TestIdentityProvider

SATO = {"mail": ["sato@ward.example.jp"]}


@pytest.fixture
def idp(tmp_path, settings, client):
    require_program("xmlsec1")
    provider = TestIdentityProvider(tmp_path)
    settings.SSO = {
        "OIDC": None,
        "SAML": {
            "METADATA_URL": None,
            "METADATA_FILE": str(provider.metadata_file),
            "ENTITY_ID": None,
            "MATCH_ATTRIBUTE": "mail",
            "MATCH_FIELD": "email",
            "MFA_CONTEXTS": DEFAULT_SAML_MFA_CONTEXTS,
            "LABEL": None,
            "XMLSEC_BINARY": None,
        },
        "COUNTS_AS_MFA": False,
    }
    metadata = client.get(reverse("sso:saml-metadata"))
    assert metadata.status_code == 200
    provider.trust(metadata.content.decode())
    return provider


def sign_in(client, idp, next_url="", **answer):
    query = f"?next={next_url}" if next_url else ""
    response = client.get(reverse("sso:saml-login") + query)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{SSO_URL}?SAMLRequest=")
    answer.setdefault("subject", "saml-0001")
    answer.setdefault("attributes", SATO)
    acs, fields = idp.answer(response["Location"], **answer)
    assert acs == "http://testserver/accounts/sso/saml/acs/"
    return client.post(urlsplit(acs).path, fields)


def refused(client, response):
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert SESSION_KEY not in client.session
    return AuditEntry.objects.get(action="signin.refused").details


def test_the_sp_metadata_names_the_acs_and_wants_signed_assertions(client, idp):
    xml = client.get(reverse("sso:saml-metadata")).content.decode()
    assert 'WantAssertionsSigned="true"' in xml
    assert "http://testserver/accounts/sso/saml/acs/" in xml
    assert 'entityID="http://testserver/accounts/sso/saml/metadata/"' in xml


def test_a_signed_assertion_signs_the_person_in(client, idp, office):
    response = sign_in(client, idp, next_url="/people/")
    assert response.status_code == 302
    assert response["Location"] == "/people/"
    assert client.session[SESSION_KEY] == str(office.applicant.pk)
    assert client.session[SIGNIN_METHOD] == "saml"
    assert client.session[MFA_VERIFIED] is False
    link = IdentityLink.objects.get()
    assert (link.person, link.subject) == (office.applicant, "saml-0001")


def test_an_mfa_context_counts_as_the_second_factor(client, idp, office):
    sign_in(client, idp, context=MFA_CONTEXT)
    assert client.session[MFA_VERIFIED] is True


def test_an_unsigned_assertion_is_refused(client, idp, office):
    details = refused(client, sign_in(client, idp, signed=False))
    assert details["reason"] == "failed"
    assert "Signature missing for assertion" in details["detail"]


def test_an_altered_assertion_is_refused(client, idp, office):
    """Signed for sato, then changed to say admin: the signature no longer holds."""

    def to_admin(xml):
        assert "sato@ward.example.jp" in xml
        return xml.replace("sato@ward.example.jp", "admin@ward.example.jp")

    details = refused(client, sign_in(client, idp, alter=to_admin))
    assert details["reason"] == "failed"
    assert "Failed to verify signature" in details["detail"]


def test_a_replayed_response_is_refused(client, idp, office):
    response = client.get(reverse("sso:saml-login"))
    acs, fields = idp.answer(response["Location"], subject="saml-0001", attributes=SATO)
    client.post(urlsplit(acs).path, fields)
    assert client.session[SESSION_KEY] == str(office.applicant.pk)
    client.logout()
    details = refused(client, client.post(urlsplit(acs).path, fields))
    assert "replayed" in details["detail"]


def test_a_forged_relay_state_is_refused(client, idp, office):
    response = client.get(reverse("sso:saml-login"))
    acs, fields = idp.answer(response["Location"], subject="saml-0001", attributes=SATO)
    fields["RelayState"] = "forged"
    refused(client, client.post(urlsplit(acs).path, fields))


def test_garbage_is_refused_without_an_error(client, idp, office):
    response = client.post(
        reverse("sso:saml-acs"), {"SAMLResponse": "%%%", "RelayState": "x"}
    )
    refused(client, response)


def test_someone_unknown_to_the_directory_is_refused(
    client, idp, office, django_user_model
):
    people = django_user_model.objects.count()
    response = sign_in(
        client,
        idp,
        subject="saml-0009",
        attributes={"mail": ["newcomer@ward.example.jp"]},
    )
    assert refused(client, response)["reason"] == "unknown"
    page = client.get(reverse("login")).content.decode()
    assert "newcomer@ward.example.jp" in page
    assert django_user_model.objects.count() == people


def test_the_login_page_offers_saml(client, idp, office):
    page = client.get(reverse("login")).content.decode()
    assert 'data-testid="sso-saml"' in page
    assert "組織アカウント（SAML）でログイン" in page


def test_without_configuration_saml_is_not_there(client, office):
    for name in ("sso:saml-login", "sso:saml-metadata"):
        assert client.get(reverse(name)).status_code == 404
    assert client.post(reverse("sso:saml-acs")).status_code == 404
