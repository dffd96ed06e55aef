"""The installable app: web app manifest, service worker and offline page.

All three are served from the site root so that the worker's scope is the whole site.
The worker caches static files and the offline page only: an authenticated page (which
may carry a 秘 title) is never stored on the phone.
"""

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache

THEME_COLOUR = "#1d3b6f"
BACKGROUND_COLOUR = "#f5f6f8"
# What the worker stores when it is installed (the offline page is added to these).
PRECACHED_STATIC = (
    "intranet/css/intranet.css",
    "vendor/htmx/htmx.min.js",
    "intranet/js/intranet.js",
    "intranet/js/live.js",
    "intranet/js/search.js",
    "intranet/icons/icon-192.png",
    "intranet/icons/favicon-32.png",
)
ICONS = (
    ("intranet/icons/icon-192.png", "192x192", "any"),
    ("intranet/icons/icon-512.png", "512x512", "any"),
    ("intranet/icons/maskable-512.png", "512x512", "maskable"),
)


@cache
def static_version() -> str:
    """A digest of the precached files: a deployment that changes one changes the
    worker's bytes, so browsers install it and drop the old cache."""
    digest = hashlib.sha256()
    for path in PRECACHED_STATIC:
        found = finders.find(path)
        digest.update(path.encode())
        if found:
            with open(found, "rb") as file:
                digest.update(file.read())
    return digest.hexdigest()[:12]


@login_not_required
@cache_control(max_age=86400, public=True)
def manifest(request):
    data = {
        "name": settings.INTRANET_SITE_NAME,
        "short_name": settings.INTRANET_SITE_NAME,
        "description": _("%(organisation)sの職員向けポータル")
        % {"organisation": settings.INTRANET_ORGANISATION},
        "lang": "ja",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {
                "src": static(path),
                "sizes": sizes,
                "type": "image/png",
                "purpose": purpose,
            }
            for path, sizes, purpose in ICONS
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False),
        content_type="application/manifest+json; charset=utf-8",
    )


@login_not_required
@never_cache
def service_worker(request):
    context = {
        "version": static_version(),
        "precache": json.dumps(
            [static(path) for path in PRECACHED_STATIC], ensure_ascii=False
        ),
        "static_prefix": json.dumps(settings.STATIC_URL),
        "icon_url": static("intranet/icons/icon-192.png"),
        "badge_url": static("intranet/icons/badge-96.png"),
    }
    response = render(
        request, "pwa/sw.js", context, content_type="text/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = "/"
    return response


@login_not_required
def offline(request):
    """The page the worker shows when there is no network. It names no one, whoever
    asks: the worker stores it on the phone."""
    anonymous = {"user": AnonymousUser(), "navigation": None}
    return render(request, "pwa/offline.html", anonymous)


@login_not_required
@cache_control(max_age=86400, public=True)
def favicon(request):
    found = finders.find("intranet/icons/favicon-32.png")
    with open(found, "rb") as file:
        return HttpResponse(file.read(), content_type="image/png")
