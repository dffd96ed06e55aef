"""The installable app: manifest, icons, service worker, offline page, favicon."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image


@pytest.fixture
def anonymous(db):
    return Client()


def _icon_size(url):
    path = finders.find(url.removeprefix("/static/"))
    assert path, url
    with Image.open(path) as image:
        return image.size


def test_home_page_links_the_manifest_and_favicon(applicant_client, home_page):
    body = applicant_client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in body
    assert 'rel="icon"' in body
    assert 'rel="apple-touch-icon"' in body


def test_manifest_makes_an_installable_app(anonymous):
    response = anonymous.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["name"] == "庁内ポータル"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    assert manifest["theme_color"].startswith("#")
    assert manifest["description"].endswith("の職員向けポータル")
    assert " の" not in manifest["description"]  # no space before the particle
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        width, height = (int(n) for n in icon["sizes"].split("x"))
        assert _icon_size(icon["src"]) == (width, height)


def test_service_worker_is_served_from_the_root_for_the_whole_site(anonymous):
    response = anonymous.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert (
        "no-cache" in response["Cache-Control"]
        or "max-age=0" in response["Cache-Control"]
    )
    script = response.content.decode()
    assert "/offline/" in script
    assert "/static/intranet/css/intranet.css" in script


def test_service_worker_never_caches_pages(anonymous):
    """Only the precache list, the offline page and /static/ responses are stored."""
    script = anonymous.get("/sw.js").content.decode()
    # the one cache.put is guarded by the static prefix
    before_put = script.split("cache.put", 1)[0]
    assert before_put.rstrip().endswith("if (response.ok)")
    assert "STATIC_PREFIX) === 0" in before_put
    assert 'request.mode === "navigate"' in script


def test_service_worker_changes_when_a_precached_file_changes(settings, tmp_path):
    from intranet.core import pwa

    pwa.static_version.cache_clear()
    first = pwa.static_version()
    folder = tmp_path / "intranet" / "css"
    folder.mkdir(parents=True)
    (folder / "intranet.css").write_text("body{}")
    settings.STATICFILES_DIRS = [tmp_path, *settings.STATICFILES_DIRS]
    pwa.static_version.cache_clear()
    try:
        assert pwa.static_version() != first
    finally:
        pwa.static_version.cache_clear()


def test_offline_page_names_no_one_even_when_logged_in(applicant_client, applicant):
    response = applicant_client.get("/offline/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="offline-page"' in body
    assert applicant.get_full_name() not in body
    assert applicant.username not in body
    assert "data-user" not in body


def test_favicon(anonymous):
    response = anonymous.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_make_app_icons_draws_every_size(tmp_path):
    from django.core.management import call_command

    call_command("make_app_icons", output=str(tmp_path))
    sizes = {path.name: Image.open(path).size for path in tmp_path.glob("*.png")}
    assert sizes["icon-192.png"] == (192, 192)
    assert sizes["icon-512.png"] == (512, 512)
    assert sizes["maskable-512.png"] == (512, 512)
    assert sizes["favicon-32.png"] == (32, 32)
