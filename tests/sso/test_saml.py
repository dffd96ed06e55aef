"""Signing in through SAML 2.0 against the tests' own IdP (pysaml2, xmlsec1)."""

import html
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from saml2 import BINDING_HTTP_REDIRECT
from saml2.response import IncorrectlySigned
from saml2.samlp import STATUS_SUCCESS

from intranet.core.models import AuditEntry
from intranet.settings.environment import DEFAULT_SAML_MFA_CONTEXTS
from intranet.signin.models import OpenSession
from intranet.signin.session import MFA_VERIFIED, SIGNIN_METHOD
from intranet.sso.models import IdentityLink, SamlSession
from tests.support import saml_idp
from tests.support.programs import require_program
from tests.support.saml_idp import (
    MFA_CONTEXT,
    SLO_URL,
    SSO_URL,
    TestIdentityProvider,
    answer_logout,
    logout_request,
    make_key_pair,
    parsed_logout_request,
)

SATO = {"mail": ["sato@ward.example.jp"]}


@pytest.fixture
def idp(tmp_path, settings, client):
    require_program("xmlsec1")
    provider = TestIdentityProvider(tmp_path)
    sp_key, sp_cert = make_key_pair(tmp_path, "sp")
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
            "SP_KEY_FILE": str(sp_key),
            "SP_CERT_FILE": str(sp_cert),
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


def test_the_sp_metadata_names_the_acs_and_wants_signed_assertions(
    client, idp, settings
):
    xml = client.get(reverse("sso:saml-metadata")).content.decode()
    assert 'WantAssertionsSigned="true"' in xml
    assert 'AuthnRequestsSigned="true"' in xml
    assert "http://testserver/accounts/sso/saml/acs/" in xml
    assert 'entityID="http://testserver/accounts/sso/saml/metadata/"' in xml
    assert 'Location="http://testserver/accounts/sso/saml/sls/"' in xml
    # The certificate that signs our requests, as the IdP needs it.
    pem = Path(settings.SSO["SAML"]["SP_CERT_FILE"]).read_text()
    body = "".join(pem.strip().splitlines()[1:-1])
    assert 'use="signing"' in xml and 'use="encryption"' not in xml
    published = re.search(r"X509Certificate>([^<]+)<", xml).group(1)
    assert "".join(published.split()) == body


def test_authn_requests_are_signed_and_the_idp_refuses_them_otherwise(
    client, idp, office
):
    location = client.get(reverse("sso:saml-login"))["Location"]
    query = parse_qs(urlsplit(location).query)
    assert query["SigAlg"] == ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"]
    assert query["Signature"]
    idp.answer(location, subject="saml-0001", attributes=SATO)  # accepted

    unsigned = location.split("&SigAlg=")[0]
    with pytest.raises(IncorrectlySigned):
        idp.answer(unsigned, subject="saml-0001", attributes=SATO)
    altered = location.replace("RelayState=", "RelayState=x", 1)
    with pytest.raises(IncorrectlySigned):
        idp.answer(altered, subject="saml-0001", attributes=SATO)


def test_without_an_sp_key_the_request_goes_unsigned_and_is_refused(
    client, idp, office, settings
):
    settings.SSO = {
        **settings.SSO,
        "SAML": {**settings.SSO["SAML"], "SP_KEY_FILE": None, "SP_CERT_FILE": None},
    }
    location = client.get(reverse("sso:saml-login"))["Location"]
    assert "Signature=" not in location
    with pytest.raises(IncorrectlySigned):
        idp.answer(location, subject="saml-0001", attributes=SATO)


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
    for name in ("sso:saml-login", "sso:saml-metadata", "sso:saml-sls"):
        assert client.get(reverse(name)).status_code == 404
    assert client.post(reverse("sso:saml-acs")).status_code == 404


# --- Single Logout -----------------------------------------------------------------

SLS = "http://testserver/accounts/sso/saml/sls/"


def local(url: str) -> str:
    """The intranet's part of an address the IdP sends the browser to."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == SLS
    return f"{parts.path}?{parts.query}"


def saml_session(idp, office, subject="saml-0001"):
    client = Client()
    response = sign_in(client, idp, subject=subject)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(office.applicant.pk)
    return client


def signed_in(client) -> bool:
    return client.get(reverse("directory:people")).status_code == 200


def test_logging_out_ends_the_idp_session_too(idp, office):
    client = saml_session(idp, office)
    index = idp.session_index["saml-0001"]
    assert SamlSession.objects.get().session_index == index

    page = client.post(reverse("logout"))
    assert page.status_code == 200  # a page that goes on to the IdP
    assert not signed_in(client)
    assert not OpenSession.objects.exists() and not SamlSession.objects.exists()
    location = html.unescape(
        re.search(
            r'href="([^"]+)"', page.content.decode().split("provider-logout")[1]
        ).group(1)
    )
    assert location.startswith(f"{SLO_URL}?SAMLRequest=")
    request = parsed_logout_request(idp, location)  # its signature holds
    assert request.name_id.text == "saml-0001"
    assert [i.text for i in request.session_index] == [index]

    done = client.get(local(answer_logout(idp, location)), follow=True)
    assert "組織アカウントからもサインアウトしました。" in done.content.decode()


def test_an_idp_that_could_not_sign_out_is_said(idp, office):
    client = saml_session(idp, office)
    location = html.unescape(
        re.search(
            rf'href="({re.escape(SLO_URL)}[^"]+)"',
            client.post(reverse("logout")).content.decode(),
        ).group(1)
    )
    failed = client.get(local(answer_logout(idp, location, success=False)), follow=True)
    assert "サインアウトを確認できませんでした" in failed.content.decode()
    # An answer without its signature says nothing either.
    answer = answer_logout(idp, location)
    stripped = client.get(local(answer.split("&SigAlg=")[0]), follow=True)
    assert "サインアウトを確認できませんでした" in stripped.content.decode()


def test_the_idp_ends_the_session_it_names(idp, office, home_page):
    phone, pc = saml_session(idp, office), None
    phone_index = idp.session_index["saml-0001"]
    pc = saml_session(idp, office)
    colleague = Client()
    colleague.force_login(office.kakaricho)
    browser = Client()  # the IdP sends the person's browser, any browser

    response = browser.get(
        local(logout_request(idp, SLS, subject="saml-0001", session_index=phone_index))
    )
    assert response.status_code == 302
    answer = response["Location"]
    assert answer.startswith(f"{SLO_URL}?SAMLResponse=")
    query = {k: v[0] for k, v in parse_qs(urlsplit(answer).query).items()}
    assert query["RelayState"] == "idp-relay" and query["Signature"]
    parsed = idp.server.parse_logout_request_response(
        query["SAMLResponse"], BINDING_HTTP_REDIRECT
    )
    assert parsed.response.status.status_code.value == STATUS_SUCCESS

    assert not signed_in(phone)
    assert signed_in(pc) and signed_in(colleague)
    entry = AuditEntry.objects.get(action="signin.ended_by_idp")
    assert entry.target_id == str(office.applicant.pk)
    assert entry.details["sessions"] == 1

    # Without a SessionIndex: every session it opened for that NameID.
    browser.get(local(logout_request(idp, SLS, subject="saml-0001")))
    assert not signed_in(pc) and signed_in(colleague)
    assert not OpenSession.objects.filter(person=office.applicant).exists()


def test_the_idp_logout_in_the_same_browser_ends_it(idp, office):
    client = saml_session(idp, office)
    response = client.get(local(logout_request(idp, SLS, subject="saml-0001")))
    assert response["Location"].startswith(f"{SLO_URL}?SAMLResponse=")
    assert SESSION_KEY not in client.session
    assert not signed_in(client)


def test_an_unsigned_or_altered_or_foreign_logout_request_is_refused(
    idp, office, tmp_path, monkeypatch
):
    client = saml_session(idp, office)
    unsigned = logout_request(idp, SLS, subject="saml-0001", signed=False)
    assert "Signature=" not in unsigned
    signed = logout_request(idp, SLS, subject="saml-0001")
    altered = signed.replace("RelayState=idp-relay", "RelayState=elsewhere")
    (tmp_path / "impostor").mkdir()
    impostor = TestIdentityProvider(tmp_path / "impostor")  # same name, own key
    impostor.trust(client.get(reverse("sso:saml-metadata")).content.decode())
    foreign = logout_request(impostor, SLS, subject="saml-0001")
    monkeypatch.setattr(saml_idp, "ENTITY_ID", "http://127.0.0.1:8443/other-idp")
    (tmp_path / "other").mkdir()
    other = TestIdentityProvider(tmp_path / "other")  # an IdP the intranet never met
    other.trust(client.get(reverse("sso:saml-metadata")).content.decode())
    unknown = logout_request(other, SLS, subject="saml-0001")
    for location in (unsigned, altered, foreign, unknown, SLS + "?SAMLRequest=%%%"):
        response = client.get(local(location))
        assert response.status_code == 400
        assert "ログアウト要求を確認できませんでした" in response.content.decode()
        assert signed_in(client)
    assert not AuditEntry.objects.filter(action="signin.ended_by_idp").exists()


def test_a_replayed_logout_request_is_refused(idp, office):
    first = saml_session(idp, office)
    location = logout_request(idp, SLS, subject="saml-0001")
    assert Client().get(local(location)).status_code == 302
    assert not signed_in(first)
    second = saml_session(idp, office)
    assert Client().get(local(location)).status_code == 400
    assert signed_in(second)
