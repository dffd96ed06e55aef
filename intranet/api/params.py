"""Bounds on what clients send, so that no value reaches the database or the date
arithmetic in a form it cannot take (a 422 instead of a server error)."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path

from .errors import ApiProblem

MAX_ID = 2**53
# Dates further than this from today are refused (bookings, free/busy).
DATE_RANGE = datetime.timedelta(days=3660)

Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def checked_day(day: datetime.date) -> datetime.date:
    if abs(day - timezone.localdate()) > DATE_RANGE:
        raise ApiProblem(
            422, "date_out_of_range", _("日付は今日から10年以内で指定してください。")
        )
    return day


def checked_moment(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None:
        raise ApiProblem(
            422,
            "naive_datetime",
            _(
                "日時にはタイムゾーンを付けてください（例: 2026-04-01T10:00:00+09:00）。"
            ),
        )
    checked_day(moment.date())
    return moment


def has_nul(request) -> bool:
    """Text with a NUL character: PostgreSQL cannot store it, and no form sends one."""
    if any("\x00" in value for values in request.GET.lists() for value in values[1]):
        return True
    if request.content_type == "application/json":
        return b"\\u0000" in request.body or b"\x00" in request.body
    return False
