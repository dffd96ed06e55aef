"""QR codes for check-in (segno): one per desk and room, printed on a sheet."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe


def checkin_url(resource, base_url: str | None = None) -> str:
    base = (base_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    return f"{base}{reverse('spaces:scan', args=[resource.checkin_token])}"


def svg_document(url: str, *, scale: int = 4, title: str = "") -> bytes:
    """The QR code of ``url`` as a standalone SVG file."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=scale, border=2, title=title or None
    )
    return buffer.getvalue()


def inline_svg(url: str, *, scale: int = 4, label: str = "") -> SafeString:
    """The QR code as an inline <svg> for a printable page (segno escapes the title)."""
    code = segno.make(url, error="m")
    markup = code.svg_inline(scale=scale, border=2, title=label or None, svgclass="qr")
    return mark_safe(markup)  # noqa: S308 - markup built by segno, title escaped
