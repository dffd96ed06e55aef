from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from . import cms_access

# (url name, label, icon). An entry whose URL does not exist yet is left out.
NAVIGATION = [
    ("home", _("ホーム"), "home"),
    ("workflows:inbox", _("電子決裁"), "approval"),
    ("spaces:home", _("座席・会議室"), "desk"),
    ("directory:people", _("職員名簿"), "people"),
    ("proposals", _("DX提案"), "idea"),
]


def _navigation(request):
    items = []
    for name, label, icon in NAVIGATION:
        try:
            url = "/" if name == "home" else reverse(name)
        except NoReverseMatch:
            continue
        current = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"url": url, "label": label, "icon": icon, "current": current})
    return items


def site(request):
    context = {
        "intranet_name": settings.INTRANET_SITE_NAME,
        "organisation_name": settings.INTRANET_ORGANISATION,
        "languages": settings.LANGUAGES,
    }
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        context["navigation"] = _navigation(request)
        # Asked only by pages that show the link, and then from the cache.
        context["may_use_cms"] = SimpleLazyObject(
            lambda: cms_access.may_use_cms(request.user)
        )
    return context
