"""A small building for the spaces tests: one floor, an area of hot desks, two rooms."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group

from directory import roles
from intranet.core.dates import add_business_days
from spaces import slots
from spaces.models import Area, Building, Equipment, Floor, Resource


def business_day(offset: int = 1) -> datetime.date:
    """The ``offset``-th business day after today (Tokyo)."""
    return add_business_days(slots.today(), offset)


@pytest.fixture
def day():
    return business_day(2)


@pytest.fixture
def facility_manager(office):
    group, _created = Group.objects.get_or_create(name=roles.FACILITY_MANAGERS)
    group.user_set.add(office.kakaricho)
    office.kakaricho._role_names = None
    return office.kakaricho


@pytest.fixture
def campus(office):
    return make_campus(office)


def make_campus(office):
    """本庁舎 3階: six hot desks, a fixed desk, a broken one and two rooms."""
    building = Building.objects.create(code="honcho", name="本庁舎")
    floor = Floor.objects.create(
        building=building, name="3階", level=3, plan_width=800, plan_height=400
    )
    area = Area.objects.create(
        floor=floor, name="Aエリア", x=10, y=10, width=400, height=200
    )
    desks = [
        Resource.objects.create(
            kind=Resource.Kind.DESK,
            floor=floor,
            area=area,
            code=f"A-{number:02d}",
            x=20 + 50 * number,
            y=40,
        )
        for number in range(1, 7)
    ]
    fixed = Resource.objects.create(
        kind=Resource.Kind.DESK,
        floor=floor,
        area=area,
        code="A-99",
        mode=Resource.Mode.FIXED,
        assigned_to=office.kacho,
        x=600,
        y=40,
    )
    broken = Resource.objects.create(
        kind=Resource.Kind.DESK,
        floor=floor,
        code="B-01",
        mode=Resource.Mode.UNAVAILABLE,
        x=600,
        y=100,
    )
    projector = Equipment.objects.create(code="projector", name="プロジェクター")
    room = Resource.objects.create(
        kind=Resource.Kind.ROOM,
        floor=floor,
        code="301",
        name="第1会議室",
        capacity=8,
        x=450,
        y=220,
        width=150,
        height=120,
    )
    room.equipment.add(projector)
    big_room = Resource.objects.create(
        kind=Resource.Kind.ROOM,
        floor=floor,
        code="302",
        name="大会議室",
        capacity=30,
        needs_approval=True,
        approver=office.kacho,
        x=620,
        y=220,
        width=170,
        height=120,
    )
    return SimpleNamespace(
        building=building,
        floor=floor,
        area=area,
        desks=desks,
        desk=desks[0],
        fixed=fixed,
        broken=broken,
        room=room,
        big_room=big_room,
    )


@pytest.fixture(autouse=True)
def _fresh_closure_days():
    """intranet.core.dates caches closure days per minute; a rolled-back test's rows
    must not leak into the next test through that cache."""
    from intranet.core import dates

    dates._closure_days.cache_clear()
    yield
    dates._closure_days.cache_clear()
