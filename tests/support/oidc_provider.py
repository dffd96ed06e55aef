"""A small OpenID Connect provider for the tests, built on Authlib's server side.

It runs in its own process on 127.0.0.1 (``start_oidc_provider``), with its own RSA
signing key, a discovery document, a JWKS, an authorization endpoint (a sign-in form:
type a user name of ``users``), a token endpoint (authorization code with PKCE, the
``id_token`` signed RS256) and an end-session endpoint (RP-initiated logout).

Each user of the configuration may carry a ``quirk`` so that tests can see the
intranet refuse a bad answer: ``expired`` (an id_token past its expiry),
``tampered`` (the payload changed after signing), ``foreign_key`` (signed by a key
that is not in the JWKS), ``wrong_nonce``, ``wrong_audience``.

    python -m tests.support.oidc_provider CONFIG.json
"""

from __future__ import annotations

import base64
import html
import json
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

CLIENT_ID = "intranet-test"
CLIENT_SECRET = "intranet-test-secret"


@dataclass
class Provider:
    """A running provider process and what tests need to point the intranet at it."""

    url: str
    process: subprocess.Popen
    log_path: Path

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def settings(self, **overrides) -> dict:
        """The SSO["OIDC"] setting for this provider (test-client tests)."""
        return {
            "DISCOVERY_URL": self.discovery_url,
            "CLIENT_ID": CLIENT_ID,
            "CLIENT_SECRET": CLIENT_SECRET,
            "SCOPES": "openid email profile",
            "MATCH_CLAIM": "email",
            "MATCH_FIELD": "email",
            "LABEL": None,
            "TIMEOUT": 10,
            **overrides,
        }

    def environment(self) -> dict[str, str]:
        """The environment variables for an intranet server process."""
        return {
            "OIDC_DISCOVERY_URL": self.discovery_url,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_MATCH_CLAIM": "email",
        }

    def logouts(self) -> list[dict]:
        with urllib.request.urlopen(f"{self.url}/_logouts", timeout=5) as response:  # noqa: S310
            return json.load(response)

    def stop(self) -> None:
        from tests.support.servers import stop_process

        stop_process(self.process)


def start_oidc_provider(*, users: dict, log_dir: Path) -> Provider:
    """Start the provider on a free port; ``users`` maps a user name to its claims
    (``sub``, ``email``, ``employee_number``, ``amr`` …) and an optional ``quirk``."""
    from tests.support.servers import ROOT, free_port

    port = free_port()
    config = log_dir / f"oidc-{port}.json"
    config.write_text(json.dumps({"port": port, "users": users}), encoding="utf-8")
    log_path = log_dir / f"oidc-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.oidc_provider", str(config)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    provider = Provider(f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"OIDC provider exited:\n{log_path.read_text()}")
        with (
            suppress(OSError),
            urllib.request.urlopen(provider.discovery_url, timeout=2) as response,  # noqa: S310
        ):
            if response.status == 200:
                return provider
        time.sleep(0.1)
    provider.stop()
    raise RuntimeError(f"OIDC provider did not start:\n{log_path.read_text()}")


# --- the provider process ---------------------------------------------------------------


@dataclass
class Client:
    """The one registered client: the intranet (confidential, code flow only)."""

    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        allowed = {"openid", "email", "profile"}
        return " ".join(s for s in (scope or "").split() if s in allowed)

    def check_redirect_uri(self, redirect_uri):
        # The intranet's servers on 127.0.0.1, and the Django test client's.
        return redirect_uri.startswith(
            ("http://127.0.0.1:", "http://testserver/")
        ) and redirect_uri.endswith("/accounts/sso/oidc/callback/")

    def check_client_secret(self, client_secret):
        return client_secret == self.client_secret

    def check_endpoint_auth_method(self, method, endpoint):
        return method in {"client_secret_basic", "client_secret_post"}

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class User:
    username: str
    claims: dict
    quirk: str = ""


@dataclass
class Code:
    code: str
    user: User
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return None

    def get_amr(self):
        return self.user.claims.get("amr")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def build_application(config: dict):
    """The provider as a WSGI application (Django with a few views, no database)."""
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="oidc-provider-test-only",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        USE_TZ=True,
    )
    django.setup()

    from authlib.integrations.django_oauth2 import AuthorizationServer
    from authlib.oauth2.rfc6749 import grants
    from authlib.oauth2.rfc7636 import CodeChallenge
    from authlib.oidc.core import UserInfo
    from authlib.oidc.core.grants import OpenIDCode
    from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
    from django.urls import path
    from joserfc import jwt
    from joserfc.jwk import RSAKey

    key = RSAKey.generate_key(2048, parameters={"kid": "test-key-1", "use": "sig"})
    stranger_key = RSAKey.generate_key(2048, parameters={"kid": "test-key-1"})
    issuer = f"http://127.0.0.1:{config['port']}"
    users = {
        name: User(name, claims, claims.pop("quirk", ""))
        for name, claims in config["users"].items()
    }
    codes: dict[str, Code] = {}
    logouts: list[dict] = []
    lock = threading.Lock()

    class Grant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

        def save_authorization_code(self, code, request):
            payload = request.payload.data
            with lock:
                codes[code] = Code(
                    code=code,
                    user=request.user,
                    redirect_uri=request.payload.redirect_uri,
                    scope=request.scope,
                    nonce=payload.get("nonce"),
                    code_challenge=payload.get("code_challenge"),
                    code_challenge_method=payload.get("code_challenge_method"),
                )

        def query_authorization_code(self, code, client):
            return codes.get(code)

        def delete_authorization_code(self, authorization_code):
            with lock:
                codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code):
            return authorization_code.user

    class IdToken(OpenIDCode):
        def resolve_client_private_key(self, client):
            return key

        def get_client_claims(self, client):
            now = int(time.time())
            return {"iss": issuer, "aud": [CLIENT_ID], "iat": now, "exp": now + 300}

        def exists_nonce(self, nonce, request):
            return any(code.nonce == nonce for code in codes.values())

        def generate_user_info(self, user, scope):
            claims = {k: v for k, v in user.claims.items() if k != "amr"}
            return UserInfo(sub=claims.pop("sub", user.username), **claims)

        def get_authorization_code_claims(self, authorization_code):
            claims = super().get_authorization_code_claims(authorization_code)
            quirk = authorization_code.user.quirk
            now = int(time.time())
            if quirk == "expired":
                claims.update(iat=now - 7200, exp=now - 3600)
            elif quirk == "wrong_nonce":
                claims["nonce"] = "not-the-nonce-that-was-sent"
            elif quirk == "wrong_audience":
                claims["aud"] = ["another-application"]
            return claims

        def encode_id_token(self, token, request):
            id_token = super().encode_id_token(token, request)
            quirk = request.authorization_code.user.quirk
            header, payload, signature = id_token.split(".")
            if quirk == "tampered":
                claims = json.loads(_unb64(payload))
                claims.update(users["admin"].claims if "admin" in users else {})
                claims["email"] = claims.get("email") or "admin@example.jp"
                claims.pop("amr", None)
                payload = _b64(json.dumps(claims).encode())
                return f"{header}.{payload}.{signature}"
            if quirk == "foreign_key":
                claims = json.loads(_unb64(payload))
                return jwt.encode(json.loads(_unb64(header)), claims, stranger_key)
            return id_token

    class Server(AuthorizationServer):
        def __init__(self):
            super().__init__(None, None)

        def query_client(self, client_id):
            return Client() if client_id == CLIENT_ID else None

        def save_token(self, token, request):
            return token

    server = Server()
    server.register_grant(Grant, [CodeChallenge(required=True), IdToken()])

    def discovery(request):
        return JsonResponse(
            {
                "issuer": issuer,
                "authorization_endpoint": f"{issuer}/authorize",
                "token_endpoint": f"{issuer}/token",
                "jwks_uri": f"{issuer}/jwks",
                "end_session_endpoint": f"{issuer}/logout",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "scopes_supported": ["openid", "email", "profile"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
            }
        )

    def jwks(request):
        return JsonResponse({"keys": [key.as_dict(private=False)]})

    def form(error=""):
        message = f'<p role="alert">{html.escape(error)}</p>' if error else ""
        return HttpResponse(
            "<!doctype html><html lang=ja><title>テストIdP</title><h1>テストIdP</h1>"
            f'{message}<form method="post"><label for="u">IdPのユーザー名</label>'
            '<input id="u" name="username" autocomplete="off">'
            '<button type="submit" name="consent" value="yes">サインイン</button>'
            '<button type="submit" name="consent" value="no">キャンセル</button>'
            "</form></html>"
        )

    def authorize(request):
        if request.method == "GET":
            try:
                server.get_consent_grant(request)
            except Exception as error:
                return HttpResponse(f"bad authorization request: {error}", status=400)
            return form()
        if request.POST.get("consent") == "no":
            return server.create_authorization_response(request, grant_user=None)
        user = users.get(request.POST.get("username", ""))
        if user is None:
            return form("ユーザー名が違います")
        return server.create_authorization_response(request, grant_user=user)

    def token(request):
        return server.create_token_response(request)

    def logout(request):
        logouts.append(request.GET.dict())
        target = request.GET.get("post_logout_redirect_uri")
        if target:
            return HttpResponseRedirect(target)
        return HttpResponse("signed out")

    def logged_out(request):
        return JsonResponse(logouts, safe=False)

    from django.views.decorators.csrf import csrf_exempt

    global urlpatterns
    urlpatterns = [
        path(".well-known/openid-configuration", discovery),
        path("jwks", jwks),
        path("authorize", csrf_exempt(authorize)),
        path("token", csrf_exempt(token)),
        path("logout", logout),
        path("_logouts", logged_out),
    ]

    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


urlpatterns: list = []


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        sys.stderr.write("oidc-provider: " + (format % args) + "\n")


def main(config_path: str) -> None:
    config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    application = build_application(config)
    httpd = make_server(
        "127.0.0.1",
        config["port"],
        application,
        server_class=_ThreadingServer,
        handler_class=_QuietHandler,
    )
    httpd.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
