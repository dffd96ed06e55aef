from django.utils.functional import SimpleLazyObject

from intranet.core import cms_access

# The rule of the reset page (policy.may_reset_factors), registered in apps.py.
RESET_FACTORS = "reset-factors"


def menu(request):
    """The user menu's factor-reset link, by the rule the reset page itself checks
    (answered from the cache with the CMS link: a page costs no group query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "may_reset_factors": SimpleLazyObject(
            lambda: cms_access.menu_answer(user, RESET_FACTORS)
        )
    }
