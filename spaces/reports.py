"""Utilisation and no-show figures for facility managers, as a table, CSV or Excel.

Utilisation of a floor/area on a day = minutes held by bookings that were used or still
stand (confirmed, checked in, checked out) ÷ the bookable minutes of its resources
(desks: the working day; rooms: their bookable hours). No-show rate = released ÷
(released + checked in + checked out) among bookings that started in the period.
Days the office is closed are left out unless the building books on them.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from intranet.core.dates import is_business_day

from . import slots
from .models import Booking, Resource
from .rules import rules_for

USED = (Booking.Status.CHECKED_IN, Booking.Status.CHECKED_OUT)


@dataclass
class Row:
    day: datetime.date
    building: str
    floor: str
    area: str
    resources: int
    available_minutes: int
    booked_minutes: int = 0
    bookings: int = 0
    used: int = 0
    no_shows: int = 0

    @property
    def utilisation(self) -> float:
        if not self.available_minutes:
            return 0.0
        return min(1.0, self.booked_minutes / self.available_minutes)

    @property
    def no_show_rate(self) -> float | None:
        settled = self.used + self.no_shows
        return self.no_shows / settled if settled else None


def _minutes(start: datetime.datetime, end: datetime.datetime) -> int:
    return max(0, int((end - start).total_seconds() // 60))


def utilisation(start: datetime.date, end: datetime.date, building=None) -> list[Row]:
    """One row per day × floor × area (inclusive dates); three queries."""
    resources = list(
        Resource.objects.bookable()
        .select_related("floor__building", "area")
        .order_by("floor__building__sort_order", "floor__level", "area__name", "code")
    )
    if building is not None:
        resources = [r for r in resources if r.floor.building_id == building.pk]
    window_start = slots.at(start, datetime.time(0))
    window_end = slots.at(end + datetime.timedelta(days=1), datetime.time(0))
    bookings = (
        Booking.objects.filter(
            resource__in=[r.pk for r in resources],
            starts_at__lt=window_end,
            ends_at__gt=window_start,
        )
        .filter(status__in=(*Booking.HOLDING, Booking.Status.RELEASED))
        .values_list("resource_id", "starts_at", "ends_at", "status")
    )
    by_id = {resource.pk: resource for resource in resources}
    capacity: dict[int, tuple[datetime.time, datetime.time]] = {}
    for resource in resources:
        building_ = resource.floor.building
        if resource.is_desk:
            capacity[resource.pk] = (building_.morning_starts, building_.afternoon_ends)
        else:
            rules = rules_for(resource)
            capacity[resource.pk] = (rules.opens_at, rules.closes_at)
    rows: dict[tuple, Row] = {}
    day = start
    while day <= end:
        for resource in resources:
            building_ = resource.floor.building
            if not building_.bookable_on_closure_days and not is_business_day(day):
                continue
            key = (day, resource.floor_id, resource.area_id)
            opens, closes = capacity[resource.pk]
            row = rows.get(key)
            if row is None:
                row = rows[key] = Row(
                    day=day,
                    building=building_.name,
                    floor=resource.floor.name,
                    area=resource.area.name if resource.area else "",
                    resources=0,
                    available_minutes=0,
                )
            row.resources += 1
            row.available_minutes += _minutes(
                slots.at(day, opens), slots.at(day, closes)
            )
        day += datetime.timedelta(days=1)
    for resource_id, starts_at, ends_at, status in bookings:
        resource = by_id[resource_id]
        day = slots.local(starts_at).date()
        row = rows.get((day, resource.floor_id, resource.area_id))
        if row is None:
            continue
        if status == Booking.Status.RELEASED:
            row.no_shows += 1
            continue
        row.bookings += 1
        if status in USED:
            row.used += 1
        opens, closes = capacity[resource_id]
        row.booked_minutes += _minutes(
            max(starts_at, slots.at(day, opens)), min(ends_at, slots.at(day, closes))
        )
    return sorted(rows.values(), key=lambda r: (r.day, r.building, r.floor, r.area))


def headers() -> list[str]:
    return [
        _("日付"),
        _("建物"),
        _("フロア"),
        _("エリア"),
        _("座席・会議室数"),
        _("予約可能時間（分）"),
        _("予約時間（分）"),
        _("稼働率（%）"),
        _("予約件数"),
        _("利用件数"),
        _("不在解放件数"),
        _("不在率（%）"),
    ]


def _values(row: Row) -> list:
    rate = row.no_show_rate
    return [
        row.day.isoformat(),
        row.building,
        row.floor,
        row.area,
        row.resources,
        row.available_minutes,
        row.booked_minutes,
        round(row.utilisation * 100, 1),
        row.bookings,
        row.used,
        row.no_shows,
        "" if rate is None else round(rate * 100, 1),
    ]


def as_csv(rows: list[Row]) -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Japanese headers correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers())
    for row in rows:
        writer.writerow(_values(row))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(rows: list[Row]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("稼働率")
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(_values(row))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
