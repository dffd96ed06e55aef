"""Tests: the database and Redis from the environment (SQLite and in-memory by default)."""

from . import environment as env
from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = str(VAR_DIR / "test-media")

# A file, not ":memory:", so that ASGI server processes started by the tests share it.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
# No signing unless a test sets up its own certificates (tests/support/pki.py); the
# demo certificate under var/ is for `make run`.
if not env.text("APPROVAL_SIGNING_PKCS12"):
    APPROVAL_SIGNING = {**APPROVAL_SIGNING, "PKCS12": None, "TRUST_ROOTS": []}  # noqa: F405
APPROVALS = {**APPROVALS, "FILES_ROOT": str(VAR_DIR / "test-private" / "approvals")}  # noqa: F405
# Web Push: a VAPID key in var/, and the tests' own push service on 127.0.0.1.
WEBPUSH = {
    **WEBPUSH,  # noqa: F405
    "VAPID_PRIVATE_KEY": WEBPUSH["VAPID_PRIVATE_KEY"]  # noqa: F405
    or env.generated_vapid_key(VAR_DIR / "test-webpush-vapid.pem"),
    "ENDPOINT_HOSTS": [*WEBPUSH["ENDPOINT_HOSTS"], "127.0.0.1"],  # noqa: F405
}
# SAML requests are signed: without SAML_SP_KEY_FILE, with a key pair kept in var/.
SSO = env.with_generated_saml_sp_key(SSO, VAR_DIR / "test-saml")  # noqa: F405
