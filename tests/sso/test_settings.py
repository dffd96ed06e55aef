"""Single sign-on settings from the environment (intranet/settings/environment.py)."""

from pathlib import Path

import pytest

from intranet.settings import environment as env


def test_nothing_set_means_no_single_sign_on(monkeypatch):
    for name in (
        "OIDC_DISCOVERY_URL",
        "SAML_IDP_METADATA_URL",
        "SAML_IDP_METADATA_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    assert env.single_sign_on() == {"OIDC": None, "SAML": None, "COUNTS_AS_MFA": False}


def test_oidc_needs_its_client(monkeypatch):
    monkeypatch.setenv("OIDC_DISCOVERY_URL", "https://idp.example.jp/.well-known/x")
    monkeypatch.delenv("OIDC_CLIENT_ID", raising=False)
    with pytest.raises(env.ConfigurationError, match="OIDC_CLIENT_ID must be set"):
        env.single_sign_on()


def test_oidc_refuses_plain_http_off_this_machine(monkeypatch):
    monkeypatch.setenv("OIDC_DISCOVERY_URL", "http://idp.example.jp/.well-known/x")
    with pytest.raises(env.ConfigurationError, match="must be an https://"):
        env.single_sign_on()


@pytest.mark.parametrize(
    ("claim", "field"),
    [
        ("email", "email"),
        ("upn", "email"),
        ("employeeid", "employee_number"),
        ("employeeNumber", "employee_number"),
        ("samaccountname", "username"),
    ],
)
def test_the_match_field_follows_the_claim(monkeypatch, claim, field):
    monkeypatch.setenv("OIDC_DISCOVERY_URL", "https://idp.example.jp/.well-known/x")
    monkeypatch.setenv("OIDC_CLIENT_ID", "intranet")
    monkeypatch.setenv("OIDC_CLIENT_SECRET", "s")
    monkeypatch.setenv("OIDC_MATCH_CLAIM", claim)
    monkeypatch.delenv("OIDC_MATCH_FIELD", raising=False)
    assert env.single_sign_on()["OIDC"]["MATCH_FIELD"] == field


def test_a_wrong_match_field_stops_start_up(monkeypatch):
    monkeypatch.setenv("OIDC_DISCOVERY_URL", "https://idp.example.jp/.well-known/x")
    monkeypatch.setenv("OIDC_CLIENT_ID", "intranet")
    monkeypatch.setenv("OIDC_CLIENT_SECRET", "s")
    monkeypatch.setenv("OIDC_MATCH_FIELD", "phone")
    with pytest.raises(env.ConfigurationError, match="OIDC_MATCH_FIELD"):
        env.single_sign_on()


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost.example.jp/.well-known/openid-configuration",
        "http://127.0.0.1.example.jp/.well-known/openid-configuration",
        "ftp://idp.example.jp/x",
        "https:///no-host",
    ],
)
def test_only_this_machine_may_be_plain_http(monkeypatch, url):
    monkeypatch.setenv("OIDC_DISCOVERY_URL", url)
    with pytest.raises(env.ConfigurationError, match="must be an https://"):
        env.single_sign_on()


def test_a_provider_on_this_machine_may_be_plain_http(monkeypatch):
    monkeypatch.setenv("OIDC_DISCOVERY_URL", "http://127.0.0.1:9000/.well-known/x")
    monkeypatch.setenv("OIDC_CLIENT_ID", "intranet")
    monkeypatch.setenv("OIDC_CLIENT_SECRET", "s")
    assert env.single_sign_on()["OIDC"]["DISCOVERY_URL"].startswith("http://127.0.0.1")


def test_saml_metadata_file_must_exist(monkeypatch, tmp_path):
    monkeypatch.delenv("OIDC_DISCOVERY_URL", raising=False)
    monkeypatch.setenv("SAML_IDP_METADATA_FILE", str(tmp_path / "missing.xml"))
    with pytest.raises(env.ConfigurationError, match="SAML_IDP_METADATA_FILE"):
        env.single_sign_on()


def test_saml_matches_entra_s_email_attribute_by_its_uri(monkeypatch, tmp_path):
    metadata = tmp_path / "idp.xml"
    metadata.write_text("<EntityDescriptor/>", encoding="utf-8")
    monkeypatch.delenv("OIDC_DISCOVERY_URL", raising=False)
    monkeypatch.setenv("SAML_IDP_METADATA_FILE", str(metadata))
    monkeypatch.setenv(
        "SAML_MATCH_ATTRIBUTE",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    )
    monkeypatch.delenv("SAML_MATCH_FIELD", raising=False)
    saml = env.single_sign_on()["SAML"]
    assert saml["MATCH_FIELD"] == "email"
    assert "http://schemas.microsoft.com/claims/multipleauthn" in saml["MFA_CONTEXTS"]


def _saml_metadata(monkeypatch, tmp_path):
    metadata = tmp_path / "idp.xml"
    metadata.write_text("<EntityDescriptor/>", encoding="utf-8")
    monkeypatch.delenv("OIDC_DISCOVERY_URL", raising=False)
    monkeypatch.delenv("SAML_IDP_METADATA_URL", raising=False)
    monkeypatch.setenv("SAML_IDP_METADATA_FILE", str(metadata))


def test_the_sp_key_and_certificate_come_together(monkeypatch, tmp_path):
    _saml_metadata(monkeypatch, tmp_path)
    monkeypatch.setenv("SAML_SP_KEY_FILE", str(tmp_path / "idp.xml"))
    monkeypatch.delenv("SAML_SP_CERT_FILE", raising=False)
    with pytest.raises(env.ConfigurationError, match="must be set together"):
        env.single_sign_on()
    monkeypatch.setenv("SAML_SP_CERT_FILE", str(tmp_path / "missing.crt"))
    with pytest.raises(env.ConfigurationError, match="SAML_SP_CERT_FILE"):
        env.single_sign_on()


def test_production_needs_the_ward_s_own_sp_key(monkeypatch, tmp_path):
    _saml_metadata(monkeypatch, tmp_path)
    monkeypatch.delenv("SAML_SP_KEY_FILE", raising=False)
    monkeypatch.delenv("SAML_SP_CERT_FILE", raising=False)
    sso = env.single_sign_on()
    with pytest.raises(env.ConfigurationError, match="SAML_SP_KEY_FILE"):
        env.require_saml_sp_key(sso)


def test_development_makes_an_sp_key_once(monkeypatch, tmp_path):
    _saml_metadata(monkeypatch, tmp_path)
    monkeypatch.delenv("SAML_SP_KEY_FILE", raising=False)
    monkeypatch.delenv("SAML_SP_CERT_FILE", raising=False)
    sso = env.with_generated_saml_sp_key(env.single_sign_on(), tmp_path / "var")
    key = Path(sso["SAML"]["SP_KEY_FILE"])
    assert key.read_text().startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert key.stat().st_mode & 0o077 == 0
    again = env.with_generated_saml_sp_key(env.single_sign_on(), tmp_path / "var")
    assert again == sso
    assert key.read_bytes() == Path(again["SAML"]["SP_KEY_FILE"]).read_bytes()
    env.require_saml_sp_key({"OIDC": None, "SAML": None})  # no SAML: nothing needed
