"""Every setting that comes from the environment is read here, and only here.

A bad value stops start-up with a :class:`ConfigurationError` whose message is one line
naming the variable and what was expected; ``manage.py`` and ``asgi.py`` print that line
instead of a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"


class ConfigurationError(Exception):
    """A setting from the environment is missing or malformed (one-line message)."""


def text(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def required(name: str, why: str) -> str:
    value = text(name)
    if value is None:
        raise ConfigurationError(f"{name} must be set ({why}).")
    return value


def flag(name: str, default: bool = False) -> bool:
    value = text(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name}={value!r} is not a boolean (use true or false).")


def choice(name: str, default: str, options: set[str]) -> str:
    value = text(name, default)
    if value not in options:
        allowed = ", ".join(sorted(options))
        raise ConfigurationError(f"{name}={value!r} must be one of: {allowed}.")
    return value


def integer(name: str, default: int, *, minimum: int | None = None) -> int:
    value = text(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigurationError(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ConfigurationError(f"{name}={number} must be at least {minimum}.")
    return number


def not_below(name: str, value: int, floor_name: str, floor: int) -> None:
    """A maximum (``name``) below its minimum (``floor_name``) stops start-up."""
    if value < floor:
        raise ConfigurationError(
            f"{name}={value} must be at least {floor_name}={floor}."
        )


def listing(name: str, default: list[str] | None = None) -> list[str]:
    value = text(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def secret(name: str, default: str | None = None) -> str | None:
    """A secret given directly (NAME) or as a file path (NAME_FILE)."""
    file_name = text(f"{name}_FILE")
    if file_name is not None:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ConfigurationError(
                f"{name}_FILE={file_name!r} cannot be read ({error.strerror})."
            ) from None
    return text(name, default)


def database(name: str = "DATABASE_URL") -> dict:
    """Django DATABASES["default"] from a URL.

    Unset: an SQLite file under var/. ``sqlite:///relative/or//absolute/path`` and
    ``postgres://user:password@host:port/name?sslmode=require`` are understood.
    """
    url = text(name)
    if url is None:
        VAR_DIR.mkdir(exist_ok=True)
        return _sqlite(VAR_DIR / "intranet.sqlite3")
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if path.startswith("//"):
            path = path[1:]  # sqlite:////abs/path
        elif path.startswith("/"):
            path = str(BASE_DIR / path[1:])
        if path in {"", "/"}:
            raise ConfigurationError(f"{name}={url!r} names no SQLite file.")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return _sqlite(Path(path))
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        db_name = unquote(parts.path.lstrip("/"))
        if not db_name:
            raise ConfigurationError(f"{name}={url!r} names no database.")
        try:
            port = parts.port
        except ValueError:
            raise ConfigurationError(f"{name}={url!r} has a bad port.") from None
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        planner = _planner_options()
        if planner and "options" not in options:
            options["options"] = planner
        max_age = 0
        if flag("DATABASE_POOL", True):
            options["pool"] = _pool()
        else:
            max_age = integer("DATABASE_CONN_MAX_AGE", 0, minimum=0)
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": db_name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": max_age,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ConfigurationError(
        f"{name}={url!r} is not understood: use sqlite:///path or "
        "postgres://user@host:port/name."
    )


def _planner_options() -> str:
    """PostgreSQL planner settings for every connection (libpq ``options``).

    random_page_cost: PostgreSQL's default (4) prices a random read as a spinning disk
    does. On SSD, or with the database in memory as the intranet's is, 1.1 is the usual
    figure; with 4 the planner reads every search row's compressed tsvector in a
    sequential scan instead of the GIN index for a word on a fifth of the pages (39 ms
    against 3 ms at 10,000 pages; docs/deployment.md). DATABASE_RANDOM_PAGE_COST
    changes it; empty leaves the server's own setting.
    """
    raw = os.environ.get("DATABASE_RANDOM_PAGE_COST")
    if raw is not None and not raw.strip():
        return ""
    cost = (raw or "1.1").strip()
    try:
        value = float(cost)
    except ValueError:
        raise ConfigurationError(
            f"DATABASE_RANDOM_PAGE_COST={cost!r} is not a number."
        ) from None
    if not 0 < value <= 100:
        raise ConfigurationError(
            f"DATABASE_RANDOM_PAGE_COST={cost!r} must be above 0 and at most 100."
        )
    return f"-c random_page_cost={value:g}"


def _pool() -> dict:
    """psycopg's connection pool, one per process.

    Under ASGI every request runs its synchronous part in a thread of its own, and a
    persistent connection (CONN_MAX_AGE > 0) stays behind with each such thread: two
    uvicorn workers exhausted PostgreSQL's 100 connections within a minute of load
    (bench/load.py). A pool bounds the connections per process and lends one to each
    request for its duration; requests beyond DATABASE_POOL_MAX_SIZE wait for one.
    """
    minimum = integer("DATABASE_POOL_MIN_SIZE", 2, minimum=0)
    maximum = integer("DATABASE_POOL_MAX_SIZE", 10, minimum=1)
    not_below("DATABASE_POOL_MAX_SIZE", maximum, "DATABASE_POOL_MIN_SIZE", minimum)
    return {
        "min_size": minimum,
        "max_size": maximum,
        "timeout": integer("DATABASE_POOL_TIMEOUT", 30, minimum=1),
    }


def _sqlite(path: Path) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # Writers queue for the lock instead of failing with "database is locked".
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


def redis_url(name: str = "REDIS_URL") -> str | None:
    url = text(name)
    if url is None:
        return None
    if urlsplit(url).scheme not in {"redis", "rediss", "unix"}:
        raise ConfigurationError(f"{name}={url!r} is not a redis:// or rediss:// URL.")
    return url


def email_backend() -> dict:
    """E-mail: console output by default, SMTP when EMAIL_HOST is set."""
    host = text("EMAIL_HOST")
    settings = {
        "DEFAULT_FROM_EMAIL": text("DEFAULT_FROM_EMAIL", "intranet@ward.example.jp"),
        "EMAIL_SUBJECT_PREFIX": text("EMAIL_SUBJECT_PREFIX", "[庁内ポータル] "),
    }
    if host is None:
        settings["EMAIL_BACKEND"] = text(
            "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
        )
        return settings
    use_tls = flag("EMAIL_USE_TLS", False)
    use_ssl = flag("EMAIL_USE_SSL", False)
    if use_tls and use_ssl:
        raise ConfigurationError("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true.")
    settings.update(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST=host,
        EMAIL_PORT=integer("EMAIL_PORT", 465 if use_ssl else 587 if use_tls else 25),
        EMAIL_HOST_USER=text("EMAIL_HOST_USER", ""),
        EMAIL_HOST_PASSWORD=secret("EMAIL_HOST_PASSWORD", ""),
        EMAIL_USE_TLS=use_tls,
        EMAIL_USE_SSL=use_ssl,
        EMAIL_TIMEOUT=integer("EMAIL_TIMEOUT", 20, minimum=1),
    )
    return settings


# OrgUnit.Kind's values (settings may not import models).
UNIT_KINDS = {"ward", "department", "section", "unit", "office", "team"}


def ldap() -> dict:
    """The LDAP_* settings used by directory/ (sync and login). Empty URI: LDAP off."""
    preset = text("LDAP_PRESET", "openldap")
    if preset not in {"openldap", "ad"}:
        raise ConfigurationError(f"LDAP_PRESET={preset!r} must be openldap or ad.")
    units_from = text("LDAP_UNITS_FROM", "department" if preset == "ad" else "ou")
    if units_from not in {"ou", "department"}:
        raise ConfigurationError(
            f"LDAP_UNITS_FROM={units_from!r} must be ou or department."
        )
    unit_kinds = []
    for item in listing("LDAP_UNIT_KINDS"):
        ending, _equals, kind = item.partition("=")
        if not ending.strip() or kind.strip() not in UNIT_KINDS:
            raise ConfigurationError(
                f"LDAP_UNIT_KINDS item {item!r} must be ENDING=KIND, KIND one of "
                f"{', '.join(sorted(UNIT_KINDS))}."
            )
        unit_kinds.append((ending.strip(), kind.strip()))
    kinds_by_level = [
        "" if kind == "-" else kind for kind in listing("LDAP_UNIT_KINDS_BY_LEVEL")
    ]
    for kind in kinds_by_level:
        if kind and kind not in UNIT_KINDS:
            raise ConfigurationError(
                f"LDAP_UNIT_KINDS_BY_LEVEL: {kind!r} must be one of "
                f"{', '.join(sorted(UNIT_KINDS))} (or - for 'by the name's ending')."
            )
    tls = text("LDAP_TLS", "starttls")
    if tls not in {"starttls", "ldaps", "none"}:
        raise ConfigurationError(f"LDAP_TLS={tls!r} must be starttls, ldaps or none.")
    return {
        "URIS": listing("LDAP_URIS", listing("LDAP_URI")),
        "PRESET": preset,
        "TLS": tls,
        "TLS_VALIDATE": flag("LDAP_TLS_VALIDATE", True),
        "CA_FILE": text("LDAP_CA_FILE"),
        "BIND_DN": text("LDAP_BIND_DN", ""),
        "BIND_PASSWORD": secret("LDAP_BIND_PASSWORD", ""),
        "PEOPLE_BASE": text("LDAP_PEOPLE_BASE", ""),
        "PEOPLE_FILTER": text("LDAP_PEOPLE_FILTER"),
        "UNITS_BASE": text("LDAP_UNITS_BASE", ""),
        "UNITS_FILTER": text("LDAP_UNITS_FILTER"),
        "GROUPS_BASE": text("LDAP_GROUPS_BASE", ""),
        "GROUPS_FILTER": text("LDAP_GROUPS_FILTER"),
        "TIMEOUT": integer("LDAP_TIMEOUT", 10, minimum=1),
        "PAGE_SIZE": integer("LDAP_PAGE_SIZE", 500, minimum=1),
        "DEACTIVATE_MAX_PERCENT": integer("LDAP_DEACTIVATE_MAX_PERCENT", 5, minimum=0),
        "DEACTIVATE_MAX_COUNT": integer("LDAP_DEACTIVATE_MAX_COUNT", 500, minimum=0),
        "UNITS_FROM": units_from,
        "UNITS_PATH_SEPARATOR": text("LDAP_UNITS_PATH_SEPARATOR", ""),
        "UNITS_UPPER_ATTRIBUTES": listing("LDAP_UNITS_UPPER_ATTRIBUTES"),
        "UNIT_KINDS": unit_kinds or None,
        "UNIT_KINDS_BY_LEVEL": kinds_by_level,
        "OVERLAP_SECONDS": integer("LDAP_OVERLAP_SECONDS", 120, minimum=0),
    }


RETIRED = {
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": "LOGIN_FREE_FAILURES and LOGIN_DELAY_SECONDS",
    "LOGIN_MAX_FAILURES_PER_ADDRESS": "LOGIN_FREE_FAILURES and LOGIN_ALERT_FAILURES",
    "LOGIN_LOCKOUT_MINUTES": "LOGIN_DELAY_SECONDS and LOGIN_MAX_DELAY_SECONDS",
}


def retired() -> None:
    """A variable that no longer does anything stops start-up rather than mislead."""
    for name, instead in RETIRED.items():
        if text(name) is not None:
            raise ConfigurationError(
                f"{name} is no longer used: logins are slowed down per account and "
                f"address instead of locked; set {instead} (docs/deployment.md)."
            )


def login_throttle() -> dict:
    """Growing delays per (account, client address) after failed logins; an alert to
    administrators on sustained failures (directory/throttle.py)."""
    retired()
    free = integer("LOGIN_FREE_FAILURES", 5, minimum=1)
    delay = integer("LOGIN_DELAY_SECONDS", 2, minimum=1)
    ceiling = integer("LOGIN_MAX_DELAY_SECONDS", 60, minimum=1)
    not_below("LOGIN_MAX_DELAY_SECONDS", ceiling, "LOGIN_DELAY_SECONDS", delay)
    return {
        "LOGIN_FREE_FAILURES": free,
        "LOGIN_DELAY_SECONDS": delay,
        "LOGIN_MAX_DELAY_SECONDS": ceiling,
        "LOGIN_ALERT_FAILURES": integer("LOGIN_ALERT_FAILURES", 50, minimum=1),
    }


def networks(name: str) -> list[str]:
    """A comma-separated list of IP addresses or networks (CIDR)."""
    import ipaddress

    values = listing(name)
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ConfigurationError(
                f"{name}: {value!r} is not an IP address or network."
            ) from None
    return values


def trusted_proxies() -> list[str]:
    """Addresses or networks of the reverse proxies whose X-Forwarded-For is believed."""
    return networks("TRUSTED_PROXIES")


# Plain http:// is allowed only for a provider on this machine (development, tests).
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
# How a claim (OIDC) or attribute (SAML) finds the directory person, by its name.
SSO_MATCH_FIELDS = {"employee_number", "email", "username"}
_SSO_FIELD_BY_CLAIM = {
    "employeenumber": "employee_number",
    "employee_number": "employee_number",
    "employeeid": "employee_number",
    "email": "email",
    "mail": "email",
    "upn": "email",
    "preferred_username": "email",
    "userprincipalname": "email",
    "emailaddress": "email",
}
# SAML authentication contexts that mean the identity provider checked two factors.
DEFAULT_SAML_MFA_CONTEXTS = [
    "http://schemas.microsoft.com/claims/multipleauthn",
    "https://refeds.org/profile/mfa",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorUnregistered",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken",
]


def _sso_match(prefix: str, name: str, default_claim: str) -> tuple[str, str]:
    claim = text(f"{prefix}_MATCH_{name}", default_claim)
    field = choice(
        f"{prefix}_MATCH_FIELD",
        _SSO_FIELD_BY_CLAIM.get(claim.rsplit("/", 1)[-1].lower(), "username"),
        SSO_MATCH_FIELDS,
    )
    return claim, field


def single_sign_on() -> dict:
    """Single sign-on beside the password (intranet/sso/): OpenID Connect when
    OIDC_DISCOVERY_URL is set, SAML 2.0 when SAML_IDP_METADATA_URL or _FILE is set."""
    oidc = None
    discovery = text("OIDC_DISCOVERY_URL")
    if discovery is not None:
        parts = urlsplit(discovery)
        loopback = parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
        if not (parts.scheme == "https" and parts.hostname) and not loopback:
            raise ConfigurationError(
                f"OIDC_DISCOVERY_URL={discovery!r} must be an https:// address."
            )
        claim, field = _sso_match("OIDC", "CLAIM", "email")
        oidc = {
            "DISCOVERY_URL": discovery,
            "CLIENT_ID": required("OIDC_CLIENT_ID", "OIDC_DISCOVERY_URL is set"),
            "CLIENT_SECRET": secret("OIDC_CLIENT_SECRET")
            or required("OIDC_CLIENT_SECRET", "OIDC_DISCOVERY_URL is set"),
            "SCOPES": text("OIDC_SCOPES", "openid email profile"),
            "MATCH_CLAIM": claim,
            "MATCH_FIELD": field,
            "LABEL": text("OIDC_LABEL"),
            "TIMEOUT": integer("OIDC_TIMEOUT", 10, minimum=1),
        }
    saml = None
    metadata_url = text("SAML_IDP_METADATA_URL")
    metadata_file = text("SAML_IDP_METADATA_FILE")
    if metadata_url or metadata_file:
        if metadata_file and not Path(metadata_file).is_file():
            raise ConfigurationError(
                f"SAML_IDP_METADATA_FILE={metadata_file!r} is not a readable file."
            )
        claim, field = _sso_match("SAML", "ATTRIBUTE", "mail")
        key_file, cert_file = text("SAML_SP_KEY_FILE"), text("SAML_SP_CERT_FILE")
        if bool(key_file) != bool(cert_file):
            raise ConfigurationError(
                "SAML_SP_KEY_FILE and SAML_SP_CERT_FILE must be set together "
                "(the key that signs the intranet's SAML requests, and its certificate)."
            )
        for name, path in [
            ("SAML_SP_KEY_FILE", key_file),
            ("SAML_SP_CERT_FILE", cert_file),
        ]:
            if path is not None and not Path(path).is_file():
                raise ConfigurationError(f"{name}={path!r} is not a readable file.")
        saml = {
            "METADATA_URL": metadata_url,
            "METADATA_FILE": metadata_file,
            "ENTITY_ID": text("SAML_SP_ENTITY_ID"),
            "MATCH_ATTRIBUTE": claim,
            "MATCH_FIELD": field,
            "MFA_CONTEXTS": listing("SAML_MFA_CONTEXTS", DEFAULT_SAML_MFA_CONTEXTS),
            "LABEL": text("SAML_LABEL"),
            "XMLSEC_BINARY": text("SAML_XMLSEC_BINARY"),
            "SP_KEY_FILE": key_file,
            "SP_CERT_FILE": cert_file,
        }
    return {
        "OIDC": oidc,
        "SAML": saml,
        "COUNTS_AS_MFA": flag("SSO_COUNTS_AS_MFA", False),
    }


def approvals() -> dict:
    """Settings of the electronic approvals (workflows/): private files and the PDF font."""
    files_root = Path(
        text("APPROVAL_FILES_ROOT", str(VAR_DIR / "private" / "approvals"))
    )
    if not files_root.is_absolute():
        files_root = BASE_DIR / files_root
    media_root = Path(text("MEDIA_ROOT", str(VAR_DIR / "media"))).resolve()
    resolved = files_root.resolve()
    if resolved == media_root or media_root in resolved.parents:
        raise ConfigurationError(
            f"APPROVAL_FILES_ROOT={str(files_root)!r} must not be inside MEDIA_ROOT "
            "(attachments are served only after a permission check)."
        )
    return {
        "FILES_ROOT": str(files_root),
        "ATTACHMENT_MAX_MB": integer("APPROVAL_ATTACHMENT_MAX_MB", 20, minimum=1),
        "PDF_FONT": text(
            "APPROVAL_PDF_FONT",
            "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
        ),
        # 移管: where BagIt packages for the archives are written.
        "TRANSFER_ROOT": str(
            Path(text("RECORDS_TRANSFER_ROOT", str(VAR_DIR / "records-transfer")))
        ),
    }


DEMO_SIGNING_DIR = VAR_DIR / "signing"
DEMO_MARK = "デモ用"


def approval_signing() -> dict:
    """The ward's signing certificate for decided PDFs (PAdES) and the timestamp
    authority. Unset, the demo certificate that `make demo` creates under var/ is used
    when present (production refuses it: see :func:`require_real_signing`)."""
    demo = DEMO_SIGNING_DIR / "demo-signing.p12"
    pkcs12 = text("APPROVAL_SIGNING_PKCS12", str(demo) if demo.exists() else None)
    password = secret("APPROVAL_SIGNING_PASSWORD")
    if password is None and pkcs12 == str(demo):
        password = (DEMO_SIGNING_DIR / "demo-signing.password").read_text().strip()
    roots = listing("APPROVAL_SIGNING_TRUST_ROOTS")
    if not roots and pkcs12 == str(demo):
        roots = [str(DEMO_SIGNING_DIR / "demo-ca.pem")]
    tsa_url = text("TSA_URL")
    if tsa_url is not None and urlsplit(tsa_url).scheme not in {"http", "https"}:
        raise ConfigurationError(f"TSA_URL={tsa_url!r} must be an http(s) URL.")
    named = [("APPROVAL_SIGNING_TRUST_ROOTS", root) for root in roots]
    for name, path in [("APPROVAL_SIGNING_PKCS12", pkcs12), *named]:
        if path is not None and not Path(path).is_file():
            raise ConfigurationError(f"{name}={path!r}: no such file.")
    return {
        "PKCS12": pkcs12,
        "PASSWORD": password or "",
        "TRUST_ROOTS": roots,
        "LOCATION": text("APPROVAL_SIGNING_LOCATION", ""),
        "TSA_URL": tsa_url,
        "TSA_TIMEOUT": integer("TSA_TIMEOUT", 10, minimum=1),
    }


def require_real_signing(signing: dict) -> None:
    """Production signs with the ward's own certificate, never a missing or demo one."""
    if signing["PKCS12"] == str(DEMO_SIGNING_DIR / "demo-signing.p12"):
        raise ConfigurationError(
            f"APPROVAL_SIGNING_PKCS12 is unset and the demo certificate ({DEMO_MARK}) "
            "under var/signing/ would be used; production needs the ward's own."
        )
    if not signing["PKCS12"]:
        raise ConfigurationError(
            "APPROVAL_SIGNING_PKCS12 must name the ward's signing certificate "
            "(PKCS#12) in production, with APPROVAL_SIGNING_PASSWORD_FILE."
        )
    if not signing["TRUST_ROOTS"]:
        raise ConfigurationError(
            "APPROVAL_SIGNING_TRUST_ROOTS must name the CA certificate(s) (PEM) that "
            "issued the signing certificate."
        )
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        _key, certificate, _chain = pkcs12.load_key_and_certificates(
            Path(signing["PKCS12"]).read_bytes(), signing["PASSWORD"].encode() or None
        )
    except (ValueError, OSError) as error:
        raise ConfigurationError(
            f"APPROVAL_SIGNING_PKCS12={signing['PKCS12']!r} cannot be opened with the "
            f"password given ({error})."
        ) from None
    if certificate is None or DEMO_MARK in certificate.subject.rfc4514_string():
        raise ConfigurationError(
            f"APPROVAL_SIGNING_PKCS12={signing['PKCS12']!r} is a demo certificate "
            f"({DEMO_MARK}); production needs the ward's own."
        )


# Push services browsers subscribe with (RFC 8030 endpoints): the server posts to
# nothing else, so a registered "endpoint" cannot make it call inside the network.
DEFAULT_WEBPUSH_ENDPOINT_HOSTS = [
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    "push.services.mozilla.com",
    "notify.windows.com",
    "push.apple.com",
]


def webpush() -> dict:
    """Web Push (VAPID, RFC 8292): the server's key pair and the contact it signs with.

    WEBPUSH_VAPID_PRIVATE_KEY (or _FILE) holds a P-256 private key as PEM or as the
    base64url of its 32 bytes; without it push is off (development and tests make one
    under var/). WEBPUSH_SUBJECT is a mailto: or https: contact for the push services.
    """
    subject = text("WEBPUSH_SUBJECT", "mailto:webmaster@localhost")
    if not subject.startswith(("mailto:", "https://")):
        raise ConfigurationError(
            f"WEBPUSH_SUBJECT={subject!r} must be a mailto: or https:// contact."
        )
    return {
        "VAPID_PRIVATE_KEY": secret("WEBPUSH_VAPID_PRIVATE_KEY"),
        "SUBJECT": subject,
        "TTL": integer("WEBPUSH_TTL", 24 * 60 * 60, minimum=0),
        "ENDPOINT_HOSTS": listing(
            "WEBPUSH_ENDPOINT_HOSTS", DEFAULT_WEBPUSH_ENDPOINT_HOSTS
        ),
    }


def generated_vapid_key(path: Path) -> str:
    """Development and tests: a VAPID private key kept in ``path`` (PEM)."""
    if not path.exists():
        from cryptography.hazmat.primitives.asymmetric import ec

        from workflows import pki

        key = ec.generate_private_key(ec.SECP256R1())
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pki.private_pem(key))
        path.chmod(0o600)
    return path.read_text(encoding="utf-8")


def require_saml_sp_key(sso: dict) -> None:
    """Production signs its SAML requests with the ward's own key, never a made-up one."""
    if sso["SAML"] and not sso["SAML"]["SP_KEY_FILE"]:
        raise ConfigurationError(
            "SAML_SP_KEY_FILE and SAML_SP_CERT_FILE must name the key and certificate "
            "that sign the intranet's SAML requests (docs/deployment.md)."
        )


def with_generated_saml_sp_key(sso: dict, directory: Path) -> dict:
    """Development and tests: SAML without SAML_SP_KEY_FILE signs with a key pair
    kept in ``directory`` (made once: an RSA key and a self-signed certificate)."""
    saml = sso["SAML"]
    if not saml or saml["SP_KEY_FILE"]:
        return sso
    key_path, cert_path = directory / "saml-sp.key", directory / "saml-sp.crt"
    if not (key_path.exists() and cert_path.exists()):
        from workflows import pki

        pair = pki.self_signed("intranet", "intranet SAML SP")
        directory.mkdir(parents=True, exist_ok=True)
        key_path.write_bytes(pki.private_pem(pair.key, rsa_format=True))
        key_path.chmod(0o600)
        cert_path.write_bytes(pair.pem)
    return {
        **sso,
        "SAML": {**saml, "SP_KEY_FILE": str(key_path), "SP_CERT_FILE": str(cert_path)},
    }


def signin() -> dict:
    """Second factors and session lifetimes (intranet/signin/, docs/deployment.md)."""
    idle = integer("SESSION_IDLE_SECONDS", 60 * 60 * 2, minimum=600)
    lifetime = integer("SESSION_MAX_SECONDS", 60 * 60 * 10, minimum=60)
    not_below("SESSION_MAX_SECONDS", lifetime, "SESSION_IDLE_SECONDS", idle)
    idle_outside = integer(
        "SESSION_IDLE_SECONDS_OUTSIDE", min(idle, 30 * 60), minimum=600
    )
    lifetime_outside = integer(
        "SESSION_MAX_SECONDS_OUTSIDE", min(lifetime, 60 * 60 * 4), minimum=60
    )
    not_below(
        "SESSION_MAX_SECONDS_OUTSIDE",
        lifetime_outside,
        "SESSION_IDLE_SECONDS_OUTSIDE",
        idle_outside,
    )
    return {
        "MFA_REQUIRED": choice("MFA_REQUIRED", "off", {"off", "outside", "always"}),
        "MFA_REQUIRED_GROUPS": listing("MFA_REQUIRED_GROUPS"),
        "INTERNAL_NETWORKS": networks("INTERNAL_NETWORKS"),
        "SESSION_IDLE_SECONDS": idle,
        "SESSION_MAX_SECONDS": lifetime,
        "SESSION_IDLE_SECONDS_OUTSIDE": idle_outside,
        "SESSION_MAX_SECONDS_OUTSIDE": lifetime_outside,
        # The passkeys' relying party: the host name staff type (default: the
        # request's host); passkeys registered under one name do not work under another.
        "WEBAUTHN_RP_ID": text("WEBAUTHN_RP_ID"),
    }
