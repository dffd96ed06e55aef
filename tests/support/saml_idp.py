"""A SAML 2.0 identity provider for the tests, built on pysaml2's IdP side.

Its key and certificate are made here (``workflows.pki``, on ``cryptography``); its metadata goes to a file
the intranet reads (``SAML_IDP_METADATA_FILE``); once the intranet's SP metadata is
known (``trust``), it answers the intranet's AuthnRequests — only signed ones, by the
key whose certificate the SP metadata publishes — with Responses whose assertion is
signed by xmlsec1 — or not signed, or altered after signing, as a test asks.
"""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography.hazmat.primitives import serialization
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

from workflows import pki

ENTITY_ID = "http://127.0.0.1:8443/idp/metadata"
SSO_URL = "http://127.0.0.1:8443/idp/sso"
SLO_URL = "http://127.0.0.1:8443/idp/slo"
PASSWORD_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
MFA_CONTEXT = "http://schemas.microsoft.com/claims/multipleauthn"


def make_key_pair(directory: Path, name: str) -> tuple[Path, Path]:
    """A fresh RSA key and a self-signed certificate for it, as PEM files."""
    issued = pki.authority("テスト用IdP", name, years=1)
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(
        issued.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(issued.pem)
    return key_path, cert_path


class TestIdentityProvider:
    __test__ = False  # not a test class, whatever its name

    def __init__(self, directory: Path, *, sso_url: str = SSO_URL):
        self.directory = directory
        self.sso_url = sso_url
        self.slo_url = sso_url.rsplit("/", 1)[0] + "/slo"
        self.key_file, self.cert_file = make_key_pair(directory, "idp")
        self.metadata_file = directory / "idp-metadata.xml"
        self.metadata_file.write_text(
            create_metadata_string(None, config=self._config(None), valid=24).decode(),
            encoding="utf-8",
        )
        self.server: Server | None = None
        # The SessionIndex of each subject's latest assertion.
        self.session_index: dict[str, str] = {}
        # The NameIDs of the intranet's LogoutRequests answered, in order.
        self.signed_out: list[str] = []

    def _config(self, sp_metadata: Path | None) -> IdPConfig:
        config = IdPConfig()
        config.load(
            {
                "entityid": ENTITY_ID,
                "xmlsec_binary": shutil.which("xmlsec1"),
                "key_file": str(self.key_file),
                "cert_file": str(self.cert_file),
                "metadata": {"local": [str(sp_metadata)]} if sp_metadata else {},
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [
                                (self.sso_url, BINDING_HTTP_REDIRECT)
                            ],
                            "single_logout_service": [
                                (self.slo_url, BINDING_HTTP_REDIRECT)
                            ],
                        },
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                        "want_authn_requests_signed": True,
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": 15},
                                "name_form": NAME_FORMAT_URI,
                            }
                        },
                    }
                },
            }
        )
        return config

    def trust(self, sp_metadata_xml: str) -> None:
        """Know the intranet (its entity ID and ACS) from its SP metadata."""
        path = self.directory / "sp-metadata.xml"
        path.write_text(sp_metadata_xml, encoding="utf-8")
        self.server = Server(config=self._config(path))
        self.sp_entity_id = re.search(r'entityID="([^"]+)"', sp_metadata_xml).group(1)

    @staticmethod
    def _signature(query: dict[str, list[str]]) -> dict[str, str | None]:
        """The HTTP-Redirect binding's signature of a request (checked by pysaml2
        against the SP metadata's certificate), None where the query has none."""
        return {
            "relay_state": query.get("RelayState", [None])[0],
            "sigalg": query.get("SigAlg", [None])[0],
            "signature": query.get("Signature", [None])[0],
        }

    def answer(
        self,
        location: str,
        *,
        subject: str,
        attributes: dict[str, list[str]],
        context: str = PASSWORD_CONTEXT,
        signed: bool = True,
        alter=None,
    ) -> tuple[str, dict[str, str]]:
        """(ACS URL, form fields) answering the AuthnRequest in ``location``."""
        query = parse_qs(urlsplit(location).query)
        request = self.server.parse_authn_request(
            query["SAMLRequest"][0], BINDING_HTTP_REDIRECT, **self._signature(query)
        )
        args = self.server.response_args(request.message, [BINDING_HTTP_POST])
        response = self.server.create_authn_response(
            identity=attributes,
            userid=subject,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=subject),
            authn={"class_ref": context, "authn_auth": ENTITY_ID},
            sign_assertion=signed,
            sign_response=False,
            in_response_to=args["in_response_to"],
            destination=args["destination"],
            sp_entity_id=args["sp_entity_id"],
            name_id_policy=args["name_id_policy"],
        )
        xml = str(response)
        found = re.search(r'SessionIndex="([^"]+)"', xml)
        if found:
            self.session_index[subject] = found.group(1)
        if alter is not None:
            xml = alter(xml)
        fields = {
            "SAMLResponse": base64.b64encode(xml.encode()).decode(),
            "RelayState": query["RelayState"][0],
        }
        return args["destination"], fields


def _redirect_query(location: str) -> dict[str, str]:
    return {
        name: values[0] for name, values in parse_qs(urlsplit(location).query).items()
    }


def answer_logout(idp: TestIdentityProvider, location: str, *, success=True) -> str:
    """The address of the signed LogoutResponse to the intranet's LogoutRequest in
    ``location`` (its redirect signature is checked against the SP metadata first)."""
    from saml2.s_utils import status_message_factory, success_status_factory
    from saml2.samlp import STATUS_RESPONDER
    from saml2.xmldsig import SIG_RSA_SHA256

    query = _redirect_query(location)
    request = idp.server.parse_logout_request(
        query["SAMLRequest"],
        BINDING_HTTP_REDIRECT,
        relay_state=query.get("RelayState"),
        sigalg=query.get("SigAlg"),
        signature=query.get("Signature"),
    )
    idp.signed_out.append(request.message.name_id.text)
    status = (
        success_status_factory()
        if success
        else status_message_factory("logout failed", STATUS_RESPONDER)
    )
    response = idp.server.create_logout_response(
        request.message, [BINDING_HTTP_REDIRECT], status=status, sign=False
    )
    args = idp.server.response_args(request.message, [BINDING_HTTP_REDIRECT])
    info = idp.server.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(response),
        args["destination"],
        query.get("RelayState", ""),
        response=True,
        sign=True,
        sigalg=SIG_RSA_SHA256,
    )
    return dict(info["headers"])["Location"]


def parsed_logout_request(idp: TestIdentityProvider, location: str):
    """The intranet's LogoutRequest in ``location``, its redirect signature checked."""
    query = _redirect_query(location)
    return idp.server.parse_logout_request(
        query["SAMLRequest"],
        BINDING_HTTP_REDIRECT,
        relay_state=query.get("RelayState"),
        sigalg=query.get("SigAlg"),
        signature=query.get("Signature"),
    ).message


def logout_request(
    idp: TestIdentityProvider,
    sls_url: str,
    *,
    subject: str,
    session_index: str | None = None,
    signed: bool = True,
    relay_state: str = "idp-relay",
) -> str:
    """The address of a LogoutRequest from the IdP (a logout begun there) for the
    intranet's SLS, signed by the IdP's key unless ``signed`` is False."""
    from saml2.xmldsig import SIG_RSA_SHA256

    _id, request = idp.server.create_logout_request(
        sls_url,
        idp.sp_entity_id,
        name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=subject),
        session_indexes=[session_index] if session_index else None,
        sign=False,
    )
    info = idp.server.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(request),
        sls_url,
        relay_state,
        sign=signed,
        sigalg=SIG_RSA_SHA256,
    )
    return dict(info["headers"])["Location"]


def serve(idp: TestIdentityProvider, port: int, users: dict[str, dict]):
    """The IdP's sign-in page on 127.0.0.1:``port`` for a browser, in a thread.

    GET /idp/slo answers the intranet's LogoutRequest (a redirect back with the
    signed LogoutResponse). GET /idp/sso shows a form (type a user name of ``users``: its ``subject`` and
    ``attributes``); its POST answers with the page a real IdP sends, a form that
    posts the signed Response to the intranet's ACS (a button here: no script).
    Returns the HTTP server; ``shutdown()`` it when done.
    """
    import html
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qs as parse_form

    class Handler(BaseHTTPRequestHandler):
        def _page(self, body: str) -> None:
            content = (
                f"<!doctype html><html lang=ja><title>テストIdP</title>{body}</html>"
            )
            data = content.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path.startswith("/idp/slo?"):
                # The intranet's signed LogoutRequest: signed out here, answered.
                query = self.path.split("?", 1)[1]
                self.send_response(302)
                self.send_header(
                    "Location", answer_logout(idp, f"{idp.slo_url}?{query}")
                )
                self.end_headers()
                return
            self._page(
                '<form method="post"><label for="u">IdPのユーザー名</label>'
                '<input id="u" name="username"><button type="submit">サインイン</button>'
                "</form>"
            )

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_form(self.rfile.read(length).decode())
            user = users[form["username"][0]]
            acs, fields = idp.answer(
                f"{idp.sso_url}?{self.path.split('?', 1)[1]}", **user
            )
            hidden = "".join(
                f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
                for name, value in fields.items()
            )
            self._page(
                f'<form method="post" action="{html.escape(acs)}">{hidden}'
                '<button type="submit">続ける</button></form>'
            )

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
