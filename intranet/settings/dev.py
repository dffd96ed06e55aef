"""Development: DEBUG on, a throwaway secret key kept in var/, demo accounts allowed."""

from . import environment as env
from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = env.flag("DEBUG", True)


def _dev_secret_key() -> str:
    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        import secrets

        VAR_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = env.secret("SECRET_KEY") or _dev_secret_key()
ALLOWED_HOSTS = env.listing("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
SERVE_STATIC = env.flag("SERVE_STATIC", True)
# A newcomer running `make run` sees the e-mails on the console within seconds.
NOTIFICATION_EMAIL_DELAY = env.integer("NOTIFICATION_EMAIL_DELAY", 15, minimum=0)

# Web Push works out of the box: a VAPID key pair kept in var/.
WEBPUSH = {
    **WEBPUSH,  # noqa: F405
    "VAPID_PRIVATE_KEY": WEBPUSH["VAPID_PRIVATE_KEY"]  # noqa: F405
    or env.generated_vapid_key(VAR_DIR / "webpush-vapid.pem"),
}
# SAML requests are signed: without SAML_SP_KEY_FILE, with a key pair kept in var/.
SSO = env.with_generated_saml_sp_key(SSO, VAR_DIR / "saml")  # noqa: F405
