"""Certificates made by the test itself, a TSA and a CRL server of its own on 127.0.0.1,
an NSS database for poppler's pdfsig, and the environment production settings need.

    pki = make_pki(tmp_path)                       # CA, ward certificate, TSA certificate
    with local_tsa(pki) as url: …                  # RFC 3161 over HTTP, and /ca.crl
    env = production_signing_env(tmp_path)         # for tests that load production settings
"""

from __future__ import annotations

import contextlib
import subprocess
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.timestamps import DummyTimeStamper

from workflows import pki as ca_tools

PASSWORD = "test-signing-pass"


@dataclass
class Pki:
    folder: Path
    ca: ca_tools.Issued
    ward: ca_tools.Issued
    tsa: ca_tools.Issued
    ca_pem: Path
    pkcs12: Path
    password_file: Path

    def settings(self, *, tsa_url: str | None = None) -> dict:
        """APPROVAL_SIGNING for django's ``settings`` fixture."""
        return {
            "PKCS12": str(self.pkcs12),
            "PASSWORD": PASSWORD,
            "TRUST_ROOTS": [str(self.ca_pem)],
            "LOCATION": "千代田区役所",
            "TSA_URL": tsa_url,
            "TSA_TIMEOUT": 10,
        }


def make_pki(
    folder: Path,
    *,
    organisation: str = "千代田区",
    crl_url: str | None = None,
    ca: ca_tools.Issued | None = None,
) -> Pki:
    folder.mkdir(parents=True, exist_ok=True)
    ca = ca or ca_tools.authority(organisation, f"{organisation} 試験用認証局")
    ward = ca_tools.issue(ca, organisation, f"{organisation}長", crl_url=crl_url)
    tsa = ca_tools.issue(ca, organisation, "試験用タイムスタンプ局", timestamping=True)
    ca_pem = folder / "ca.pem"
    ca_pem.write_bytes(ca.pem)
    pkcs12 = folder / "ward.p12"
    pkcs12.write_bytes(ca_tools.pkcs12_bytes(ward, ca, PASSWORD))
    password_file = folder / "ward.password"
    password_file.write_text(PASSWORD, encoding="utf-8")
    return Pki(folder, ca, ward, tsa, ca_pem, pkcs12, password_file)


def _asn1_certificate(issued: ca_tools.Issued) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(
        issued.certificate.public_bytes(serialization.Encoding.DER)
    )


@contextlib.contextmanager
def local_tsa(pki: Pki):
    """An RFC 3161 TSA (POST /) and the CA's CRL (GET /ca.crl) on 127.0.0.1; yields
    the base URL. The TSA is pyHanko's test time stamper behind real HTTP."""
    stamper = DummyTimeStamper(
        tsa_cert=_asn1_certificate(pki.tsa),
        tsa_key=keys.PrivateKeyInfo.load(
            pki.tsa.key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        certs_to_embed=[_asn1_certificate(pki.ca)],
    )
    revocations = ca_tools.crl(pki.ca)
    served = {"requests": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            served["requests"] += 1
            self._send(reply, "application/timestamp-reply")

        def do_GET(self):
            if self.path != "/ca.crl":
                self.send_error(404)
                return
            self._send(revocations, "application/pkix-crl")

        def _send(self, content: bytes, content_type: str):
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        yield TsaEndpoint(url=url + "/", crl_url=url + "/ca.crl", served=served)
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class TsaEndpoint:
    url: str
    crl_url: str
    served: dict


def nss_database(folder: Path, ca_pem: Path) -> str:
    """An NSS database trusting ``ca_pem``, for ``pdfsig -nssdir``."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"], check=True
    )
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            f"sql:{folder}",
            "-n",
            "ward-test-ca",
            "-t",
            "CT,C,C",
            "-i",
            str(ca_pem),
        ],
        check=True,
    )
    return f"sql:{folder}"


def production_signing_env(tmp_path: Path) -> dict:
    """The signing variables production settings require, with certificates made
    here (not デモ用). TSA_URL names a port nothing listens on: settings and checks
    never contact it."""
    made = make_pki(tmp_path / "production-pki")
    return {
        "APPROVAL_SIGNING_PKCS12": str(made.pkcs12),
        "APPROVAL_SIGNING_PASSWORD_FILE": str(made.password_file),
        "APPROVAL_SIGNING_TRUST_ROOTS": str(made.ca_pem),
        "TSA_URL": "http://127.0.0.1:9/",
    }
