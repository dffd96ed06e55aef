"""Time on the ward's clock: Asia/Tokyo, half-days for desks, 30-minute steps for rooms."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKYO = ZoneInfo("Asia/Tokyo")
STEP = datetime.timedelta(minutes=30)


class DeskSlot(models.TextChoices):
    MORNING = "am", _("午前")
    AFTERNOON = "pm", _("午後")
    DAY = "day", _("終日")


def at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """The aware Tokyo datetime of ``time`` on ``day``."""
    return datetime.datetime.combine(day, time, tzinfo=TOKYO)


def local(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(TOKYO)


def today() -> datetime.date:
    return timezone.now().astimezone(TOKYO).date()


def desk_slot_bounds(
    building, day: datetime.date, slot: DeskSlot | str
) -> tuple[datetime.datetime, datetime.datetime]:
    slot = DeskSlot(slot)
    if slot == DeskSlot.MORNING:
        return at(day, building.morning_starts), at(day, building.morning_ends)
    if slot == DeskSlot.AFTERNOON:
        return at(day, building.afternoon_starts), at(day, building.afternoon_ends)
    return at(day, building.morning_starts), at(day, building.afternoon_ends)


def desk_slot_of(
    building, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> DeskSlot | None:
    """Which half-day (or whole day) the range is, or None when it is none of them."""
    day = local(starts_at).date()
    for slot in DeskSlot:
        if desk_slot_bounds(building, day, slot) == (starts_at, ends_at):
            return slot
    return None


def rest_of_desk_slot(
    building, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> DeskSlot | None:
    """The half-day whose end ``ends_at`` is and which ``starts_at`` falls in, or None.

    What a walk-in books when part of a half-day is already over (someone checked out).
    """
    day = local(starts_at).date()
    for slot in (DeskSlot.MORNING, DeskSlot.AFTERNOON):
        start, end = desk_slot_bounds(building, day, slot)
        if end == ends_at and start <= starts_at < end:
            return slot
    return None


def minute_floor(moment: datetime.datetime) -> datetime.datetime:
    return moment.replace(second=0, microsecond=0)


def on_step(moment: datetime.datetime) -> bool:
    """True on a 30-minute boundary (xx:00 or xx:30) of Tokyo time."""
    moment = local(moment)
    return moment.minute % 30 == 0 and moment.second == 0 and moment.microsecond == 0


def step_floor(moment: datetime.datetime) -> datetime.datetime:
    moment = local(moment)
    return moment.replace(
        minute=moment.minute - moment.minute % 30, second=0, microsecond=0
    )


def step_ceil(moment: datetime.datetime) -> datetime.datetime:
    floor = step_floor(moment)
    return floor if floor == local(moment) else floor + STEP


def room_times(opens: datetime.time, closes: datetime.time) -> list[datetime.time]:
    """Every 30-minute step from opening to closing, both included."""
    times = []
    current = datetime.datetime.combine(datetime.date(2000, 1, 1), opens)
    end = datetime.datetime.combine(datetime.date(2000, 1, 1), closes)
    while current <= end:
        times.append(current.time())
        current += STEP
    return times


def describe(resource, starts_at: datetime.datetime, ends_at: datetime.datetime) -> str:
    """「2026年12月1日（火） 午前」 or 「2026年12月1日（火） 10:00〜11:30」."""
    from intranet.core.dates import format_date

    start, end = local(starts_at), local(ends_at)
    day = format_date(start.date())
    if resource.is_desk:
        slot = desk_slot_of(resource.floor.building, starts_at, ends_at)
        if slot is not None:
            return f"{day} {slot.label}"
    return f"{day} {start:%H:%M}〜{end:%H:%M}"
