"""400, 403, 404, 500 and CSRF failures in the intranet's own layout, in Japanese."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.template.loader import get_template
from django.test import Client
from django.urls import path

from intranet.core import errors
from intranet.urls import urlpatterns as intranet_urlpatterns

PROJECT_TEMPLATES = "intranet/templates/"


def _raise(exception):
    def view(request):
        raise exception

    return view


def _crash(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("test-400/", _raise(SuspiciousOperation("bad"))),
    path("test-403/", _raise(PermissionDenied())),
    path("test-500/", _crash),
    *intranet_urlpatterns,
]
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error


@pytest.mark.parametrize(
    "name", ["400.html", "403.html", "404.html", "500.html", "403_csrf.html"]
)
def test_error_templates_are_the_intranets_not_viewflows_or_djangos(name):
    origin = get_template(name).origin.name
    assert PROJECT_TEMPLATES in origin


def _assert_intranet_layout(response, status):
    assert response.status_code == status
    body = response.content.decode()
    assert 'data-testid="error-page"' in body
    assert 'data-testid="error-home"' in body  # a way back
    assert 'name="viewport"' in body
    assert "intranet/css/intranet.css" in body
    assert "Django Material" not in body
    assert "DEBUG" not in body
    return body


def test_missing_document_is_a_404_in_the_intranets_layout(applicant_client, home_page):
    response = applicant_client.get("/approvals/987654/")
    body = _assert_intranet_layout(response, 404)
    assert "お探しのページが見つかりません" in body
    assert 'data-testid="primary-nav"' in body


def test_missing_page_for_a_visitor_not_logged_in_is_never_a_500(client, home_page):
    response = client.get("/no-such-page/", follow=True)
    assert response.status_code in {200, 404}
    assert response.status_code != 500


@pytest.mark.urls(__name__)
def test_permission_denied_is_a_403_page(applicant_client, home_page):
    body = _assert_intranet_layout(applicant_client.get("/test-403/"), 403)
    assert "権限がありません" in body


@pytest.mark.urls(__name__)
def test_bad_request_is_a_400_page(applicant_client, home_page):
    body = _assert_intranet_layout(applicant_client.get("/test-400/"), 400)
    assert "リクエストを処理できませんでした" in body


@pytest.mark.urls(__name__)
def test_server_error_page_renders_without_the_request(applicant, home_page):
    client = Client(raise_request_exception=False)
    client.force_login(applicant)
    body = _assert_intranet_layout(client.get("/test-500/"), 500)
    assert "システムエラーが発生しました" in body
    # Rendered without context processors: nothing about the person.
    assert applicant.username not in body


def test_csrf_failure_says_to_reload_and_links_back(applicant, home_page):
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    response = client.post(
        "/notifications/settings/",
        {"anything": "1"},
        HTTP_REFERER="http://testserver/notifications/settings/",
    )
    body = _assert_intranet_layout(response, 403)
    assert "ページを読み込み直してから" in body
    assert 'href="http://testserver/notifications/settings/"' in body


def test_csrf_failure_never_links_to_another_site(applicant, home_page):
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    response = client.post(
        "/notifications/settings/", {}, HTTP_REFERER="https://evil.example/"
    )
    body = _assert_intranet_layout(response, 403)
    assert "evil.example" not in body


def test_error_pages_are_english_for_english_readers(applicant_client, home_page):
    applicant_client.cookies["django_language"] = "en"
    body = applicant_client.get("/approvals/987654/").content.decode()
    assert "お探しのページが見つかりません" not in body
