"""Desks and rooms: free/busy of a resource or a floor for a day, book, cancel.

Free/busy of a floor comes from ``spaces.availability.floor_plan`` (the floor plan
page's own reading, with each person's location privacy); booking and cancelling
call ``spaces.services``.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from spaces import availability, queries, services, slots
from spaces.models import Booking, Floor, Resource

from ..auth import scoped
from ..errors import PROBLEM_RESPONSES, WRITE_PROBLEM_RESPONSES, ApiProblem
from ..params import Id, checked_day
from ..scopes import Scope

router = Router(tags=["bookings"])
READ = scoped(Scope.BOOKINGS_READ)
WRITE = scoped(Scope.BOOKINGS_WRITE)


class BusyOut(Schema):
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    status: str


class ResourceDay(Schema):
    id: int
    kind: str
    code: str
    name: str
    state: str
    state_label: str
    occupant: str
    busy: list[BusyOut]


class FloorDay(Schema):
    id: int
    name: str
    building: str
    date: datetime.date
    resources: list[ResourceDay]


class BookingOut(Schema):
    id: int
    resource: int
    resource_label: str
    person: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    status: str
    title: str


class BookingIn(Schema):
    resource: int = Field(ge=1, le=2**53)
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    title: str = Field("", max_length=100)
    person: str | None = Field(
        None, max_length=150, description="代理予約: 利用者の利用者名"
    )


class CancelIn(Schema):
    scope: services.CancelScope = services.CancelScope.ONE


def _day_bounds(day: datetime.date):
    start = slots.at(day, datetime.time(0))
    return start, start + datetime.timedelta(days=1)


def booking_out(booking: Booking) -> dict:
    return {
        "id": booking.pk,
        "resource": booking.resource_id,
        "resource_label": booking.resource.label,
        "person": booking.person.username,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "status": booking.status,
        "title": booking.title,
    }


@router.get(
    "/floors/{floor_id}/availability",
    auth=READ,
    response={200: FloorDay, **PROBLEM_RESPONSES},
    summary="フロアの空き状況（1日）",
)
def floor_availability(request, floor_id: Id, date: datetime.date | None = None):
    floor = Floor.objects.select_related("building").filter(pk=floor_id).first()
    if floor is None:
        raise ApiProblem(404, "not_found", _("フロアが見つかりません。"))
    day = checked_day(date or slots.today())
    start, end = _day_bounds(day)
    plan = availability.floor_plan(floor, start, end, request.user)
    return {
        "id": floor.pk,
        "name": floor.name,
        "building": floor.building.name,
        "date": day,
        "resources": [
            {
                "id": item.resource.pk,
                "kind": item.resource.kind,
                "code": item.resource.code,
                "name": item.resource.name,
                "state": item.state,
                "state_label": item.state_label,
                "occupant": item.occupant,
                "busy": [
                    {"starts_at": h.starts_at, "ends_at": h.ends_at, "status": h.status}
                    for h in item.bookings
                ],
            }
            for item in plan.items
        ],
    }


@router.get(
    "/resources/{resource_id}/busy",
    auth=READ,
    response={200: list[BusyOut], **PROBLEM_RESPONSES},
    summary="座席・会議室の予約済み時間帯（1日）",
)
def resource_busy(request, resource_id: Id, date: datetime.date | None = None):
    resource = Resource.objects.filter(pk=resource_id).first()
    if resource is None:
        raise ApiProblem(404, "not_found", _("座席・会議室が見つかりません。"))
    start, end = _day_bounds(checked_day(date or slots.today()))
    rows = (
        Booking.objects.active()
        .overlapping(start, end)
        .filter(resource=resource)
        .order_by("starts_at")
        .values("starts_at", "ends_at", "status")
    )
    return list(rows)


@router.get(
    "/bookings",
    auth=READ,
    response={200: list[BookingOut], **PROBLEM_RESPONSES},
    summary="自分のこれからの予約",
)
def my_bookings(request, limit: int = Query(20, ge=1, le=100)):
    return [booking_out(b) for b in queries.upcoming_bookings_for(request.user, limit)]


@router.post(
    "/bookings",
    auth=WRITE,
    response={201: BookingOut, **WRITE_PROBLEM_RESPONSES},
    summary="予約する",
)
def create_booking(request, payload: BookingIn):
    resource = (
        Resource.objects.select_related("floor__building")
        .filter(pk=payload.resource)
        .first()
    )
    if resource is None:
        raise ApiProblem(422, "unknown_resource", _("座席・会議室が見つかりません。"))
    if payload.starts_at.tzinfo is None or payload.ends_at.tzinfo is None:
        raise ApiProblem(
            422,
            "naive_datetime",
            _(
                "日時にはタイムゾーンを付けてください（例: 2026-04-01T10:00:00+09:00）。"
            ),
        )
    person = request.user
    if payload.person and payload.person != request.user.username:
        person = (
            get_user_model()
            .objects.filter(username=payload.person, is_active=True)
            .first()
        )
        if person is None:
            raise ApiProblem(
                422, "unknown_person", _("指定された職員が見つかりません。")
            )
    booking = services.book(
        resource=resource,
        person=person,
        by=request.user,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        title=payload.title,
    )
    return Status(201, booking_out(booking))


@router.post(
    "/bookings/{booking_id}/cancel",
    auth=WRITE,
    response={200: list[BookingOut], **WRITE_PROBLEM_RESPONSES},
    summary="予約を取り消す",
)
def cancel_booking(request, booking_id: Id, payload: CancelIn | None = None):
    booking = (
        Booking.objects.select_related("resource__floor__building", "series")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None or not services.can_manage_booking(request.user, booking):
        raise ApiProblem(404, "not_found", _("予約が見つかりません。"))
    cancelled = services.cancel_booking(
        booking=booking,
        by=request.user,
        scope=payload.scope if payload else services.CancelScope.ONE,
    )
    return [booking_out(b) for b in cancelled]
