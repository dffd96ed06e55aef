"""Links that leave the browser are built from BASE_URL; the Wagtail Site follows it."""

from __future__ import annotations

import pytest
from wagtail.models import Site

from intranet.core.links import absolute_url, base_host_and_port
from intranet.home.site import sync_site_with_base_url


def test_absolute_url_joins_paths_to_base_url(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://intranet.ward.example.jp/"
    assert (
        absolute_url("/proposals/x/") == "https://intranet.ward.example.jp/proposals/x/"
    )
    assert absolute_url("") == "https://intranet.ward.example.jp/"
    assert absolute_url("https://elsewhere.example/") == "https://elsewhere.example/"


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("http://127.0.0.1:8512", ("127.0.0.1", 8512)),
        ("https://intranet.ward.example.jp", ("intranet.ward.example.jp", 443)),
        ("http://portal", ("portal", 80)),
    ],
)
def test_host_and_port(settings, base, expected):
    settings.WAGTAILADMIN_BASE_URL = base
    assert base_host_and_port() == expected


@pytest.mark.django_db
def test_the_wagtail_site_follows_base_url(settings, home_page):
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8512"
    sync_site_with_base_url()
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8512)
    assert home_page.get_site() == site
    assert home_page.full_url == "http://127.0.0.1:8512/"
