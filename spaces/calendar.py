"""iCalendar (RFC 5545) output: the personal feed and "add to calendar" for one booking.

A recurring booking is one VEVENT with its RRULE (UNTIL in UTC) and an EXDATE for every
date the rule yields without an active booking: holidays and closure days skipped when
booking, dates taken by others, and occurrences cancelled or released since. A
VTIMEZONE block for Asia/Tokyo is added by icalendar's ``add_missing_timezones()``.
"""

from __future__ import annotations

import datetime

import icalendar
from django.conf import settings
from django.utils import timezone

from . import recurrence, slots
from .models import Booking, BookingSeries

PRODID = "-//Ward office intranet//spaces//JA"
# Event UIDs name the booking, not the intranet's address: a changed BASE_URL must not
# make every calendar app show each booking twice.
UID_DOMAIN = "spaces.intranet"
FEED_PAST = datetime.timedelta(days=60)


def _calendar(name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Tokyo")
    return calendar


def _summary(booking_or_series) -> str:
    resource = booking_or_series.resource
    title = booking_or_series.title
    text = f"{resource.floor.building.name} {resource.floor.name} {resource.label}"
    return f"{title}（{text}）" if title else text


def _event(uid: str, item, starts_at, ends_at, status: str) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", slots.local(starts_at))
    event.add("dtend", slots.local(ends_at))
    event.add("summary", _summary(item))
    resource = item.resource
    event.add(
        "location",
        f"{resource.floor.building.name} {resource.floor.name} {resource.label}",
    )
    event.add("status", status)
    event.add("url", f"{settings.WAGTAILADMIN_BASE_URL}{resource.get_absolute_url()}")
    return event


def _status(booking: Booking) -> str:
    return "TENTATIVE" if booking.status == Booking.Status.PENDING else "CONFIRMED"


def series_event(
    series: BookingSeries, active: list[Booking]
) -> icalendar.Event | None:
    """One VEVENT for the series, with EXDATEs; None when nothing is left of it."""
    if not active:
        return None
    duration = datetime.timedelta(minutes=series.duration_minutes)
    starts = recurrence.rule_starts(series.rrule, series.first_starts_at, series.until)
    # DTSTART is itself an occurrence (RFC 5545): the rule's first start, not the day
    # the series was booked from when that is not one of its weekdays.
    first = starts[0] if starts else series.first_starts_at
    event = _event(
        f"series-{series.pk}", series, first, first + duration, _status(active[0])
    )
    rule = icalendar.vRecur.from_ical(series.rrule)
    rule["UNTIL"] = [recurrence.until_utc(series.until)]
    event.add("rrule", rule)
    kept = {booking.starts_at for booking in active}
    excluded = [start for start in starts if start not in kept]
    if excluded:
        event.add("exdate", [slots.local(start) for start in excluded])
    return event


def feed(person) -> bytes:
    """All of ``person``'s current and coming bookings (and 60 days back)."""
    since = timezone.now() - FEED_PAST
    bookings = list(
        Booking.objects.active()
        .filter(person=person, ends_at__gt=since)
        .select_related("resource__floor__building", "series")
        .order_by("starts_at")
    )
    calendar = _calendar(f"座席・会議室の予約（{person}）")
    by_series: dict[int, list[Booking]] = {}
    series_of: dict[int, BookingSeries] = {}
    for booking in bookings:
        if booking.series_id is None:
            calendar.add_component(
                _event(
                    f"booking-{booking.pk}",
                    booking,
                    booking.starts_at,
                    booking.ends_at,
                    _status(booking),
                )
            )
        else:
            by_series.setdefault(booking.series_id, []).append(booking)
            series_of[booking.series_id] = booking.series
    if by_series:
        # Occurrences before the window count as kept, so they get no EXDATE.
        earlier = Booking.objects.active().filter(
            series_id__in=by_series, ends_at__lte=since
        )
        for booking in earlier.select_related("resource__floor__building"):
            by_series[booking.series_id].append(booking)
    for series_id, active in by_series.items():
        series = series_of[series_id]
        series.resource = active[0].resource
        event = series_event(series, sorted(active, key=lambda b: b.starts_at))
        if event is not None:
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def single(booking: Booking) -> bytes:
    """ "Add to calendar": one booking as its own event."""
    calendar = _calendar(str(booking.resource))
    calendar.add_component(
        _event(
            f"booking-{booking.pk}",
            booking,
            booking.starts_at,
            booking.ends_at,
            _status(booking),
        )
    )
    calendar.add_missing_timezones()
    return calendar.to_ical()
