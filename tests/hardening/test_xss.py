"""Stored XSS: whatever people type is escaped (or sanitised, for rich text) wherever
it is shown. The hostile world puts the payload into every free-text field.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from directory.managed import directory_writes
from intranet.notifications import services as notification_services
from tests.hardening.conftest import make_world
from workflows import services as workflow_services

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(2)>"
PAYLOAD = SCRIPT + IMAGE


def assert_inert(html: str, *, shown: bool = True) -> None:
    """No payload element survives; if ``shown``, its escaped text is on the page."""
    assert "<script>alert" not in html
    assert "<img src=x" not in html and "onerror=alert" not in html.replace(
        "&lt;img src=x onerror=alert", ""
    )
    if shown:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.fixture
def hostile(office, home_page, draft, facility_manager, settings, tmp_path):
    settings.APPROVALS = {**settings.APPROVALS, "FILES_ROOT": str(tmp_path / "files")}
    return make_world(office, draft, text=PAYLOAD)


def page(person, path, **params) -> str:
    client = Client()
    client.force_login(person)
    response = client.get(path, params)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


# --- approvals ------------------------------------------------------------------------


def test_document_title_on_the_document_page(hostile):
    html = page(hostile.office.applicant, hostile.document.get_absolute_url())
    assert_inert(html)


def test_document_title_in_the_approvers_inbox(hostile):
    assert_inert(page(hostile.office.kakaricho, reverse("workflows:inbox")))


def test_document_title_in_my_documents_and_the_list(hostile):
    assert_inert(page(hostile.office.applicant, reverse("workflows:mine")))
    assert_inert(page(hostile.office.applicant, reverse("workflows:list")))


def test_rich_text_body_is_sanitised(hostile):
    html = page(hostile.office.applicant, hostile.document.get_absolute_url())
    assert_inert(html)
    # The body is rich text: the elements are removed on the way in, not escaped.
    body = hostile.document.body
    assert "<script" not in body and "onerror" not in body


def test_approval_comment(hostile):
    workflow_services.approve(
        step=hostile.step, by=hostile.office.kakaricho, comment=PAYLOAD
    )
    assert_inert(page(hostile.office.applicant, hostile.document.get_absolute_url()))


def test_attachment_name(hostile, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(hostile.office.applicant)
    client.post(
        reverse("workflows:upload", args=[hostile.draft.pk]),
        {"file": SimpleUploadedFile(f"{PAYLOAD}.txt", b"memo")},
    )
    html = page(hostile.office.applicant, hostile.draft.get_absolute_url())
    assert "<script>alert" not in html and "<img src=x" not in html


def test_delegation_note(hostile):
    # The note is not listed (yet): nothing of it may leak unescaped either.
    for person in (hostile.office.applicant, hostile.office.kakaricho):
        assert_inert(page(person, reverse("workflows:delegations")), shown=False)


# --- spaces ---------------------------------------------------------------------------


def test_booking_title_on_the_booking_page(hostile):
    path = reverse("spaces:booking", args=[hostile.room_booking.pk])
    assert_inert(page(hostile.office.applicant, path))


def test_booking_title_for_the_approver(hostile):
    assert_inert(page(hostile.office.kacho, reverse("spaces:approvals")))
    path = reverse("spaces:approval", args=[hostile.room_booking.pk])
    assert_inert(page(hostile.office.kacho, path))


def test_booking_title_in_my_bookings_and_the_room_timeline(hostile):
    assert_inert(page(hostile.office.applicant, reverse("spaces:my_bookings")))
    path = reverse("spaces:room", args=[hostile.campus.big_room.pk])
    assert_inert(page(hostile.office.applicant, path), shown=False)


def test_floor_search_query_is_echoed_escaped(hostile):
    path = reverse("spaces:floor", args=[hostile.campus.floor.pk])
    assert_inert(page(hostile.office.applicant, path, q=SCRIPT))


# --- notifications --------------------------------------------------------------------


def test_notification_subject_and_body(hostile):
    assert_inert(page(hostile.office.applicant, reverse("notifications:list")))


def test_unit_notice(hostile):
    notification_services.send_unit_notice(
        sender=hostile.office.kacho,
        unit=hostile.office.units.somu_ka,
        subject=PAYLOAD,
        body=PAYLOAD,
    )
    assert_inert(page(hostile.office.applicant, reverse("notifications:list")))


# --- directory ------------------------------------------------------------------------


def test_presence_note_on_the_profile(hostile):
    path = reverse("directory:profile", args=[hostile.office.applicant.pk])
    assert_inert(page(hostile.office.stranger, path))


def test_people_finder_query_is_echoed_escaped(hostile):
    assert_inert(page(hostile.office.stranger, reverse("directory:people"), q=SCRIPT))


def test_a_name_from_the_directory(hostile):
    """Names come from LDAP, typed by someone else: escaped like any text."""
    person = hostile.office.stranger
    with directory_writes():
        person.last_name = PAYLOAD
        person.save()
    path = reverse("directory:profile", args=[person.pk])
    assert_inert(page(hostile.office.applicant, path))
    assert_inert(page(hostile.office.applicant, reverse("directory:people"), q="拓也"))
