"""Plain-text hygiene for one-line fields (titles, subjects): a leaf utility.

A CR/LF or other control character typed or pasted into a title travels into e-mail
headers ("Header values can't contain newlines"), PDF text and CSV cells. One-line
fields are cleaned where they are entered (forms) and where they are stored (models)
with :func:`single_line`; e-mail headers use it again, so a message never fails on one.
"""

from __future__ import annotations

import re
import unicodedata

from django import forms

# Unicode categories Cc (controls) and Cf (format: zero-width and direction marks,
# which also disguise text), plus the line and paragraph separators.
_BREAKS = re.compile(r"[\r\n\t\v\f\x85\u2028\u2029]+")


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cf")


def single_line(text) -> str:
    """``text`` on one line: line breaks and tabs become one space, other control
    and format characters go, and the ends are trimmed."""
    if text is None:
        return ""
    text = _BREAKS.sub(" ", str(text))
    return "".join(char for char in text if not _is_control(char)).strip()


def without_controls(text) -> str:
    """Multi-line ``text`` with control characters other than line breaks and tabs
    removed (for bodies and comments)."""
    if text is None:
        return ""
    return "".join(
        char for char in str(text) if char in "\r\n\t" or not _is_control(char)
    )


class SingleLineField(forms.CharField):
    """A one-line text field (titles, subjects): cleaned with :func:`single_line`."""

    def to_python(self, value):
        return single_line(super().to_python(value))
