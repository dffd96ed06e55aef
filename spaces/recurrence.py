"""Recurring bookings: RFC 5545 RRULEs expanded in Tokyo time.

Rules are kept without UNTIL; the last day is a separate date. Expansion starts from an
aware Asia/Tokyo DTSTART so every occurrence keeps its wall-clock time, and UNTIL is
given in UTC as RFC 5545 asks when DTSTART has a time zone. Holidays (jpholiday), the
year-end closure and the ward's closure days are skipped, each with its reason.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.rrule import rrulestr
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet.core.dates import WEEKDAYS_JA, closure_reason

from . import slots
from .errors import RuleViolation

WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
ALLOWED_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "WKST"}
MAX_OCCURRENCES = 400


class Frequency(models.TextChoices):
    DAILY = "DAILY", gettext_lazy("毎日")
    WEEKLY = "WEEKLY", gettext_lazy("毎週")
    MONTHLY = "MONTHLY", gettext_lazy("毎月（同じ日）")
    MONTHLY_WEEKDAY = "MONTHLY_WEEKDAY", gettext_lazy("毎月（第n曜日）")


@dataclass(frozen=True)
class Expansion:
    occurrences: list[datetime.datetime]
    skipped: list[tuple[datetime.date, str]]


def build_rrule(
    frequency: Frequency | str,
    *,
    first_day: datetime.date,
    weekdays: list[int] | None = None,
    interval: int = 1,
) -> str:
    """The RRULE (without UNTIL) for a choice made in the booking form."""
    frequency = Frequency(frequency)
    parts = []
    if frequency == Frequency.DAILY:
        parts.append("FREQ=DAILY")
    elif frequency == Frequency.WEEKLY:
        days = sorted(set(weekdays or [first_day.weekday()]))
        parts += ["FREQ=WEEKLY", "BYDAY=" + ",".join(WEEKDAY_CODES[d] for d in days)]
    elif frequency == Frequency.MONTHLY:
        parts += ["FREQ=MONTHLY", f"BYMONTHDAY={first_day.day}"]
    else:
        nth = (first_day.day - 1) // 7 + 1
        code = WEEKDAY_CODES[first_day.weekday()]
        # The 5th weekday does not exist every month: use "the last" instead.
        parts += ["FREQ=MONTHLY", f"BYDAY={'-1' if nth == 5 else nth}{code}"]
    if interval != 1:
        parts.append(f"INTERVAL={interval}")
    return ";".join(parts)


def describe(rrule: str) -> str:
    """The rule in words, as the booking form offered it: 毎週火曜日・木曜日, 毎日,
    毎月5日, 毎月第2火曜日, 2週間ごとの火曜日 — never ``FREQ=WEEKLY;BYDAY=TU``."""
    parts = dict(
        item.partition("=")[::2] for item in rrule.upper().split(";") if "=" in item
    )
    interval = int(parts.get("INTERVAL", "1") or 1)
    frequency = parts.get("FREQ")
    if frequency == "DAILY":
        if interval == 1:
            return _("毎日")
        return _("%(n)s日ごと") % {"n": interval}
    if frequency == "WEEKLY":
        days = "・".join(
            _weekday_name(code) for code in parts.get("BYDAY", "").split(",") if code
        )
        if interval == 1:
            return _("毎週%(days)s") % {"days": days}
        return _("%(n)s週間ごとの%(days)s") % {"n": interval, "days": days}
    if frequency == "MONTHLY":
        if "BYMONTHDAY" in parts:
            day = _("%(day)s日") % {"day": parts["BYMONTHDAY"]}
        else:
            code = parts.get("BYDAY", "")
            nth, weekday = code[:-2], code[-2:]
            if nth == "-1":
                day = _("最終%(weekday)s") % {"weekday": _weekday_name(weekday)}
            else:
                day = _("第%(nth)s%(weekday)s") % {
                    "nth": nth,
                    "weekday": _weekday_name(weekday),
                }
        if interval == 1:
            return _("毎月%(day)s") % {"day": day}
        return _("%(n)sか月ごとの%(day)s") % {"n": interval, "day": day}
    return rrule


def _weekday_name(code: str) -> str:
    return WEEKDAYS_JA[WEEKDAY_CODES.index(code)] + "曜日"


def validate_rrule(text: str) -> str:
    """A clean RRULE body limited to DAILY/WEEKLY/MONTHLY; raises RuleViolation."""
    body = (text or "").strip().upper().removeprefix("RRULE:")
    parts = {}
    for item in filter(None, body.split(";")):
        key, _sep, value = item.partition("=")
        if key not in ALLOWED_PARTS or not value:
            raise RuleViolation(_("繰り返しの指定が正しくありません。"))
        parts[key] = value
    if parts.get("FREQ") not in {"DAILY", "WEEKLY", "MONTHLY"}:
        raise RuleViolation(_("繰り返しは毎日・毎週・毎月から選んでください。"))
    interval = parts.get("INTERVAL", "1")
    if not interval.isdigit() or not 1 <= int(interval) <= 12:
        raise RuleViolation(_("繰り返しの間隔が正しくありません。"))
    try:
        rrulestr(
            f"RRULE:{body}", dtstart=datetime.datetime(2026, 1, 1, tzinfo=slots.TOKYO)
        )
    except (ValueError, TypeError):
        raise RuleViolation(_("繰り返しの指定が正しくありません。")) from None
    return body


def until_utc(until: datetime.date) -> datetime.datetime:
    """The end of ``until`` in Tokyo, in UTC (RFC 5545 UNTIL with a zoned DTSTART)."""
    end = slots.at(until, datetime.time(23, 59, 59))
    return end.astimezone(datetime.UTC)


def rule_starts(
    rrule: str, first_starts_at: datetime.datetime, until: datetime.date
) -> list[datetime.datetime]:
    """Every start the rule yields from DTSTART through ``until``, holidays included."""
    dtstart = slots.local(first_starts_at)
    rule = rrulestr(f"RRULE:{rrule}", dtstart=dtstart).replace(until=until_utc(until))
    starts = []
    for occurrence in rule:
        starts.append(occurrence)
        if len(starts) > MAX_OCCURRENCES:
            raise RuleViolation(
                _("繰り返しの回数が多すぎます。期間を短くしてください。")
            )
    return starts


def expand(
    rrule: str,
    first_starts_at: datetime.datetime,
    until: datetime.date,
    *,
    skip_closed_days: bool = True,
) -> Expansion:
    """The occurrences to book, and the days skipped (holiday or closure) with why."""
    occurrences, skipped = [], []
    for start in rule_starts(rrule, first_starts_at, until):
        reason = closure_reason(start.date()) if skip_closed_days else None
        if reason:
            skipped.append((start.date(), reason))
        else:
            occurrences.append(start)
    return Expansion(occurrences, skipped)
