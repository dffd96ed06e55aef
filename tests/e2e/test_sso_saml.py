"""Signing in and out through the tests' own SAML IdP, in real Chromium: the IdP's page
posts the signed Response to the ACS from another origin, as Entra ID's would; logging
out goes to the IdP with a signed LogoutRequest and comes back with its answer."""

import urllib.request

import pytest

from tests.support.programs import require_program
from tests.support.saml_idp import TestIdentityProvider, serve
from tests.support.servers import free_port

pytestmark = pytest.mark.e2e

USERS = {
    "hanako": {
        "subject": "saml-0001",
        "attributes": {"mail": ["sato@ward.example.jp"]},
    },
}


@pytest.fixture
def saml_world(tmp_path, asgi_server, home_page):
    require_program("xmlsec1")
    port = free_port()
    idp = TestIdentityProvider(tmp_path, sso_url=f"http://127.0.0.1:{port}/idp/sso")
    intranet = asgi_server(env={"SAML_IDP_METADATA_FILE": str(idp.metadata_file)})
    metadata_url = f"{intranet.url}/accounts/sso/saml/metadata/"
    with urllib.request.urlopen(metadata_url, timeout=10) as response:  # noqa: S310
        idp.trust(response.read().decode())
    server = serve(idp, port, USERS)
    yield intranet, idp
    server.shutdown()


def test_sign_in_through_the_saml_idp(saml_world, new_page, applicant):
    intranet, idp = saml_world
    page = new_page("phone")
    page.goto(f"{intranet.url}/people/")
    page.get_by_test_id("sso-saml").click()
    page.wait_for_url(f"{idp.sso_url}?**")
    page.get_by_label("IdPのユーザー名").fill("hanako")
    page.get_by_role("button", name="サインイン").click()
    page.get_by_role("button", name="続ける").click()
    page.wait_for_url(f"{intranet.url}/people/")
    page.goto(f"{intranet.url}/")
    assert "佐藤 花子 さん" in page.get_by_test_id("home-greeting").inner_text()


def test_logging_out_signs_out_at_the_idp_too(saml_world, new_page, applicant):
    intranet, idp = saml_world
    page = new_page("phone")
    page.goto(f"{intranet.url}/accounts/sso/saml/login/")
    page.get_by_label("IdPのユーザー名").fill("hanako")
    page.get_by_role("button", name="サインイン").click()
    page.get_by_role("button", name="続ける").click()
    page.wait_for_url(f"{intranet.url}/")
    page.get_by_test_id("user-menu").locator("summary").click()
    page.get_by_test_id("logout").click()
    # Our page, the IdP's SLO (it checks the request's signature), our SLS, login.
    page.wait_for_url(f"{intranet.url}/accounts/login/")
    assert "組織アカウントからもサインアウトしました。" in page.content()
    assert idp.signed_out == ["saml-0001"]
    page.goto(f"{intranet.url}/people/")
    assert page.url.startswith(f"{intranet.url}/accounts/login/")
