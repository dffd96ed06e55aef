"""Make sure the Wagtail page tree has its root, the home page and the default site."""

from django.conf import settings
from wagtail.models import Locale, Page, Site

from intranet.core.links import base_host_and_port

from .models import HomePage


def sync_site_with_base_url(site_model=Site) -> None:
    """The default Wagtail Site answers at BASE_URL's host and port, so that the
    page URLs Wagtail builds (page.full_url, the CMS's "view live") point there."""
    hostname, port = base_host_and_port()
    changed = (
        site_model.objects.filter(is_default_site=True)
        .exclude(hostname=hostname, port=port)
        .update(hostname=hostname, port=port)
    )
    if changed:  # update() sends no signal: drop Wagtail's cached root paths
        Site.clear_site_root_paths_cache()


def ensure_home_page() -> HomePage:
    """Idempotently create the root, the HomePage and the default Site (tests, fresh DBs)."""
    home = HomePage.objects.first()
    if home is not None:
        return home
    hostname, port = base_host_and_port()
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node()
    if root is None:
        # Shown in the CMS's page choosers (migration 0004 renames Wagtail's "Root").
        root = Page.add_root(
            instance=Page(title="すべてのページ", slug="root", live=True)
        )
    home = root.add_child(instance=HomePage(title="ホーム", slug="home", live=True))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": hostname,
            "port": port,
            "root_page": home,
            "site_name": settings.INTRANET_SITE_NAME,
        },
    )
    return home
