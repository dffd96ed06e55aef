"""Japanese dates: 和暦, 年度 (April–March) and business days (開庁日).

A leaf module: every app may use it; it uses only Django, jpholiday and ClosureDay.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import jpholiday
from django.utils import timezone
from django.utils.translation import gettext as _

# (first day, era name), newest first.
ERAS = [
    (datetime.date(2019, 5, 1), "令和"),
    (datetime.date(1989, 1, 8), "平成"),
    (datetime.date(1926, 12, 25), "昭和"),
]
WEEKDAYS_JA = "月火水木金土日"


def era_year(day: datetime.date) -> tuple[str, int]:
    for start, name in ERAS:
        if day >= start:
            return name, day.year - start.year + 1
    return "", day.year


def _era_year_text(name: str, year: int) -> str:
    return f"{name}{'元' if year == 1 else year}年"


def wareki(day: datetime.date) -> str:
    """令和8年11月27日"""
    name, year = era_year(day)
    return f"{_era_year_text(name, year)}{day.month}月{day.day}日"


def fiscal_year(day: datetime.date | None = None) -> int:
    """The fiscal year (年度) a day falls in, named by the calendar year it starts in."""
    day = day or timezone.localdate()
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_label(year: int) -> str:
    """令和8年度 for 2026."""
    # FY2019 is 令和元年度: the era in force at the end of the calendar year names it.
    name, era = era_year(datetime.date(year, 12, 31))
    return f"{_era_year_text(name, era)}度"


# Display style: 西暦 or 和暦, a person's preference (``Person.date_style``), made
# current for a request or an e-mail the way Django activates a time zone.
SEIREKI = "seireki"
WAREKI = "wareki"
STYLES = (SEIREKI, WAREKI)
_style: contextvars.ContextVar[str] = contextvars.ContextVar(
    "date_style", default=SEIREKI
)


def current_style() -> str:
    return _style.get()


def activate_style(style: str | None) -> contextvars.Token:
    """Make ``style`` (西暦 unless 'wareki') current; returns a token for reset."""
    return _style.set(style if style in STYLES else SEIREKI)


def reset_style(token: contextvars.Token) -> None:
    _style.reset(token)


@contextlib.contextmanager
def style_of(style: str | None) -> Iterator[None]:
    """``with style_of(person.date_style):`` — render dates as that person reads them."""
    token = activate_style(style)
    try:
        yield
    finally:
        reset_style(token)


def _local_date(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def _weekday(day: datetime.date) -> str:
    return f"（{WEEKDAYS_JA[day.weekday()]}）"


def year_text(day: datetime.date, style: str | None = None) -> str:
    """令和8年 or 2026年."""
    if (style or current_style()) == WAREKI:
        return _era_year_text(*era_year(day))
    return f"{day.year}年"


def format_date(
    value: datetime.date | datetime.datetime,
    *,
    style: str | None = None,
    weekday: bool = True,
    year: bool = True,
) -> str:
    """令和8年12月2日（水） or 2026年12月2日（水）, in the current (or given) style.

    ``year=False`` leaves the year out (12月2日（水）)."""
    day = _local_date(value)
    text = f"{day.month}月{day.day}日"
    if year:
        text = year_text(day, style) + text
    return text + _weekday(day) if weekday else text


def format_datetime(
    value: datetime.datetime, *, style: str | None = None, year: bool = True
) -> str:
    """令和8年12月2日（水）14:05 — the local time of an aware datetime."""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{format_date(local, style=style, year=year)}{local:%H:%M}"


def format_deadline(
    value: datetime.date | datetime.datetime,
    *,
    style: str | None = None,
    today: datetime.date | None = None,
) -> str:
    """期限 1月5日（火） — always with the weekday (see ``deadline_day``)."""
    return _("期限 %(date)s") % {"date": deadline_day(value, style=style, today=today)}


def deadline_day(
    value: datetime.date | datetime.datetime,
    *,
    style: str | None = None,
    today: datetime.date | None = None,
) -> str:
    """1月5日（火）: the day of a deadline, always with its weekday.

    The year is shown only when the deadline is not in the current calendar year
    (令和9年1月5日（火）); a datetime keeps its time unless it is the start or the
    end of the day (1月5日（火）17:15)."""
    day = _local_date(value)
    today = today or timezone.localdate()
    text = format_date(day, style=style, year=day.year != today.year)
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        if (local.hour, local.minute) not in ((0, 0), (23, 59)):
            text += f"{local:%H:%M}"
    return text


_ERA_NAMES = {name: start for start, name in ERAS}
_ERA_LETTERS = {"R": "令和", "H": "平成", "S": "昭和"}
_FISCAL_YEAR = re.compile(
    r"^(?:(?P<era>令和|平成|昭和|[RHS])\s*(?P<era_year>\d{1,2}|元)|(?P<year>\d{4}))"
    r"\s*(?:年度|年)?$",
    re.IGNORECASE,
)


def parse_fiscal_year(text: str) -> int:
    """The fiscal year a person typed: 2026, 2026年度, 令和8, 令和8年度, R8, 令和元.

    Full-width digits are accepted. Raises ValueError for anything else."""
    value = unicodedata.normalize("NFKC", text or "").strip()
    match = _FISCAL_YEAR.match(value)
    if not match:
        raise ValueError(text)
    if match["year"]:
        year = int(match["year"])
    else:
        era = _ERA_LETTERS.get(match["era"].upper(), match["era"])
        offset = 1 if match["era_year"] == "元" else int(match["era_year"])
        if offset < 1:
            raise ValueError(text)
        year = _ERA_NAMES[era].year + offset - 1
    if not 1900 <= year <= 2200:
        raise ValueError(text)
    return year


def is_year_end_closure(day: datetime.date) -> bool:
    """12/29–1/3, when every ward office is closed (年末年始)."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


@lru_cache(maxsize=64)
def _closure_days(year: int, stamp: int) -> frozenset[datetime.date]:
    from .models import ClosureDay

    return frozenset(
        ClosureDay.objects.filter(date__year=year).values_list("date", flat=True)
    )


def closure_days(year: int) -> frozenset[datetime.date]:
    """The ward's extra closure days in a calendar year (cached for a minute)."""
    stamp = int(timezone.now().timestamp() // 60)
    return _closure_days(year, stamp)


def closure_reason(day: datetime.date) -> str | None:
    """Why the office is closed on ``day``, or None on a business day."""
    if day.weekday() >= 5:
        return _("土日")
    holiday = jpholiday.is_holiday_name(day)
    if holiday:
        return holiday
    if is_year_end_closure(day):
        return _("年末年始")
    if day in closure_days(day.year):
        return _("閉庁日")
    return None


def is_business_day(day: datetime.date) -> bool:
    return closure_reason(day) is None


def add_business_days(day: datetime.date, count: int) -> datetime.date:
    """The business day ``count`` business days after ``day`` (before it if negative)."""
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    current = day
    while remaining:
        current += datetime.timedelta(days=step)
        if is_business_day(current):
            remaining -= 1
    return current


def business_days_between(start: datetime.date, end: datetime.date) -> int:
    """Business days after ``start`` up to and including ``end``."""
    if end <= start:
        return 0
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_business_day(start + datetime.timedelta(days=offset))
    )
