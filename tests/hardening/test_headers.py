"""Security headers, and a production configuration `check --deploy` accepts."""

import pytest

from tests.core.test_settings import run_manage
from tests.support.pki import production_signing_env


@pytest.mark.django_db
def test_staff_pages_forbid_inline_scripts(applicant_client, home_page):
    response = applicant_client.get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(
        part.strip().split(" ", 1) for part in policy.split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def _directives(response):
    policy = response["Content-Security-Policy"]
    return dict(
        part.strip().split(" ", 1) for part in policy.split(";") if part.strip()
    )


@pytest.mark.django_db
def test_the_cms_preview_may_be_framed_by_the_site_only(client, home_page):
    """The editor shows its live preview in a frame: that response (X-Frame-Options
    SAMEORIGIN from Wagtail's view) allows frame-ancestors 'self'; the editor itself
    is never framed."""
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("cms-admin", password="x" * 12)
    client.force_login(admin)
    preview = f"/cms/pages/{home_page.pk}/edit/preview/"
    client.post(preview, {"title": home_page.title, "slug": home_page.slug})
    response = client.get(preview)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert _directives(response)["frame-ancestors"] == "'self'"
    editor = client.get(f"/cms/pages/{home_page.pk}/edit/")
    assert _directives(editor)["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_login_page_has_the_policy_too(client):
    response = client.get("/accounts/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_production_passes_check_deploy(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_SETTINGS_MODULE": "intranet.settings.production",
            "SECRET_KEY": "k" * 30 + "Z9%q-x7!" + "m" * 20,
            "ALLOWED_HOSTS": "intranet.ward.example.jp",
            **production_signing_env(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_cookies_and_hsts(tmp_path):
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_SAMESITE, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_SSL_REDIRECT)",
        env={
            "DJANGO_SETTINGS_MODULE": "intranet.settings.production",
            "SECRET_KEY": "k" * 50,
            "ALLOWED_HOSTS": "intranet.ward.example.jp",
            **production_signing_env(tmp_path),
        },
    )
    assert result.returncode == 0, result.stderr
    last_line = result.stdout.strip().splitlines()[-1]
    assert last_line.split() == ["True", "True", "True", "Lax", "True", "True"]


@pytest.mark.parametrize(
    "moment", ["08:00:00", "08:30:00", "12:00:00", "13:00:00", "17:15:05", "21:00:00"]
)
def test_model_checks_pass_at_any_time_of_day(monkeypatch, moment):
    """Django warns (fields.W161) about a fixed time default when its checks run within
    10 seconds of it: `check --deploy --fail-level WARNING` failed at 17:15 once."""
    import datetime

    import django.db.models.fields as fields
    from django.apps import apps

    at = datetime.datetime.combine(
        datetime.date.today(), datetime.time.fromisoformat(moment)
    )
    monkeypatch.setattr(fields, "_get_naive_now", lambda: at)
    warnings = [
        message
        for model in apps.get_models()
        for field in model._meta.local_fields
        for message in field.check()
        if message.id == "fields.W161"
    ]
    assert warnings == []
