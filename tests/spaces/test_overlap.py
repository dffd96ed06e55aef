"""No double booking, ever: random bookings never overlap in the database, and fifty
people clicking at once get exactly one desk between them."""

import datetime
import threading

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spaces import services, slots
from spaces.errors import AlreadyBooked
from spaces.models import Booking
from tests.factories import MembershipFactory, PersonFactory

STATUSES = [status for status, _label in Booking.Status.choices]

attempts = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=1),  # which room
        st.integers(min_value=0, max_value=20),  # start, in 30-minute steps from 08:00
        st.integers(min_value=1, max_value=6),  # length, in steps
        st.sampled_from(STATUSES),
    ),
    min_size=1,
    max_size=25,
)


class Rollback(Exception):
    pass


def overlaps(a, b):
    return a[0] < b[1] and b[0] < a[1]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(attempts=attempts)
def test_random_bookings_never_overlap_in_the_database(
    campus, applicant, day, attempts
):
    rooms = [campus.room, campus.desk]
    base = slots.at(day, datetime.time(8))
    step = datetime.timedelta(minutes=30)
    try:
        with transaction.atomic():
            accepted = {0: [], 1: []}
            for which, start, length, status in attempts:
                span = (base + start * step, base + (start + length) * step)
                holding = status in Booking.HOLDING
                clash = holding and any(
                    overlaps(span, other) for other in accepted[which]
                )
                try:
                    with transaction.atomic():
                        Booking.objects.create(
                            resource=rooms[which],
                            person=applicant,
                            booked_by=applicant,
                            starts_at=span[0],
                            ends_at=span[1],
                            status=status,
                        )
                except IntegrityError:
                    # Refused exactly when it would have overlapped a holding booking.
                    assert clash
                else:
                    assert not clash
                    if holding:
                        accepted[which].append(span)
            stored = list(
                Booking.objects.holding().values_list(
                    "resource_id", "starts_at", "ends_at"
                )
            )
            for index, (resource, start, end) in enumerate(stored):
                for other_resource, other_start, other_end in stored[index + 1 :]:
                    if resource == other_resource:
                        assert not overlaps((start, end), (other_start, other_end))
            raise Rollback
    except Rollback:
        pass


@pytest.mark.django_db(transaction=True)
def test_fifty_people_book_the_same_desk_at_once(campus, office, day):
    people = [office.applicant, office.kakaricho]
    for number in range(48):
        person = PersonFactory(username=f"rush{number}")
        MembershipFactory(
            person=person, unit=office.units.shomu, post=office.posts.shuji
        )
        people.append(person)
    barrier = threading.Barrier(len(people))
    outcomes = []
    lock = threading.Lock()

    def attempt(person):
        close_old_connections()
        try:
            barrier.wait(timeout=60)
            services.book_desk(
                desk=campus.desk, person=person, by=person, day=day, slot="am"
            )
            result = "booked"
        except AlreadyBooked:
            result = "already booked"
        except Exception as error:  # any other outcome fails the test below
            result = f"{type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) == 50
    assert outcomes.count("booked") == 1, sorted(set(outcomes))
    assert outcomes.count("already booked") == 49, sorted(set(outcomes))
    assert Booking.objects.holding().filter(resource=campus.desk).count() == 1
