"""Signing in through the tests' own SAML IdP, in real Chromium: the IdP's page posts
the signed Response to the ACS from another origin, as Entra ID's would."""

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
