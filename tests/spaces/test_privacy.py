"""Where is my colleague today — within each person's own privacy choice."""

import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone

from spaces import availability, panels, privacy, queries, services, slots
from spaces.models import Booking, SpacesProfile

Visibility = SpacesProfile.Visibility


@pytest.fixture
def seated(campus, applicant, day):
    """佐藤 sits at A-01 all day."""
    return services.book_desk(
        desk=campus.desk, person=applicant, by=applicant, day=day, slot="day"
    )


@pytest.mark.parametrize(
    ("choice", "kakaricho_sees", "stranger_sees"),
    [
        (Visibility.EVERYONE, True, True),
        (Visibility.SECTION, True, False),
        (Visibility.NOBODY, False, False),
    ],
)
def test_the_choice_decides_who_sees(
    seated, applicant, kakaricho, stranger, day, choice, kakaricho_sees, stranger_sees
):
    services.set_location_visibility(person=applicant, visibility=choice)
    assert privacy.can_see_location(applicant, applicant, day)  # always oneself
    assert privacy.can_see_location(kakaricho, applicant, day) is kakaricho_sees
    assert privacy.can_see_location(stranger, applicant, day) is stranger_sees
    found = queries.find_colleagues(stranger, "さとう", day)
    assert [loc.person for loc in found] == [applicant]
    assert found[0].visible is stranger_sees
    assert bool(found[0].bookings) is stranger_sees


def test_the_default_is_my_section(applicant):
    assert privacy.visibility_of(applicant) == Visibility.SECTION


def test_section_includes_units_below_it(campus, office, kacho, applicant, day, seated):
    # 高橋 (課長 of 総務課) and 佐藤 (庶務係, under 総務課) share the section.
    assert privacy.can_see_location(kacho, applicant, day)
    # 田中 (部長, 総務部) is above the section, not in it.
    assert not privacy.can_see_location(office.bucho, applicant, day)


def test_floor_plan_shows_names_only_when_allowed(
    campus, seated, applicant, kakaricho, stranger
):
    start, end = slots.desk_slot_bounds(campus.building, seated.local_day, "day")
    for viewer, expected in ((kakaricho, "佐藤 花子"), (stranger, "")):
        plan = availability.floor_plan(campus.floor, start, end, viewer)
        item = next(i for i in plan.items if i.resource.pk == campus.desk.pk)
        assert item.state == availability.State.BOOKED
        assert item.occupant == expected
    mine = availability.floor_plan(campus.floor, start, end, applicant)
    assert (
        next(i for i in mine.items if i.resource.pk == campus.desk.pk).state == "mine"
    )


def test_profile_panel(campus, applicant, kakaricho, stranger):
    now = timezone.now()
    Booking.objects.create(
        resource=campus.desk,
        person=applicant,
        booked_by=applicant,
        starts_at=now - datetime.timedelta(minutes=30),
        ends_at=now + datetime.timedelta(minutes=30),
    )
    request = RequestFactory().get("/people/sato/")
    request.user = kakaricho
    html = panels.where_today_panel(request, applicant)
    assert 'data-testid="where-today"' in html and "A-01" in html
    request.user = stranger
    html = panels.where_today_panel(request, applicant)
    assert "公開していません" in html and "A-01" not in html


def test_colleague_finder_page(
    client, seated, applicant, kakaricho, django_assert_max_num_queries, day
):
    client.force_login(kakaricho)
    with django_assert_max_num_queries(12):
        page = client.get("/spaces/colleagues/", {"q": "佐藤", "date": day.isoformat()})
    html = page.content.decode()
    assert "A-01" in html and f"highlight={seated.resource_id}" in html


def test_privacy_settings_form(client, applicant):
    client.force_login(applicant)
    client.post(
        "/spaces/settings/", {"action": "privacy", "location_visibility": "nobody"}
    )
    assert privacy.visibility_of(applicant) == Visibility.NOBODY
    response = client.post(
        "/spaces/settings/", {"action": "privacy", "location_visibility": "bogus"}
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()


def test_search_on_the_floor_plan(
    client, campus, seated, applicant, kakaricho, stranger, day
):
    url = f"/spaces/floors/{campus.floor.pk}/"
    query = {"date": day.isoformat(), "slot": "am", "q": "さとう"}  # her reading
    client.force_login(kakaricho)
    html = client.get(url, query).content.decode()
    assert 'data-testid="plan-found"' in html and "佐藤 花子 — A-01" in html
    assert (
        f'id="resource-{campus.desk.pk}" class="seat seat--desk is-booked is-highlighted"'
        in html
    )
    # Her choice ("my section") hides her from a stranger, search or not.
    client.force_login(stranger)
    html = client.get(url, query).content.decode()
    assert "佐藤 花子 — A-01" not in html and "is-highlighted" not in html


def test_panel_on_the_directory_profile_page(
    client, campus, applicant, kakaricho, stranger
):
    now = timezone.now()
    Booking.objects.create(
        resource=campus.desk,
        person=applicant,
        booked_by=applicant,
        starts_at=now - datetime.timedelta(minutes=30),
        ends_at=now + datetime.timedelta(minutes=30),
    )
    client.force_login(kakaricho)
    page = client.get(f"/people/{applicant.pk}/").content.decode()
    assert 'data-testid="where-today"' in page and "本庁舎 3階 A-01" in page
    client.force_login(stranger)
    page = client.get(f"/people/{applicant.pk}/").content.decode()
    assert 'data-testid="where-today"' in page and "A-01" not in page
