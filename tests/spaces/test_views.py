"""The pages, through HTTP: the floor plan, booking forms, rooms, reports, QR, kiosk."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl import load_workbook

from intranet.core import cms_access, dates
from spaces import services, slots
from spaces.models import Booking, Resource, SpacesProfile


def add_desks(campus, count):
    Resource.objects.bulk_create(
        Resource(
            kind=Resource.Kind.DESK,
            floor=campus.floor,
            area=campus.area,
            code=f"Z-{n:03d}",
            x=10 + (n % 20) * 30,
            y=250 + (n // 20) * 30,
            checkin_token=f"z-checkin-{n}",
            display_token=f"z-display-{n}",
        )
        for n in range(count)
    )


def test_navigation_shows_spaces(applicant_client):
    page = applicant_client.get("/spaces/")
    assert page.status_code == 200
    assert 'href="/spaces/"' in page.content.decode()


@pytest.mark.parametrize("extra_desks", [0, 60])
def test_floor_plan_queries_do_not_grow_with_desks(
    client, campus, office, day, extra_desks, django_assert_max_num_queries
):
    add_desks(campus, extra_desks)
    # Occupants with every privacy choice, so the section check runs too.
    for desk, person, choice in (
        (campus.desks[0], office.applicant, "section"),
        (campus.desks[1], office.kakaricho, "everyone"),
        (campus.desks[2], office.stranger, "nobody"),
    ):
        services.book_desk(desk=desk, person=person, by=person, day=day, slot="am")
        services.set_location_visibility(person=person, visibility=choice)
    client.force_login(office.kacho)
    # Cold: the closure-day cache is empty, as on the first request of a minute. The
    # user menu's CMS link was answered by an earlier page (cached per person).
    dates._closure_days.cache_clear()
    cms_access.may_use_cms(office.kacho)
    with django_assert_max_num_queries(10):
        page = client.get(
            f"/spaces/floors/{campus.floor.pk}/",
            {"date": day.isoformat(), "slot": "am"},
        )
    html = page.content.decode()
    assert html.count('class="seat seat--desk') == 8 + extra_desks
    # Each desk is a labelled link; states are spelled out, not only coloured.
    assert 'aria-label="A-01、予約済み、佐藤 花子"' in html
    assert 'aria-label="A-03、予約済み"' in html  # 小林 shares nothing
    assert 'aria-label="A-04、空き"' in html
    assert (
        'aria-label="A-99、自分の予約' not in html
        and 'aria-label="A-99、固定席' not in html
    )
    with django_assert_max_num_queries(10):
        state = client.get(
            f"/spaces/floors/{campus.floor.pk}/state.json",
            {"date": day.isoformat(), "slot": "am"},
        )
    items = {item["id"]: item for item in state.json()["items"]}
    assert items[campus.desks[0].pk]["state"] == "booked"
    assert items[campus.desks[3].pk]["state"] == "free"
    # 高橋 may book his own fixed desk; to anyone else it is "fixed".
    assert items[campus.fixed.pk]["state"] == "free"


def test_book_a_desk_through_the_form(applicant_client, campus, applicant, day):
    url = reverse("spaces:book", args=[campus.desk.pk])
    page = applicant_client.get(url, {"date": day.isoformat(), "slot": "pm"})
    assert page.status_code == 200
    response = applicant_client.post(url, {"day": day.isoformat(), "slot": "pm"})
    assert response.status_code == 302
    assert (
        f"/spaces/floors/{campus.floor.pk}/?date={day.isoformat()}&slot=pm"
        in response["Location"]
    )
    booking = Booking.objects.get(person=applicant)
    assert booking.status == "confirmed"
    follow = applicant_client.get(response["Location"])
    assert "予約しました" in follow.content.decode()
    assert 'aria-label="A-01、自分の予約' in follow.content.decode()


def test_a_taken_desk_answers_409_with_alternatives(
    client, campus, applicant, kakaricho, day
):
    services.book_desk(
        desk=campus.desk, person=applicant, by=applicant, day=day, slot="am"
    )
    client.force_login(kakaricho)
    response = client.post(
        reverse("spaces:book", args=[campus.desk.pk]),
        {"day": day.isoformat(), "slot": "am"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="booking-error"' in html and "既に予約されています" in html
    assert 'data-testid="alternatives"' in html and "A-02" in html
    assert 'data-testid="next-slot"' in html


def test_bad_input_is_a_clear_error_not_a_500(applicant_client, campus, day):
    url = reverse("spaces:book", args=[campus.room.pk])
    for data in (
        {},
        {"day": "2026-13-45", "start": "10:00", "end": "11:00"},
        {"day": day.isoformat(), "start": "11:00", "end": "10:00"},
        {
            "day": day.isoformat(),
            "start": "10:00",
            "end": "11:00",
            "for_person": "nobody-here",
        },
        {"day": day.isoformat(), "start": "10:00", "end": "11:00", "repeat": "WEEKLY"},
    ):
        response = applicant_client.post(url, data)
        assert response.status_code == 400, data
        assert "errorlist" in response.content.decode()
    assert (
        applicant_client.get(f"/spaces/floors/{campus.floor.pk}/?date=bad").status_code
        == 200
    )


def test_book_a_room_weekly_through_the_form(applicant_client, campus, applicant, day):
    url = reverse("spaces:book", args=[campus.room.pk])
    response = applicant_client.post(
        url,
        {
            "day": day.isoformat(),
            "start": "15:00",
            "end": "16:00",
            "title": "定例",
            "repeat": "WEEKLY",
            "weekdays": [str(day.weekday())],
            "until": (day + datetime.timedelta(days=21)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert Booking.objects.filter(person=applicant, series__isnull=False).count() >= 3


def test_room_page_and_timeline(applicant_client, campus, applicant, day):
    services.book(
        resource=campus.room,
        person=applicant,
        by=applicant,
        starts_at=slots.at(day, datetime.time(10)),
        ends_at=slots.at(day, datetime.time(11)),
        title="係会議",
    )
    page = applicant_client.get(
        f"/spaces/rooms/{campus.room.pk}/", {"date": day.isoformat()}
    )
    html = page.content.decode()
    assert "係会議" in html and "プロジェクター" in html
    fragment = applicant_client.get(
        f"/spaces/rooms/{campus.room.pk}/timeline/", {"date": day.isoformat()}
    )
    assert 'data-testid="room-timeline"' in fragment.content.decode()


def test_my_bookings_and_cancel(
    applicant_client, campus, applicant, day, django_assert_max_num_queries
):
    bookings = [
        services.book_desk(
            desk=campus.desk, person=applicant, by=applicant, day=day, slot=slot
        )
        for slot in ("am", "pm")
    ]
    with django_assert_max_num_queries(10):
        page = applicant_client.get("/spaces/bookings/")
    assert page.content.decode().count('data-testid="booking-row"') == 2
    detail = applicant_client.get(f"/spaces/bookings/{bookings[0].pk}/")
    assert 'data-testid="cancel"' in detail.content.decode()
    applicant_client.post(
        f"/spaces/bookings/{bookings[0].pk}/cancel/", {"scope": "one"}
    )
    bookings[0].refresh_from_db()
    assert bookings[0].status == "cancelled"


def test_reports_are_for_facility_managers(
    client, campus, applicant, facility_manager, day
):
    services.book_desk(
        desk=campus.desk, person=applicant, by=applicant, day=day, slot="day"
    )
    client.force_login(applicant)
    assert client.get("/spaces/reports/").status_code == 403
    assert client.get("/spaces/reports/utilisation.csv").status_code == 403
    client.force_login(facility_manager)
    query = {"start": day.isoformat(), "end": day.isoformat()}
    page = client.get("/spaces/reports/", query)
    assert (
        page.status_code == 200
        and 'data-testid="report-table"' in page.content.decode()
    )
    csv_text = client.get("/spaces/reports/utilisation.csv", query).content.decode(
        "utf-8-sig"
    )
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("日付,建物,フロア,エリア")
    area_row = next(line for line in lines if "Aエリア" in line)
    # 7 bookable desks in the area, one booked for the whole day: 1/7 = 14.3 %.
    assert ",14.3," in area_row
    workbook = load_workbook(
        io.BytesIO(client.get("/spaces/reports/utilisation.xlsx", query).content)
    )
    sheet = workbook.active
    assert sheet["A1"].value == "日付" and sheet.max_row == len(lines)
    assert client.get("/spaces/reports/", {"start": "x", "end": "y"}).status_code == 400


def test_no_show_rate_in_the_report(campus, applicant, kakaricho, day):
    from spaces import reports

    first = services.book_desk(
        desk=campus.desk, person=applicant, by=applicant, day=day, slot="am"
    )
    second = services.book_desk(
        desk=campus.desks[1], person=kakaricho, by=kakaricho, day=day, slot="am"
    )
    services.check_in(booking=second, by=kakaricho, now=second.starts_at)
    services.release_no_shows(now=first.starts_at + datetime.timedelta(hours=1))
    row = next(r for r in reports.utilisation(day, day) if r.area == "Aエリア")
    assert (row.used, row.no_shows, row.no_show_rate) == (1, 1, 0.5)


def test_qr_sheet_for_facility_managers(client, campus, applicant, facility_manager):
    client.force_login(applicant)
    assert client.get(f"/spaces/floors/{campus.floor.pk}/qr-sheet/").status_code == 403
    client.force_login(facility_manager)
    html = client.get(f"/spaces/floors/{campus.floor.pk}/qr-sheet/").content.decode()
    assert html.count("<svg width=") >= 10
    assert f"/spaces/check-in/{campus.desk.checkin_token}/" in html
    svg = client.get(f"/spaces/resources/{campus.desk.pk}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


def test_room_display_needs_only_its_secret_url(client, campus, applicant, day):
    url = f"/spaces/display/{campus.room.display_token}/"
    page = client.get(url)  # not logged in: a kiosk
    assert page.status_code == 200
    assert 'data-testid="room-display"' in page.content.decode()
    assert client.get("/spaces/display/wrong/").status_code == 404
    assert (
        client.get(f"/spaces/display/{campus.desk.display_token}/").status_code == 404
    )


def test_uploaded_plan_is_served_without_script(applicant_client, campus):
    campus.floor.plan.save(
        "plan.svg", ContentFile(b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    )
    response = applicant_client.get(f"/spaces/floors/{campus.floor.pk}/plan")
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert response["Content-Type"] == "image/svg+xml"
    html = applicant_client.get(f"/spaces/floors/{campus.floor.pk}/").content.decode()
    assert f'<image href="/spaces/floors/{campus.floor.pk}/plan"' in html


def test_home_and_search(
    applicant_client, campus, applicant, django_assert_max_num_queries
):
    from spaces.search import search_spaces

    with django_assert_max_num_queries(12):
        page = applicant_client.get("/spaces/")
    assert 'data-testid="floor-link"' in page.content.decode()
    hits = search_spaces("会議室")
    assert [hit.title for hit in hits][:2] == ["301 第1会議室", "302 大会議室"]
    assert search_spaces("プロジェクター")[0].url == f"/spaces/rooms/{campus.room.pk}/"
    assert search_spaces("") == []


def test_english(applicant_client, campus):
    applicant_client.cookies["django_language"] = "en"
    html = applicant_client.get(f"/spaces/floors/{campus.floor.pk}/").content.decode()
    assert "Free" in html


def test_profile_settings_exist_only_once(applicant):
    services.set_location_visibility(person=applicant, visibility="everyone")
    services.set_location_visibility(person=applicant, visibility="nobody")
    assert SpacesProfile.objects.filter(person=applicant).count() == 1


def test_admin_floor_editor(client, campus, administrator):
    client.force_login(administrator)
    page = client.get(f"/django-admin/spaces/floor/{campus.floor.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "data-plan-editor" in html and "admin_plan_editor.js" in html
    assert 'id="id_resources-0-x"' in html
    for path in ("desk", "room", "building", "booking"):
        assert client.get(f"/django-admin/spaces/{path}/").status_code == 200
    assert (
        client.get(f"/django-admin/spaces/room/{campus.room.pk}/change/").status_code
        == 200
    )


def test_admin_renews_qr_tokens(client, campus, administrator):
    old = campus.desk.checkin_token
    client.force_login(administrator)
    response = client.post(
        "/django-admin/spaces/desk/",
        {"action": "renew_tokens", "_selected_action": [campus.desk.pk]},
    )
    assert response.status_code == 302
    campus.desk.refresh_from_db()
    assert campus.desk.checkin_token != old
    assert client.get(f"/spaces/check-in/{old}/").status_code == 404


def test_cancel_never_redirects_off_site(applicant_client, campus, applicant, day):
    booking = services.book_desk(
        desk=campus.desk, person=applicant, by=applicant, day=day, slot="am"
    )
    response = applicant_client.post(
        f"/spaces/bookings/{booking.pk}/cancel/",
        {"scope": "one", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/spaces/bookings/"
