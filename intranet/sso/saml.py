"""SAML 2.0 service provider through pysaml2 (signatures checked by xmlsec1).

The AuthnRequest goes out by HTTP-Redirect; the identity provider posts its Response to
the ACS. Only responses whose *assertion* is signed by the IdP's certificate (from its
metadata) are accepted (``want_assertions_signed``); an unsigned or altered assertion,
one for another audience or destination, an expired one, or an answer to a request this
intranet did not make is refused.

The IdP posts from its own site, so the session cookie (SameSite=Lax) does not come
with it: the request's ID travels in a signed, short-lived ``RelayState`` instead of the
session, and each assertion is accepted once (its ID is remembered in the cache until
it expires).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import secrets
import shutil

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.urls import reverse
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_UNSPECIFIED

from intranet.signin.session import SignInMethod

from .services import FAILED, UNREACHABLE, Identity, SignInRefused

RELAY_SALT = "intranet.sso.saml.relay"
RELAY_MAX_AGE = 10 * 60

_configs: dict[tuple, SPConfig] = {}


def configured() -> dict | None:
    return settings.SSO["SAML"]


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def entity_id(request) -> str:
    config = configured()
    return config["ENTITY_ID"] or _base_url(request) + reverse("sso:saml-metadata")


def acs_url(request) -> str:
    return _base_url(request) + reverse("sso:saml-acs")


def sp_config(request) -> SPConfig:
    """pysaml2's configuration for this intranet (the IdP's metadata read once)."""
    config = configured()
    key = (entity_id(request), acs_url(request), config["METADATA_URL"])
    key += (config["METADATA_FILE"],)
    if key not in _configs:
        metadata = (
            {"local": [config["METADATA_FILE"]]}
            if config["METADATA_FILE"]
            else {"remote": [{"url": config["METADATA_URL"]}]}
        )
        sp = SPConfig()
        try:
            sp.load(
                {
                    "entityid": entity_id(request),
                    "xmlsec_binary": config["XMLSEC_BINARY"] or shutil.which("xmlsec1"),
                    "metadata": metadata,
                    "allow_unknown_attributes": True,
                    "service": {
                        "sp": {
                            "endpoints": {
                                "assertion_consumer_service": [
                                    (acs_url(request), BINDING_HTTP_POST)
                                ]
                            },
                            "want_assertions_signed": True,
                            "want_response_signed": False,
                            "want_assertions_or_response_signed": False,
                            "authn_requests_signed": False,
                            "allow_unsolicited": False,
                            "name_id_format": NAMEID_FORMAT_UNSPECIFIED,
                        }
                    },
                }
            )
        except Exception as error:  # pysaml2 raises many kinds for unreadable metadata
            raise SignInRefused(UNREACHABLE, f"IdP metadata: {error}") from error
        _configs[key] = sp
    return _configs[key]


def metadata_xml(request) -> str:
    """This service provider's metadata, for registering it with the IdP."""
    xml = create_metadata_string(None, config=sp_config(request), valid=24 * 365)
    return xml.decode() if isinstance(xml, bytes) else xml


def begin(request, next_url: str) -> str:
    """The address of the IdP's sign-in page with our AuthnRequest."""
    client = Saml2Client(config=sp_config(request))
    request_id = f"id-{secrets.token_hex(20)}"
    relay = signing.dumps({"id": request_id, "next": next_url}, salt=RELAY_SALT)
    try:
        _request_id, info = client.prepare_for_authenticate(
            relay_state=relay, binding=BINDING_HTTP_REDIRECT, message_id=request_id
        )
    except Exception as error:  # no IdP or no redirect binding in its metadata
        raise SignInRefused(UNREACHABLE, f"AuthnRequest: {error}") from error
    return dict(info["headers"])["Location"]


def _attributes(response) -> dict[str, list[str]]:
    """Every attribute by its name, its friendly name and pysaml2's name for it."""
    found: dict[str, list[str]] = {}
    for statement in response.assertion.attribute_statement or []:
        for attribute in statement.attribute:
            values = [value.text or "" for value in attribute.attribute_value]
            for name in (attribute.name, attribute.friendly_name):
                if name:
                    found.setdefault(name, values)
    for name, values in (response.ava or {}).items():
        found.setdefault(name, [str(value) for value in values])
    return found


def complete(request) -> tuple[Identity, str]:
    """The verified identity from the IdP's Response, and the page asked for."""
    encoded = request.POST.get("SAMLResponse", "")
    try:
        relay = signing.loads(
            request.POST.get("RelayState", ""), salt=RELAY_SALT, max_age=RELAY_MAX_AGE
        )
    except signing.BadSignature as error:
        raise SignInRefused(FAILED, "RelayState: not ours or expired") from error
    try:
        base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise SignInRefused(FAILED, "SAMLResponse: not base64") from error
    client = Saml2Client(config=sp_config(request))
    try:
        response = client.parse_authn_request_response(
            encoded, BINDING_HTTP_POST, outstanding={relay["id"]: relay["next"]}
        )
    except Exception as error:  # pysaml2 signals each defect by its own exception
        raise SignInRefused(FAILED, f"{type(error).__name__}: {error}") from error
    if response is None or response.assertion is None:
        raise SignInRefused(FAILED, "no assertion")
    if not response.assertion.signature:
        raise SignInRefused(FAILED, "assertion not signed")
    # Each assertion opens one session, once: remembered until it expires.
    if not cache.add(
        f"sso:saml:assertion:{response.assertion.id}",
        True,
        timeout=int(datetime.timedelta(hours=1).total_seconds()),
    ):
        raise SignInRefused(FAILED, "assertion replayed")
    config = configured()
    values = _attributes(response).get(config["MATCH_ATTRIBUTE"]) or [""]
    contexts = {ref for ref, *_rest in response.authn_info()}
    identity = Identity(
        method=SignInMethod.SAML,
        issuer=str(response.issuer()),
        subject=response.name_id.text if response.name_id is not None else "",
        account=values[0].strip(),
        mfa=bool(contexts & set(config["MFA_CONTEXTS"])),
        details={"authn_context": sorted(contexts)[:5]},
    )
    if not identity.subject:
        raise SignInRefused(FAILED, "no NameID")
    return identity, relay["next"]
