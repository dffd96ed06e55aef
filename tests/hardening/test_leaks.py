"""What the second security round closed besides the side channels (issue 16, "also
seen"): no-store on signed-in pages, tokens out of access logs, escaped PDF text, the
PDF font warning, the approval administrators' admin permissions."""

from __future__ import annotations

import io
import logging

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from pypdf import PdfReader

from directory import roles
from intranet.core.logformat import RedactTokens
from tests.workflows.conftest import active_step, rules, zaisei  # noqa: F401
from workflows import pdf, services
from workflows.models import RouteStep

pytestmark = pytest.mark.django_db


def test_signed_in_pages_are_not_stored(client, applicant, home_page):
    client.force_login(applicant)
    for path in ("/", "/notifications/", "/approvals/"):
        cache = client.get(path).headers.get("Cache-Control", "")
        assert "no-store" in cache, path


def test_tokens_are_redacted_in_access_logs():
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        (
            "10.0.0.1:5000",
            "GET",
            "/spaces/calendar/Zm9vYmFyc2VjcmV0.ics?x=1",
            "1.1",
            200,
        ),
        None,
    )
    RedactTokens().filter(record)
    line = record.getMessage()
    assert "Zm9vYmFyc2VjcmV0" not in line
    assert "/spaces/calendar/[redacted]" in line
    for name in ("uvicorn.access", "django.server"):
        assert any(isinstance(f, RedactTokens) for f in logging.getLogger(name).filters)


def test_the_dev_server_log_hides_a_check_in_token(caplog):
    with caplog.at_level(logging.INFO, logger="django.server"):
        logging.getLogger("django.server").info(
            '"%s" %s %s', "GET /spaces/check-in/abcdefSECRET/ HTTP/1.1", "200", "12"
        )
    assert "abcdefSECRET" not in caplog.text


@pytest.fixture
def decided(submitted, kakaricho, kacho):
    document = submitted(title="様式改正について")
    RouteStep.objects.filter(document=document).update(label="課長<b>&</b><font>")
    services.approve(step=active_step(document), by=kakaricho)
    services.approve(step=active_step(document), by=kacho)
    document.refresh_from_db()
    return document


def test_step_labels_are_text_in_the_pdf(decided):
    content = pdf.render(decided)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    # The label is text, not markup: the tags are printed (wrapped in the column).
    assert "課長<b>&</b>" in text and "<font>" in text


def test_the_document_page_warns_when_the_pdf_font_is_missing(
    client, decided, kacho, settings
):
    client.force_login(kacho)
    url = decided.get_absolute_url()
    assert 'data-testid="pdf-font-missing"' not in client.get(url).content.decode()
    settings.APPROVALS = {**settings.APPROVALS, "PDF_FONT": "/nonexistent/font.ttf"}
    assert 'data-testid="pdf-font-missing"' in client.get(url).content.decode()


def test_the_migration_gives_approval_administrators_their_permissions(office):
    """Whatever set the database up (``make run`` left the group without them)."""
    from importlib import import_module

    from django.apps import apps

    group = Group.objects.get(name=roles.APPROVAL_ADMINS)
    group.permissions.clear()
    migration = import_module("workflows.migrations.0005_approval_admin_permissions")
    migration.grant(apps, None)
    assert group.permissions.filter(codename="change_delegationrule").exists()
    clerk = office.stranger
    clerk.is_staff = True
    clerk.save()
    Group.objects.get(name=roles.APPROVAL_ADMINS).user_set.add(clerk)
    client = Client()
    client.force_login(clerk)
    for path in (
        "/django-admin/workflows/delegationrule/",
        "/django-admin/workflows/delegation/",
    ):
        assert client.get(path).status_code == 200, path
