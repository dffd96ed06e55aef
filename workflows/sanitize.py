"""Rich-text bodies are sanitised with nh3 (ammonia) on the way in and on the way out."""

from __future__ import annotations

import html

import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "h3", "h4",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "a", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"colspan", "rowspan"},
                      "td": {"colspan", "rowspan"}}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(value: str) -> str:
    """Only the tags and attributes above survive; links get rel=noopener noreferrer.

    Plain text (no tags at all) becomes paragraphs, so a body typed without the
    editor keeps its line breaks.
    """
    value = (value or "").strip()
    if not value:
        return ""
    if "<" not in value:
        paragraphs = [
            part for part in value.replace("\r\n", "\n").split("\n\n") if part
        ]
        value = "".join(
            "<p>" + html.escape(part).replace("\n", "<br>") + "</p>"
            for part in paragraphs
        )
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_html(value: str) -> SafeString:
    """Sanitise again when rendering: a row written around the services is still safe."""
    return mark_safe(clean_html(value))  # noqa: S308 - nh3 output


def plain_text(value: str) -> str:
    """The body as plain text (search index, PDF)."""
    text = nh3.clean(
        (value or "")
        .replace("</p>", "</p>\n")
        .replace("<br>", "\n")
        .replace("</li>", "</li>\n"),
        tags=set(),
    )
    return html.unescape(text).strip()
