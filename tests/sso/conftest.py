"""The tests' own identity providers, each in its own process on 127.0.0.1."""

import pytest

from tests.support.oidc_provider import start_oidc_provider

# The provider's accounts: who they are at the provider, and a quirk to make it answer
# badly. Their e-mail addresses are the office personas' (tests/conftest.py).
OIDC_USERS = {
    "sato": {"sub": "idp-0001", "email": "sato@ward.example.jp", "amr": ["pwd"]},
    "sato-mfa": {
        "sub": "idp-0001",
        "email": "sato@ward.example.jp",
        "amr": ["pwd", "mfa"],
    },
    "kobayashi": {"sub": "idp-0002", "email": "kobayashi@ward.example.jp"},
    "admin": {"sub": "idp-0003", "email": "admin@ward.example.jp"},
    "newcomer": {"sub": "idp-0004", "email": "newcomer@ward.example.jp"},
    "no-email": {"sub": "idp-0005"},
    "expired": {
        "sub": "idp-0001",
        "email": "sato@ward.example.jp",
        "quirk": "expired",
    },
    "tampered": {
        "sub": "idp-0006",
        "email": "kobayashi@ward.example.jp",
        "quirk": "tampered",
    },
    "foreign-key": {
        "sub": "idp-0001",
        "email": "sato@ward.example.jp",
        "quirk": "foreign_key",
    },
    "wrong-nonce": {
        "sub": "idp-0001",
        "email": "sato@ward.example.jp",
        "quirk": "wrong_nonce",
    },
    "wrong-audience": {
        "sub": "idp-0001",
        "email": "sato@ward.example.jp",
        "quirk": "wrong_audience",
    },
}


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    provider = start_oidc_provider(
        users=OIDC_USERS, log_dir=tmp_path_factory.mktemp("oidc")
    )
    yield provider
    provider.stop()


@pytest.fixture
def oidc_settings(settings, oidc_provider):
    """The intranet configured for the provider (this process's test client)."""
    settings.SSO = {
        "OIDC": oidc_provider.settings(),
        "SAML": None,
        "COUNTS_AS_MFA": False,
    }
    return settings
