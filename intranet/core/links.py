"""Links that leave the browser (e-mails, 起案 documents, calendars): built from
BASE_URL (settings.WAGTAILADMIN_BASE_URL), never from a request's Host header or the
Wagtail Site record."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from django.conf import settings

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def base_url() -> str:
    """The intranet's address without a trailing slash ("https://intranet.example")."""
    return (getattr(settings, "WAGTAILADMIN_BASE_URL", "") or DEFAULT_BASE_URL).rstrip(
        "/"
    )


def absolute_url(url: str = "") -> str:
    """``url`` (a path such as "/proposals/x/") as a full address under BASE_URL.

    A URL that already names a host is returned as it is.
    """
    return urljoin(base_url() + "/", url or "/")


def base_host_and_port() -> tuple[str, int]:
    """BASE_URL's host name and port (80 or 443 when it names none)."""
    parts = urlsplit(base_url())
    default = 443 if parts.scheme == "https" else 80
    return (parts.hostname or "localhost"), (parts.port or default)
