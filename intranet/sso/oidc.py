"""OpenID Connect (authorization code flow with PKCE) through Authlib's Django client.

Authlib keeps ``state``, ``nonce`` and the PKCE verifier in the session, checks the
``state`` on return, and verifies the ``id_token``'s signature against the provider's
JWKS (fetched again when a new key id appears), its issuer, audience, expiry and nonce.
The provider's discovery document is read once per process.
"""

from __future__ import annotations

import requests
from authlib.integrations.django_client import OAuth, OAuthError
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from joserfc.errors import JoseError

from intranet.signin.session import SIGNIN_METHOD, SignInMethod

from .services import CANCELLED, FAILED, UNREACHABLE, Identity, SignInRefused

# The id_token of this session, for RP-initiated logout (``id_token_hint``).
ID_TOKEN = "sso_oidc_id_token"  # noqa: S105 - a session key, not a secret

# ``amr`` values (RFC 8176, and Entra ID's) that mean a second factor was checked.
MFA_AMR = {"mfa", "otp", "hwk", "swk", "fido", "sc", "ngcmfa", "wiaormfa", "sms"}

_clients: dict[tuple, object] = {}


def client():
    """The configured provider's Authlib client, or None when OIDC is not configured."""
    config = settings.SSO["OIDC"]
    if not config:
        return None
    key = tuple(sorted((name, str(value)) for name, value in config.items()))
    if key not in _clients:
        _clients[key] = OAuth().register(
            "oidc",
            client_id=config["CLIENT_ID"],
            client_secret=config["CLIENT_SECRET"],
            server_metadata_url=config["DISCOVERY_URL"],
            client_kwargs={
                "scope": config["SCOPES"],
                "code_challenge_method": "S256",
                "default_timeout": config["TIMEOUT"],
            },
        )
    return _clients[key]


def callback_url(request) -> str:
    return request.build_absolute_uri(reverse("sso:oidc-callback"))


def begin(request, provider):
    """The redirect to the provider's authorization endpoint."""
    try:
        return provider.authorize_redirect(request, callback_url(request))
    except (requests.RequestException, ValueError) as error:
        raise SignInRefused(UNREACHABLE, str(error)) from error


def complete(request, provider) -> tuple[Identity, str]:
    """The verified identity from the provider's answer, and its id_token."""
    error = request.GET.get("error")
    if error:
        reason = CANCELLED if error in {"access_denied", "login_required"} else FAILED
        raise SignInRefused(
            reason, f"{error}: {request.GET.get('error_description', '')}"
        )
    try:
        token = provider.authorize_access_token(request)
    except requests.RequestException as failure:
        raise SignInRefused(UNREACHABLE, str(failure)) from failure
    except (OAuthError, JoseError, ValueError, KeyError, TypeError) as failure:
        raise SignInRefused(FAILED, f"{type(failure).__name__}: {failure}") from failure
    claims = token.get("userinfo")
    if not claims:
        raise SignInRefused(FAILED, "no id_token in the token response")
    config = settings.SSO["OIDC"]
    amr = claims.get("amr") or []
    identity = Identity(
        method=SignInMethod.OIDC,
        issuer=str(claims["iss"]),
        subject=str(claims["sub"]),
        account=str(claims.get(config["MATCH_CLAIM"]) or "").strip(),
        mfa=bool(set(amr) & MFA_AMR),
        details={"amr": list(amr)[:10]},
    )
    return identity, token["id_token"]


def end_session_url(request) -> str | None:
    """The provider's logout address for this session (RP-initiated logout), or None
    when the session was not opened through OIDC or the provider offers none."""
    provider = client()
    id_token = request.session.get(ID_TOKEN)
    if provider is None or not id_token:
        return None
    if request.session.get(SIGNIN_METHOD) != SignInMethod.OIDC:
        return None
    try:
        endpoint = provider.load_server_metadata().get("end_session_endpoint")
    except (requests.RequestException, ValueError):
        return None
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.SSO["OIDC"]["CLIENT_ID"],
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
