"""Make sure the Wagtail page tree has its root, the home page and the default site."""

from django.conf import settings
from wagtail.models import Locale, Page, Site

from .models import HomePage


def ensure_home_page() -> HomePage:
    """Idempotently create the root, the HomePage and the default Site (tests, fresh DBs)."""
    home = HomePage.objects.first()
    if home is not None:
        return home
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", live=True))
    home = root.add_child(instance=HomePage(title="ホーム", slug="home", live=True))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": "localhost",
            "port": 80,
            "root_page": home,
            "site_name": settings.INTRANET_SITE_NAME,
        },
    )
    return home
