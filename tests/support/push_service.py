"""A Web Push service of the tests' own on 127.0.0.1 (RFC 8030's push resource).

It accepts POSTs to ``/push/<token>``, keeps each request, and answers 201 — or the
status a test set for that token (404/410: the subscription is gone). ``Subscription``
is a browser's side: a P-256 key pair and an auth secret, able to decrypt what was
sent to it (aes128gcm, RFC 8291) and to check the VAPID token (RFC 8292).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Subscription:
    """A browser's push subscription: what it gives the server, and its secrets."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962,
                serialization.PublicFormat.UncompressedPoint,
            )
        )

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def decrypt(self, message: Received) -> dict:
        assert message.headers["content-encoding"] == "aes128gcm"
        plain = http_ece.decrypt(
            message.body,
            private_key=self.private_key,
            auth_secret=self.auth_secret,
            version="aes128gcm",
        )
        return json.loads(plain)


def verify_vapid(message: Received, *, audience: str) -> dict:
    """Check the ``Authorization: vapid t=<JWT>, k=<key>`` header; return the claims
    and the key. Raises (InvalidSignature, AssertionError) when anything is wrong."""
    scheme, _, params = message.headers["authorization"].partition(" ")
    assert scheme == "vapid"
    fields = dict(
        part.strip().split("=", 1) for part in params.split(",") if "=" in part
    )
    token, key = fields["t"], fields["k"]
    header_b64, claims_b64, signature_b64 = token.split(".")
    header = json.loads(b64url_decode(header_b64))
    assert header == {"typ": "JWT", "alg": "ES256"}
    public_key = ec.EllipticCurvePublicKey.from_encoded_point(
        ec.SECP256R1(), b64url_decode(key)
    )
    signature = b64url_decode(signature_b64)
    assert len(signature) == 64
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    public_key.verify(
        der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256())
    )
    claims = json.loads(b64url_decode(claims_b64))
    assert claims["aud"] == audience
    now = time.time()
    assert now < claims["exp"] <= now + 24 * 60 * 60
    assert claims["sub"].startswith(("mailto:", "https://"))
    return {"claims": claims, "key": key}


class PushService:
    def __init__(self):
        self.received: list[Received] = []
        self.status: dict[str, int] = {}
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                token = self.path.rsplit("/", 1)[-1]
                service.received.append(
                    Received(
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                    )
                )
                self.send_response(service.status.get(token, 201))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def subscription(self) -> Subscription:
        return Subscription(f"{self.origin}/push/{secrets.token_urlsafe(12)}")

    def token(self, subscription: Subscription) -> str:
        return subscription.endpoint.rsplit("/", 1)[-1]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
