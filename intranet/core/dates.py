"""Japanese dates: 和暦, 年度 (April–March) and business days (開庁日).

A leaf module: every app may use it; it uses only Django, jpholiday and ClosureDay.
"""

from __future__ import annotations

import datetime
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


def japanese_date(day: datetime.date, *, weekday: bool = True) -> str:
    """2026年11月27日（金）"""
    text = f"{day.year}年{day.month}月{day.day}日"
    return f"{text}（{WEEKDAYS_JA[day.weekday()]}）" if weekday else text


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
