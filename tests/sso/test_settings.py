"""Single sign-on settings from the environment (intranet/settings/environment.py)."""

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
