"""Production: everything from the environment; a missing SECRET_KEY stops start-up."""

from . import environment as env
from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env.secret("SECRET_KEY")
if not SECRET_KEY:
    raise env.ConfigurationError(
        "SECRET_KEY must be set in production (or SECRET_KEY_FILE naming a file)."
    )
if len(SECRET_KEY) < 40:
    raise env.ConfigurationError("SECRET_KEY must be at least 40 characters long.")
env.require_real_signing(APPROVAL_SIGNING)  # noqa: F405
env.require_saml_sp_key(SSO)  # noqa: F405
ALLOWED_HOSTS = env.listing("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise env.ConfigurationError(
        "ALLOWED_HOSTS must list the intranet's host names (comma-separated)."
    )

# Behind a TLS-terminating reverse proxy (docs/deployment.md).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.flag("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.flag("SECURE_HSTS_PRELOAD", False)
# An intranet host name does not belong on the browsers' public preload list.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

# Structured logs in production unless told otherwise.
LOGGING["handlers"]["console"]["formatter"] = env.choice(  # noqa: F405
    "LOG_FORMAT", "json", {"line", "json"}
)
