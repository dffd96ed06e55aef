from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

register = template.Library()

DEFAULT_LABELS = {
    "oidc": _("組織アカウントでログイン"),
    "saml": _("組織アカウント（SAML）でログイン"),
}


@register.inclusion_tag("sso/buttons.html")
def sso_buttons(next_url=""):
    """A button per configured identity provider, for the login page."""
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    buttons = []
    for method in ("oidc", "saml"):
        config = settings.SSO[method.upper()]
        if config:
            buttons.append(
                {
                    "method": method,
                    "url": reverse(f"sso:{method}-login") + query,
                    "label": config["LABEL"] or DEFAULT_LABELS[method],
                }
            )
    return {"buttons": buttons}
