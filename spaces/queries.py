"""Read-only questions other pages ask of spaces (dashboard, profile, finder).

Public API for the home dashboard and the people finder:
``bookings_today_for(person)``, ``upcoming_bookings_for(person, limit)``,
``pending_approvals_for(person)``, ``where_is(viewer, person, day)``,
``find_colleagues(viewer, query, day, limit)``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q

from directory.text import normalize_name

from . import privacy, slots
from .models import Booking, Resource


def _day_window(day: datetime.date):
    start = slots.at(day, datetime.time(0))
    return start, start + datetime.timedelta(days=1)


def bookings_today_for(person, day: datetime.date | None = None) -> list[Booking]:
    """``person``'s desks and rooms today (pending ones too), in time order."""
    start, end = _day_window(day or slots.today())
    return list(
        Booking.objects.active()
        .overlapping(start, end)
        .filter(person=person)
        .select_related("resource__floor__building", "resource__area")
        .order_by("starts_at")
    )


def upcoming_bookings_for(person, limit: int = 20) -> list[Booking]:
    return list(
        Booking.objects.active()
        .upcoming()
        .filter(person=person)
        .select_related("resource__floor__building", "resource__area", "series")
        .order_by("starts_at")[:limit]
    )


def pending_approvals_for(person) -> list[Booking]:
    """Requests waiting for ``person`` as a room's approver (one row per series)."""
    rows = (
        Booking.objects.filter(status=Booking.Status.PENDING, resource__approver=person)
        .select_related("resource__floor__building", "person", "series")
        .order_by("starts_at")
    )
    seen, result = set(), []
    for booking in rows:
        key = ("s", booking.series_id) if booking.series_id else ("b", booking.pk)
        if key not in seen:
            seen.add(key)
            result.append(booking)
    return result


@dataclass
class Location:
    """Where someone sits on a day, as far as the viewer may know."""

    person: object
    visible: bool
    bookings: list[Booking] = field(default_factory=list)
    fixed_desks: list[Resource] = field(default_factory=list)

    @property
    def known(self) -> bool:
        return self.visible and bool(self.bookings or self.fixed_desks)


def where_is(viewer, person, day: datetime.date | None = None) -> Location:
    day = day or slots.today()
    if not privacy.can_see_location(viewer, person, day):
        return Location(person, visible=False)
    start, end = _day_window(day)
    bookings = list(
        Booking.objects.holding()
        .overlapping(start, end)
        .filter(person=person, resource__kind=Resource.Kind.DESK)
        .select_related("resource__floor__building", "resource__area")
        .order_by("starts_at")
    )
    fixed = list(
        Resource.objects.filter(
            mode=Resource.Mode.FIXED, assigned_to=person
        ).select_related("floor__building", "area")
    )
    return Location(person, visible=True, bookings=bookings, fixed_desks=fixed)


def find_colleagues(
    viewer, query: str, day: datetime.date | None = None, limit: int = 20
) -> list[Location]:
    """People matching ``query`` (name, reading, romaji …) and where they sit on ``day``.

    A fixed number of queries: people, bookings, privacy choices and — for "my
    section" — memberships and units.
    """
    day = day or slots.today()
    words = normalize_name(query).split()
    if not words:
        return []
    people_query = Q(is_active=True)
    for word in words:
        people_query &= Q(search_text__contains=word)
    people = list(
        get_user_model().objects.filter(people_query).order_by("sort_key")[:limit]
    )
    if not people:
        return []
    visible = privacy.visible_people(
        viewer, privacy.visibilities(p.pk for p in people), day
    )
    start, end = _day_window(day)
    bookings: dict[int, list[Booking]] = {}
    for booking in (
        Booking.objects.holding()
        .overlapping(start, end)
        .filter(person__in=[p for p in people if p.pk in visible])
        .filter(resource__kind=Resource.Kind.DESK)
        .select_related("resource__floor__building", "resource__area")
        .order_by("starts_at")
    ):
        bookings.setdefault(booking.person_id, []).append(booking)
    fixed: dict[int, list[Resource]] = {}
    for desk in Resource.objects.filter(
        mode=Resource.Mode.FIXED, assigned_to__in=[p for p in people if p.pk in visible]
    ).select_related("floor__building", "area"):
        fixed.setdefault(desk.assigned_to_id, []).append(desk)
    return [
        Location(
            person,
            visible=person.pk in visible,
            bookings=bookings.get(person.pk, []),
            fixed_desks=fixed.get(person.pk, []),
        )
        for person in people
    ]
