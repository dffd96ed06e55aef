"""SAML 2.0 service provider through pysaml2 (signatures checked by xmlsec1).

The AuthnRequest goes out by HTTP-Redirect, signed with the intranet's own key (its
certificate is in the SP metadata); the identity provider posts its Response to
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
import logging
import secrets
import shutil
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.urls import reverse
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.cryptography.asymmetric import key_verify
from saml2.ident import code, decode
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_UNSPECIFIED
from saml2.samlp import STATUS_SUCCESS
from saml2.sigver import extract_rsa_key_from_x509_cert, pem_format
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256, SIG_RSA_SHA384, SIG_RSA_SHA512

from intranet.signin.session import SIGNIN_METHOD, SignInMethod

from .services import (
    FAILED,
    SAML_SESSION_NAMES,
    UNREACHABLE,
    Identity,
    SignInRefused,
)

logger = logging.getLogger(__name__)

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


def sls_url(request) -> str:
    return _base_url(request) + reverse("sso:saml-sls")


def signs(config: dict) -> bool:
    """Are this intranet's requests signed (a key and certificate are configured)?"""
    return bool(config.get("SP_KEY_FILE"))


def sp_config(request) -> SPConfig:
    """pysaml2's configuration for this intranet (the IdP's metadata read once)."""
    config = configured()
    key = (entity_id(request), acs_url(request), config["METADATA_URL"])
    key += (config["METADATA_FILE"], config.get("SP_KEY_FILE"))
    if key not in _configs:
        metadata = (
            {"local": [config["METADATA_FILE"]]}
            if config["METADATA_FILE"]
            else {"remote": [{"url": config["METADATA_URL"]}]}
        )
        keys = (
            {"key_file": config["SP_KEY_FILE"], "cert_file": config["SP_CERT_FILE"]}
            if signs(config)
            else {}
        )
        sp = SPConfig()
        try:
            sp.load(
                {
                    **keys,
                    "entityid": entity_id(request),
                    "xmlsec_binary": config["XMLSEC_BINARY"] or shutil.which("xmlsec1"),
                    "metadata": metadata,
                    "allow_unknown_attributes": True,
                    "signing_algorithm": SIG_RSA_SHA256,
                    "digest_algorithm": DIGEST_SHA256,
                    "service": {
                        "sp": {
                            "endpoints": {
                                "assertion_consumer_service": [
                                    (acs_url(request), BINDING_HTTP_POST)
                                ],
                                "single_logout_service": [
                                    (sls_url(request), BINDING_HTTP_REDIRECT)
                                ],
                            },
                            "want_assertions_signed": True,
                            "want_response_signed": False,
                            "want_assertions_or_response_signed": False,
                            "authn_requests_signed": signs(config),
                            "logout_requests_signed": signs(config),
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
            relay_state=relay,
            binding=BINDING_HTTP_REDIRECT,
            message_id=request_id,
            sign=signs(configured()),
            sigalg=SIG_RSA_SHA256,
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


def complete(request) -> tuple[Identity, str, dict]:
    """The verified identity from the IdP's Response, the page asked for, and the
    names the IdP gives the session (``session_names``)."""
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
    statements = response.assertion.authn_statement or []
    names = {
        "issuer": identity.issuer,
        "name_id": code(response.name_id),
        "session_index": (statements[0].session_index if statements else "") or "",
    }
    return identity, relay["next"], names


# --- Single Logout (HTTP-Redirect binding, every message signed) ------------------------

LOGOUT_SALT = "intranet.sso.saml.logout"
# Signature algorithms accepted on the IdP's redirect messages (no SHA-1).
REDIRECT_SIGNATURES = {
    SIG_RSA_SHA256: hashes.SHA256(),
    SIG_RSA_SHA384: hashes.SHA384(),
    SIG_RSA_SHA512: hashes.SHA512(),
}


class LogoutRefused(Exception):
    """An IdP's logout message that is not signed by it, or not well formed."""


def _idp_logout_location(client, issuer: str) -> str | None:
    services = client.metadata.single_logout_service(
        issuer, BINDING_HTTP_REDIRECT, "idpsso"
    )
    return next((service["location"] for service in services), None)


def logout_url(request) -> str | None:
    """The IdP's Single Logout address with a signed LogoutRequest for this session,
    or None when the session was not opened through SAML or the IdP offers no SLO."""
    config = configured()
    names = request.session.get(SAML_SESSION_NAMES)
    if config is None or not names:
        return None
    if request.session.get(SIGNIN_METHOD) != SignInMethod.SAML:
        return None
    try:
        client = Saml2Client(config=sp_config(request))
        destination = _idp_logout_location(client, names["issuer"])
        if not destination:
            return None
        request_id = f"id-{secrets.token_hex(20)}"
        _id, logout_request = client.create_logout_request(
            destination,
            names["issuer"],
            name_id=decode(names["name_id"]),
            session_indexes=[names["session_index"]]
            if names["session_index"]
            else None,
            message_id=request_id,
            sign=False,  # the redirect binding signs the query instead
        )
        info = client.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(logout_request),
            destination,
            signing.dumps({"id": request_id}, salt=LOGOUT_SALT),
            sign=signs(config),
            sigalg=SIG_RSA_SHA256,
        )
    except Exception:  # the IdP's metadata is gone: the local logout stands alone
        logger.warning("SAML logout request not made", exc_info=True)
        return None
    return dict(info["headers"])["Location"]


def _raw_query(request) -> dict[str, str]:
    """The query's parameters as they came (still URL-encoded): the redirect binding
    signs these octets, not a re-encoding of them."""
    found = {}
    for part in request.META.get("QUERY_STRING", "").split("&"):
        name, _sep, value = part.partition("=")
        found.setdefault(name, value)
    return found


def _check_redirect_signature(request, client, message: str, issuer: str) -> None:
    """Refuse unless the query is signed (SAML bindings 3.4.4.1) by a signing key the
    IdP ``issuer``'s metadata names."""
    raw = _raw_query(request)
    sigalg = request.GET.get("SigAlg", "")
    if "Signature" not in raw or sigalg not in REDIRECT_SIGNATURES:
        raise LogoutRefused(f"not signed (SigAlg {sigalg[:80]!r})")
    try:
        signature = base64.b64decode(request.GET["Signature"], validate=True)
    except (binascii.Error, ValueError) as error:
        raise LogoutRefused("Signature: not base64") from error
    signed = "&".join(
        f"{name}={raw[name]}"
        for name in (message, "RelayState", "SigAlg")
        if name in raw
    ).encode()
    try:
        certificates = client.metadata.certs(issuer, "idpsso", "signing")
    except Exception as error:  # an issuer the metadata does not know
        raise LogoutRefused(f"unknown issuer {issuer[:200]!r}") from error
    for _name, certificate in certificates:
        key = extract_rsa_key_from_x509_cert(pem_format(certificate))
        if key_verify(key, signature, signed, REDIRECT_SIGNATURES[sigalg]):
            return
    raise LogoutRefused(f"signature does not verify with {issuer!r}'s keys")


def logout_response(request) -> bool:
    """The IdP's answer to our LogoutRequest: True when it says the person is signed
    out there too. Raises LogoutRefused for a message not signed by the IdP or not an
    answer to a request of ours."""
    try:
        relay = signing.loads(
            request.GET.get("RelayState", ""), salt=LOGOUT_SALT, max_age=RELAY_MAX_AGE
        )
    except signing.BadSignature as error:
        raise LogoutRefused("RelayState: not ours or expired") from error
    client = Saml2Client(config=sp_config(request))
    try:
        response = client.parse_logout_request_response(
            request.GET.get("SAMLResponse", ""), BINDING_HTTP_REDIRECT
        )
    except Exception as error:  # pysaml2 signals each defect by its own exception
        raise LogoutRefused(f"{type(error).__name__}: {error}") from error
    if response is None:
        raise LogoutRefused("no LogoutResponse")
    _check_redirect_signature(request, client, "SAMLResponse", response.issuer())
    if response.in_response_to != relay["id"]:
        raise LogoutRefused("not an answer to our LogoutRequest")
    return response.response.status.status_code.value == STATUS_SUCCESS


@dataclass(frozen=True)
class IdpLogout:
    """A LogoutRequest from the IdP whose signature held: whom it names, and how to
    answer it (``answer(request)`` gives the address of the signed LogoutResponse)."""

    issuer: str
    name_id: str
    session_indexes: list[str]
    message: object

    def answer(self, request) -> str:
        client = Saml2Client(config=sp_config(request))
        response = client.create_logout_response(
            self.message, [BINDING_HTTP_REDIRECT], sign=False
        )
        args = client.response_args(self.message, [BINDING_HTTP_REDIRECT])
        info = client.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(response),
            args["destination"],
            request.GET.get("RelayState", ""),
            response=True,
            sign=signs(configured()),
            sigalg=SIG_RSA_SHA256,
        )
        return dict(info["headers"])["Location"]


def logout_request(request) -> IdpLogout:
    """The IdP's own LogoutRequest (a logout begun at the IdP or another service).
    Raises LogoutRefused unless it is signed by the IdP, for us, and new."""
    client = Saml2Client(config=sp_config(request))
    try:
        parsed = client.parse_logout_request(
            request.GET.get("SAMLRequest", ""), BINDING_HTTP_REDIRECT
        )
    except Exception as error:  # pysaml2 signals each defect by its own exception
        raise LogoutRefused(f"{type(error).__name__}: {error}") from error
    if parsed is None or parsed.message is None or parsed.message.name_id is None:
        raise LogoutRefused("no LogoutRequest naming a NameID")
    message = parsed.message
    issuer = message.issuer.text if message.issuer is not None else ""
    _check_redirect_signature(request, client, "SAMLRequest", issuer)
    if not cache.add(
        f"sso:saml:logout:{message.id}",
        True,
        timeout=int(datetime.timedelta(hours=1).total_seconds()),
    ):
        raise LogoutRefused("LogoutRequest replayed")
    return IdpLogout(
        issuer=issuer,
        name_id=message.name_id.text or "",
        session_indexes=[index.text for index in message.session_index or []],
        message=message,
    )
