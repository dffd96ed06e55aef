"""What is free when: the floor plan's states and the alternatives to a taken slot.

Each function answers in a fixed number of queries whatever the number of desks or of
past bookings (the bookings are read by ``(resource, ends_at)``, so history before the
window is never scanned).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet.core.dates import is_business_day

from . import privacy, slots
from .errors import Alternatives, FreeSlot
from .models import Booking, Floor, Placement, Resource
from .rules import rules_for

# A sign for each state, so that the plan never speaks by colour alone.
MARKS = {
    "free": "",
    "partial": "◐",
    "booked": "×",
    "pending": "…",
    "mine": "★",
    "checked_in": "✓",
    "fixed": "固",
    "unavailable": "―",
}


class State(models.TextChoices):
    FREE = "free", gettext_lazy("空き")
    PARTIAL = "partial", gettext_lazy("一部予約あり")
    BOOKED = "booked", gettext_lazy("予約済み")
    PENDING = "pending", gettext_lazy("承認待ち")
    MINE = "mine", gettext_lazy("自分の予約")
    CHECKED_IN = "checked_in", gettext_lazy("利用中")
    FIXED = "fixed", gettext_lazy("固定席")
    UNAVAILABLE = "unavailable", gettext_lazy("利用停止")


@dataclass
class PlanItem:
    resource: PlacedResource
    state: State
    bookings: list[Hold] = field(default_factory=list)
    occupant: str = ""  # a name the viewer may see, else ""
    state_label: str = ""  # the state's translated label (looked up once per plan)
    occupant_search: str = ""  # the occupant's normalised name, reading and romaji
    occupant_sort_key: str = ""  # the occupant's place in 五十音順

    @property
    def mark(self) -> str:
        return MARKS[self.state]

    @property
    def bookable(self) -> bool:
        return self.state in (State.FREE, State.PARTIAL) or (
            self.resource.is_room and self.state == State.PENDING
        )

    @property
    def label(self) -> str:
        """What a screen reader says for this desk or room."""
        parts = [self.resource.label, self.state_label or str(self.state.label)]
        if self.occupant:
            parts.append(self.occupant)
        if self.resource.is_room and self.resource.capacity:
            parts.append(_("定員%(count)s名") % {"count": self.resource.capacity})
        return "、".join(parts)


@dataclass
class FloorPlan:
    floor: Floor
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    areas: list
    items: list[PlanItem]

    @property
    def desks(self) -> list[PlanItem]:
        return [item for item in self.items if item.resource.is_desk]

    @property
    def rooms(self) -> list[PlanItem]:
        return [item for item in self.items if item.resource.is_room]

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.desks:
            counts[item.state] = counts.get(item.state, 0) + 1
        return counts


@dataclass(slots=True)
class PlacedResource(Placement):
    """A desk or room as the plan reads it: plain values, no model instance."""

    pk: int
    kind: str
    code: str
    name: str
    mode: str
    area_id: int | None
    assigned_to_id: int | None
    x: float
    y: float
    width: float
    height: float
    capacity: int | None

    @property
    def id(self) -> int:
        return self.pk


@dataclass(slots=True)
class Hold:
    """A booking as the plan reads it."""

    person_id: int
    status: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime

    @property
    def is_holding(self) -> bool:
        return self.status in HOLDING


HOLDING = frozenset(status.value for status in Booking.HOLDING)
_PERSON = (
    "username",
    "last_name",
    "first_name",
    "spaces_profile__location_visibility",
    "search_text",
    "sort_key",
)


def _name(username: str, last: str, first: str) -> str:
    return f"{last} {first}".strip() or username


def floor_plan(
    floor: Floor, starts_at: datetime.datetime, ends_at: datetime.datetime, viewer
) -> FloorPlan:
    """Every desk and room of ``floor`` with its state for ``viewer`` in the window.

    Five queries at most: areas, resources, bookings (with people and their privacy
    choices), and — only when someone shown chose "my section" — memberships and units.
    Rows are read as plain values: a floor has hundreds of desks, and building model
    instances was what the page's time grew with (bench/spaces.py).
    """
    areas = list(floor.areas.all())
    resource_rows = floor.resources.order_by("kind", "code").values_list(
        "id",
        "kind",
        "code",
        "name",
        "mode",
        "area_id",
        "assigned_to_id",
        "x",
        "y",
        "width",
        "height",
        "capacity",
        *(f"assigned_to__{column}" for column in _PERSON),
    )
    booking_rows = (
        Booking.objects.active()
        .overlapping(starts_at, ends_at)
        .filter(resource__floor=floor)
        .order_by("starts_at")
        .values_list(
            "resource_id",
            "person_id",
            "status",
            "starts_at",
            "ends_at",
            *(f"person__{column}" for column in _PERSON),
        )
    )
    by_resource: dict[int, list[Hold]] = {}
    names: dict[int, str] = {}
    choices: dict[int, str] = {}
    shown_by: dict[int, int] = {}
    searchable: dict[int, str] = {}
    sort_keys: dict[int, str] = {}
    for resource_id, person_id, status, start, end, *person in booking_rows:
        by_resource.setdefault(resource_id, []).append(
            Hold(person_id, status, start, end)
        )
        names[person_id] = _name(*person[:3])
        choices[person_id] = person[3] or privacy.DEFAULT_VISIBILITY
        searchable[person_id] = person[4]
        sort_keys[person_id] = person[5]
        if status in HOLDING:
            shown_by.setdefault(resource_id, person_id)
    resources = []
    for row in resource_rows:
        resource = PlacedResource(*row[:12])
        resources.append(resource)
        if resource.mode == Resource.Mode.FIXED and resource.assigned_to_id:
            names[resource.assigned_to_id] = _name(*row[12:15])
            choices[resource.assigned_to_id] = row[15] or privacy.DEFAULT_VISIBILITY
            searchable[resource.assigned_to_id] = row[16]
            sort_keys[resource.assigned_to_id] = row[17]
    visible = privacy.visible_people(
        viewer,
        {pk: privacy.Visibility(choice) for pk, choice in choices.items()},
        slots.local(starts_at).date(),
    )
    labels = {state: str(state.label) for state in State}
    free = State.FREE
    items = []
    for resource in resources:
        own = by_resource.get(resource.pk)
        if own is None and resource.mode == Resource.Mode.HOT:
            items.append(PlanItem(resource, free, [], "", labels[free]))
            continue
        own = own or []
        state = _state(resource, own, viewer, starts_at, ends_at)
        shown = shown_by.get(resource.pk)
        if shown is None and resource.mode == Resource.Mode.FIXED:
            shown = resource.assigned_to_id
        if shown is not None and shown in visible:
            occupant, search = names[shown], searchable[shown]
            sort_key = sort_keys[shown]
        else:
            occupant, search, sort_key = "", "", ""
        items.append(
            PlanItem(resource, state, own, occupant, labels[state], search, sort_key)
        )
    return FloorPlan(floor, starts_at, ends_at, areas, items)


def _state(resource, bookings, viewer, starts_at, ends_at) -> State:
    if resource.mode == Resource.Mode.UNAVAILABLE:
        return State.UNAVAILABLE
    holding = [b for b in bookings if b.is_holding]
    if any(b.person_id == viewer.pk for b in bookings):
        return State.MINE
    if resource.mode == Resource.Mode.FIXED and resource.assigned_to_id != viewer.pk:
        return State.FIXED
    if any(b.status == Booking.Status.CHECKED_IN for b in holding):
        return State.CHECKED_IN
    if holding:
        return State.BOOKED if _covers(holding, starts_at, ends_at) else State.PARTIAL
    if bookings:
        return State.PENDING
    return State.FREE


def _covers(bookings, starts_at, ends_at) -> bool:
    """True when the bookings leave no bookable gap in the window."""
    cursor = starts_at
    for booking in sorted(bookings, key=lambda b: b.starts_at):
        if booking.starts_at > cursor:
            return False
        cursor = max(cursor, booking.ends_at)
    return cursor >= ends_at


def is_free(resource: Resource, starts_at, ends_at) -> bool:
    return (
        not Booking.objects.holding()
        .overlapping(starts_at, ends_at)
        .filter(resource=resource)
        .exists()
    )


def free_resources_near(
    resource: Resource, starts_at, ends_at, *, person=None, limit: int = 5
) -> list[Resource]:
    """Other bookable resources of the same kind on the floor, nearest first.

    Rooms also come from the other floors of the building when they seat as many people.
    """
    candidates = Resource.objects.bookable().filter(kind=resource.kind)
    if resource.is_desk:
        candidates = candidates.filter(floor=resource.floor)
        if person is not None:
            candidates = candidates.filter(
                models.Q(mode=Resource.Mode.HOT) | models.Q(assigned_to=person)
            )
        else:
            candidates = candidates.filter(mode=Resource.Mode.HOT)
    else:
        candidates = candidates.filter(floor__building=resource.floor.building_id)
        if resource.capacity:
            candidates = candidates.filter(capacity__gte=resource.capacity)
    taken = Booking.objects.holding().overlapping(starts_at, ends_at)
    free = list(
        candidates.exclude(pk=resource.pk)
        .exclude(pk__in=taken.values("resource_id"))
        .select_related("floor", "area")
    )
    free.sort(
        key=lambda other: (
            other.floor_id != resource.floor_id,
            resource.distance_to(other),
            other.code,
        )
    )
    return free[:limit]


def next_free_slot(
    resource: Resource, starts_at, ends_at, *, horizon_days: int = 14
) -> FreeSlot | None:
    """The next time after the request that ``resource`` is free for as long.

    Desks: the same half-day (or whole day) on the next business days, and the other
    half of the same day. Rooms: 30-minute steps within bookable hours.
    """
    duration = ends_at - starts_at
    horizon = starts_at + datetime.timedelta(days=horizon_days + 1)
    taken = list(
        Booking.objects.holding()
        .filter(resource=resource, starts_at__lt=horizon, ends_at__gt=starts_at)
        .values_list("starts_at", "ends_at")
    )

    def free(start, end):
        return all(not (s < end and start < e) for s, e in taken)

    building = resource.floor.building
    first_day = slots.local(starts_at).date()
    rules = rules_for(resource)
    for offset in range(horizon_days + 1):
        day = first_day + datetime.timedelta(days=offset)
        if not rules.bookable_on_closure_days and not is_business_day(day):
            continue
        if resource.is_desk:
            wanted = (
                slots.desk_slot_of(building, starts_at, ends_at) or slots.DeskSlot.DAY
            )
            # Today: the other half-day if it is later; after that, the same slot.
            candidates = (
                [wanted] if offset else [s for s in slots.DeskSlot if s != wanted]
            )
            for slot in candidates:
                start, end = slots.desk_slot_bounds(building, day, slot)
                if start >= starts_at and free(start, end):
                    return FreeSlot(start, end)
        else:
            start = max(slots.at(day, rules.opens_at), starts_at + slots.STEP)
            start = slots.step_ceil(start)
            last = slots.at(day, rules.closes_at)
            while start + duration <= last:
                if free(start, start + duration):
                    return FreeSlot(start, start + duration)
                start += slots.STEP
    return None


def alternatives(resource, starts_at, ends_at, *, person=None) -> Alternatives:
    return Alternatives(
        resources=free_resources_near(resource, starts_at, ends_at, person=person),
        next_slot=next_free_slot(resource, starts_at, ends_at),
    )
