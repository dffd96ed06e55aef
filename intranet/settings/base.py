"""Settings shared by every mode. Values from the environment come from environment.py."""

from django.utils.translation import gettext_lazy as _

from . import environment as env

BASE_DIR = env.BASE_DIR
PROJECT_DIR = BASE_DIR / "intranet"
VAR_DIR = env.VAR_DIR

DEBUG = False
SECRET_KEY = env.secret("SECRET_KEY")
ALLOWED_HOSTS = env.listing("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.listing("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Our own commands (runserver prints the demo accounts) before daphne's.
    "intranet.core",
    "daphne",
    "intranet.home",
    "intranet.pages",
    "intranet.news",
    "intranet.proposals",
    "intranet.surveys",
    "intranet.notifications",
    "intranet.search",
    "intranet.api",
    "intranet.signin",
    "intranet.sso",
    "directory",
    "workflows",
    "workflows.records",
    "spaces",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "viewflow",
    "viewflow.workflow",  # the approval engine's process and task tables
    "channels",
    "ninja",  # the API's docs page from local static files (no CDN)
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "intranet.core.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "intranet.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "intranet.core.middleware.NoStoreMiddleware",
    "intranet.core.middleware.DateStyleMiddleware",
    "intranet.core.request_log.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Session lifetimes, then the second factor (intranet/signin/middleware.py).
    "intranet.signin.middleware.SessionLifetimeMiddleware",
    "intranet.signin.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# No inline scripts (the admin screens aside: intranet/core/security.py). Styles may be
# inline (SVG positions, progress bars); WebSockets go to the same origin ('self').
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

ROOT_URLCONF = "intranet.urls"
# Error pages in the intranet's own layout (intranet/core/errors.py, handlers in urls.py).
CSRF_FAILURE_VIEW = "intranet.core.errors.csrf_failure"
ASGI_APPLICATION = "intranet.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "intranet.core.context_processors.site",
                "intranet.notifications.context_processors.unread",
                "intranet.signin.context_processors.menu",
            ],
        },
    },
]

DATABASES = {"default": env.database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.redis_url()
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": env.text("REDIS_PREFIX", "intranet"),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.text("REDIS_PREFIX", "intranet"),
            "TIMEOUT": 300,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

AUTH_USER_MODEL = "directory.Person"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
# LDAP login first (when LDAP_URIS is set); local accounts keep Django passwords.
AUTHENTICATION_BACKENDS.insert(0, "directory.ldap.auth.LdapBackend")
# Failed logins: growing delays per (account, address), never a lock (docs/deployment.md).
_throttle = env.login_throttle()
LOGIN_FREE_FAILURES = _throttle["LOGIN_FREE_FAILURES"]
LOGIN_DELAY_SECONDS = _throttle["LOGIN_DELAY_SECONDS"]
LOGIN_MAX_DELAY_SECONDS = _throttle["LOGIN_MAX_DELAY_SECONDS"]
LOGIN_ALERT_FAILURES = _throttle["LOGIN_ALERT_FAILURES"]
TRUSTED_PROXIES = env.trusted_proxies()
# Live sockets re-check their session this often (logout closes them at once).
SOCKET_RECHECK_SECONDS = env.integer("SOCKET_RECHECK_SECONDS", 45, minimum=5)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
WAGTAILADMIN_LOGIN_URL = "login"
# Staff passwords belong to the directory (LDAP/AD); local accounts are reset by admins.
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
# Names and e-mail addresses belong to the directory (directory/managed.py): the CMS
# account page offers neither (see intranet.core.views.CmsAccountView).
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Counters and shared office PCs: closing the browser ends the session (no lasting
# cookie), and a session lasts at most one working day from the login whatever the
# browser keeps (the server-side expiry, SESSION_COOKIE_AGE).
SESSION_COOKIE_AGE = env.integer("SESSION_COOKIE_AGE", 60 * 60 * 10, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = False
# Second factors and session lifetimes (intranet/signin/): MFA_REQUIRED off / outside /
# always, INTERNAL_NETWORKS, MFA_REQUIRED_GROUPS, idle and absolute session lifetimes.
globals().update(env.signin())
OTP_TOTP_ISSUER = env.text("INTRANET_SITE_NAME", "庁内ポータル")

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [PROJECT_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Tokyo"
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
# Let the ASGI app serve /static/ itself (dev and test servers; nginx does it in production).
SERVE_STATIC = env.flag("SERVE_STATIC", False)
STATIC_ROOT = env.text("STATIC_ROOT", str(VAR_DIR / "static"))
STATICFILES_DIRS = [PROJECT_DIR / "static"]
# Uploaded files live outside the code tree and are served by our views (permission
# checks). Staff photos and floor plans are under MEDIA_ROOT too: a reverse proxy may
# serve Wagtail's renditions (/media/images/) at most, never all of /media/.
MEDIA_URL = "/media/"
MEDIA_ROOT = env.text("MEDIA_ROOT", str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

globals().update(env.email_backend())
LDAP = env.ldap()

WAGTAIL_SITE_NAME = _("庁内ポータル")
WAGTAILADMIN_BASE_URL = env.text("BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# The bytes must be what the extension says (intranet/pages/documents.py).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "intranet.pages.documents.CheckedDocumentForm"
# Every CMS document is a download (Wagtail would show PDF and text inline by default).
WAGTAILDOCS_INLINE_CONTENT_TYPES: list[str] = []
WAGTAIL_DATE_FORMAT = "%Y/%m/%d"
WAGTAIL_DATETIME_FORMAT = "%Y/%m/%d %H:%M"

# The intranet's own name and the organisation it serves, shown in the header and e-mails.
INTRANET_SITE_NAME = env.text("INTRANET_SITE_NAME", "庁内ポータル")
INTRANET_ORGANISATION = env.text("INTRANET_ORGANISATION", "千代田区役所")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"()": "intranet.core.logformat.LineFormatter"},
        "json": {"()": "intranet.core.logformat.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.choice("LOG_FORMAT", "line", {"line", "json"}),
        }
    },
    "root": {"handlers": ["console"], "level": env.text("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
        # One line per request; the dev server already prints its own.
        "intranet.request": {"level": env.text("REQUEST_LOG_LEVEL", "INFO")},
        "django.request": {"level": "ERROR"},
    },
}

# Notifications: immediate e-mails wait this long so that a burst about one document
# goes out as one e-mail (seconds).
NOTIFICATION_EMAIL_DELAY = env.integer("NOTIFICATION_EMAIL_DELAY", 120, minimum=0)
# A Redis that is down or unreachable must not hold a request or a socket for long.
if REDIS_URL:
    CHANNEL_LAYERS["default"]["CONFIG"]["hosts"] = [
        {
            "address": REDIS_URL,
            "socket_connect_timeout": 2,
            "socket_timeout": 5,
            "health_check_interval": 30,
        }
    ]
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 2, "socket_timeout": 2}
    )
# Electronic approvals: attachments live outside MEDIA_ROOT, served only through a view
# that checks who may see the document; the PDF embeds a TrueType Japanese font.
APPROVALS = env.approvals()
# Decided PDFs are signed (PAdES) with the ward's certificate; TSA_URL adds a trusted
# timestamp (B-T). See docs/deployment.md and docs/operations.md.
APPROVAL_SIGNING = env.approval_signing()
# Single sign-on beside the password: OpenID Connect and SAML 2.0 (intranet/sso/,
# docs/deployment.md). People are matched to the directory, never created.
SSO = env.single_sign_on()
# Web Push to phones and desktops (intranet/notifications/push.py).
WEBPUSH = env.webpush()
# No avatars from gravatar.com: the intranet calls no outside service (and the CSP
# would refuse the images anyway).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Page moderation is told through the intranet's notifications (intranet/pages/
# signals.py), never by Wagtail's English e-mails to every superuser.
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False

# The API for the ward's other systems (docs/api.md): requests per minute per token,
# token lifetime, webhook timeout (s), failures before a webhook is switched off, and
# the only hosts webhooks may be sent to (none by default).
API = {
    "RATE_LIMIT": env.integer("API_RATE_LIMIT", 120, minimum=1),
    "TOKEN_DAYS": env.integer("API_TOKEN_DAYS", 365, minimum=1),
    "WEBHOOK_TIMEOUT": env.integer("API_WEBHOOK_TIMEOUT", 5, minimum=1),
    "WEBHOOK_MAX_FAILURES": env.integer("API_WEBHOOK_MAX_FAILURES", 10, minimum=1),
    "WEBHOOK_HOSTS": [host.lower() for host in env.listing("API_WEBHOOK_HOSTS")],
}
