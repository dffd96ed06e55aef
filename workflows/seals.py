"""電子印影: the classic date stamp (データ印) as SVG — section / date / surname in a
red circle — with 代決・代・後閲 marks. The PDF draws the same seal (pdf.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from intranet.core.dates import era_year

RED = "#c8102e"


def seal_date(day: datetime.date) -> str:
    """R8.11.27 — the era initial and the 和暦 year, as data stamps print it."""
    name, year = era_year(day)
    initial = {"令和": "R", "平成": "H", "昭和": "S"}.get(name, "")
    return f"{initial}{year}.{day.month}.{day.day}"


@dataclass
class Seal:
    unit: str
    day: datetime.date
    surname: str
    mark: str = ""

    @property
    def label(self) -> str:
        text = f"{self.unit} {seal_date(self.day)} {self.surname}"
        return f"{text}（{self.mark}）" if self.mark else text


def _font_size(text: str, widest: float, base: float) -> float:
    return round(min(base, widest / max(len(text), 1)), 1)


def seal_svg(seal: Seal, *, size: int = 76) -> SafeString:
    unit = escape(seal.unit[:8])
    surname = escape(seal.surname[:4])
    date = escape(seal_date(seal.day))
    mark = escape(seal.mark)
    mark_svg = (
        f'<rect x="58" y="0" width="42" height="20" rx="4" fill="{RED}"/>'
        f'<text x="79" y="15" font-size="14" fill="#fff" text-anchor="middle">{mark}</text>'
        if mark
        else ""
    )
    return mark_safe(  # noqa: S308 - every text part is escaped above
        f'<svg class="seal" viewBox="0 0 100 100" width="{size}" height="{size}" '
        f'role="img" aria-label="{escape(seal.label)}" data-testid="seal">'
        f'<circle cx="50" cy="50" r="45" fill="none" stroke="{RED}" stroke-width="3.5"/>'
        f'<path d="M9 37H91M9 63H91" stroke="{RED}" stroke-width="2.5"/>'
        f'<g fill="{RED}" font-family="serif" text-anchor="middle" font-weight="700">'
        f'<text x="50" y="31" font-size="{_font_size(seal.unit[:8], 64, 17)}">{unit}</text>'
        f'<text x="50" y="56" font-size="{_font_size(seal_date(seal.day), 120, 16)}">{date}</text>'
        f'<text x="50" y="86" font-size="{_font_size(seal.surname[:4], 56, 22)}">{surname}</text>'
        f"</g>{mark_svg}</svg>"
    )
