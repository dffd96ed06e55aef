"""Bookings and the directory through the API: the spaces services and the people
finder's rules, including each person's location privacy."""

from __future__ import annotations

import datetime

import pytest

from spaces import services as spaces_services
from spaces import slots
from spaces.models import Booking
from tests.spaces.conftest import business_day, make_campus


@pytest.fixture
def campus(office):
    return make_campus(office)


def at(day, hour, minute=0):
    return slots.at(day, datetime.time(hour, minute)).isoformat()


def test_book_see_busy_and_cancel_a_room(office, campus, api_as):
    day = business_day(2)
    sato = api_as(office.applicant, "bookings:read,bookings:write")
    booked = sato.post(
        "/api/v1/bookings",
        {
            "resource": campus.room.pk,
            "starts_at": at(day, 10),
            "ends_at": at(day, 11),
            "title": "係内打合せ",
        },
    )
    assert booked.status_code == 201, booked.content
    booking = booked.json()
    assert booking["status"] == "confirmed"
    busy = sato.get(
        f"/api/v1/resources/{campus.room.pk}/busy", {"date": day.isoformat()}
    ).json()
    assert [(b["starts_at"][11:16], b["ends_at"][11:16]) for b in busy] == [
        ("10:00", "11:00")
    ]
    taken = api_as(office.kakaricho, "bookings:write").post(
        "/api/v1/bookings",
        {
            "resource": campus.room.pk,
            "starts_at": at(day, 10, 30),
            "ends_at": at(day, 12),
        },
    )
    assert taken.status_code == 409
    assert taken.json()["code"] == "already_booked"
    mine = sato.get("/api/v1/bookings").json()
    assert [b["id"] for b in mine] == [booking["id"]]

    stranger = api_as(office.stranger, "bookings:write")
    refused = stranger.post(f"/api/v1/bookings/{booking['id']}/cancel")
    assert refused.status_code == 404
    cancelled = sato.post(f"/api/v1/bookings/{booking['id']}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()[0]["status"] == "cancelled"
    assert Booking.objects.get().status == Booking.Status.CANCELLED


def test_booking_rules_and_naive_times_are_problems(office, campus, api_as):
    day = business_day(2)
    sato = api_as(office.applicant, "bookings:write")
    naive = sato.post(
        "/api/v1/bookings",
        {
            "resource": campus.room.pk,
            "starts_at": f"{day.isoformat()}T10:00:00",
            "ends_at": f"{day.isoformat()}T11:00:00",
        },
    )
    assert naive.json()["code"] == "naive_datetime"
    backwards = sato.post(
        "/api/v1/bookings",
        {"resource": campus.room.pk, "starts_at": at(day, 11), "ends_at": at(day, 10)},
    )
    assert backwards.status_code == 422
    assert backwards.json()["code"] == "booking_rule"
    for_stranger = sato.post(
        "/api/v1/bookings",
        {
            "resource": campus.room.pk,
            "starts_at": at(day, 10),
            "ends_at": at(day, 11),
            "person": "kobayashi",
        },
    )
    assert for_stranger.status_code == 403
    read_only = api_as(office.applicant, "bookings:read").post(
        "/api/v1/bookings",
        {"resource": campus.room.pk, "starts_at": at(day, 10), "ends_at": at(day, 11)},
    )
    assert read_only.status_code == 403
    assert not Booking.objects.exists()


def test_floor_availability_honours_location_privacy(office, campus, api_as):
    day = business_day(2)
    spaces_services.book(
        resource=campus.desk,
        person=office.kakaricho,
        by=office.kakaricho,
        starts_at=slots.at(day, datetime.time(8, 30)),
        ends_at=slots.at(day, datetime.time(17, 15)),
    )
    spaces_services.set_location_visibility(
        person=office.kakaricho, visibility="section"
    )

    def occupant(person):
        plan = api_as(person, "bookings:read").get(
            f"/api/v1/floors/{campus.floor.pk}/availability", {"date": day.isoformat()}
        )
        assert plan.status_code == 200
        desk = next(r for r in plan.json()["resources"] if r["id"] == campus.desk.pk)
        assert desk["busy"]
        return desk["occupant"]

    assert occupant(office.applicant) == "鈴木 一郎"  # same section
    assert occupant(office.stranger) == ""  # another section: busy, but not who


def test_people_search_honours_privacy_and_hides_service_accounts(
    office, service_account, api_as, django_assert_max_num_queries
):
    client = api_as(office.stranger, "people:read")
    with django_assert_max_num_queries(10):
        found = client.get("/api/v1/people", {"q": "すずき"}).json()
    assert [p["username"] for p in found["items"]] == ["suzuki"]
    assert found["items"][0]["memberships"][0]["unit"] == "庶務係"
    assert client.get("/api/v1/people", {"q": "zaimu"}).json()["items"] == []
    assert client.get("/api/v1/people", {"q": "財務会計"}).json()["items"] == []
    hidden = client.get(f"/api/v1/people/{service_account.pk}")
    assert hidden.status_code == 404
    spaces_services.set_location_visibility(
        person=office.kakaricho, visibility="nobody"
    )
    detail = client.get(f"/api/v1/people/{office.kakaricho.pk}").json()
    assert detail["name"] == "鈴木 一郎"
    assert detail["location_visible"] is False
    assert detail["desks"] == []
    assert (
        api_as(office.stranger, "documents:read")
        .get("/api/v1/people", {"q": "すずき"})
        .status_code
        == 403
    )


def test_service_account_is_not_in_the_pages_people_finder(
    office, service_account, client
):
    client.force_login(office.applicant)
    page = client.get("/people/", {"q": "zaimu"})
    assert page.status_code == 200
    assert "財務会計システム" not in page.content.decode()
