"""The demo building loads through the services, and loading twice changes nothing."""

import io

import pytest
from django.contrib.auth.models import Group

from directory import demo as directory_demo
from directory import roles
from spaces import demo
from spaces.models import Booking, Floor, Resource


@pytest.mark.django_db
def test_demo_building_loads_idempotently():
    # The role groups come from a data migration, which a transactional test may
    # have flushed away before this one.
    for name in roles.LABELS:
        Group.objects.get_or_create(name=name)
    directory_demo.load(stdout=io.StringIO())
    demo.load(stdout=io.StringIO())
    assert Floor.objects.count() == 2
    assert Resource.objects.desks().count() == 80
    assert Resource.objects.rooms().count() == 6
    assert all(floor.plan.name.endswith(".svg") for floor in Floor.objects.all())
    bookings = Booking.objects.count()
    assert bookings > 50
    assert Booking.objects.filter(status=Booking.Status.PENDING).exists()
    assert Booking.objects.filter(series__isnull=False).exists()
    demo.load(stdout=io.StringIO())
    assert Resource.objects.count() == 86
    assert Booking.objects.count() == bookings
