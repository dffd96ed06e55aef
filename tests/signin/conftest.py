import pytest
from django.test import Client

from tests.conftest import PASSWORD


@pytest.fixture
def signin_policy(settings):
    """``signin_policy("always", networks=[...], groups=[...])``"""

    def configure(required="off", *, networks=(), groups=(), proxies=()):
        settings.MFA_REQUIRED = required
        settings.INTERNAL_NETWORKS = list(networks)
        settings.MFA_REQUIRED_GROUPS = list(groups)
        settings.TRUSTED_PROXIES = list(proxies)

    configure()
    return configure


def password_login(person, address="10.1.2.3", **extra) -> Client:
    client = Client(REMOTE_ADDR=address, **extra)
    response = client.post(
        "/accounts/login/", {"username": person.username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return client
