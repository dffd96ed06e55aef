from django.utils.functional import SimpleLazyObject

from intranet.core import cms_access

from . import policy


def menu(request):
    """The user menu's factor-reset link, by the rule the reset page itself checks
    (answered from the cache: a page costs no group query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "may_reset_factors": SimpleLazyObject(
            lambda: cms_access.remembered(
                user, "reset-factors", lambda: policy.may_reset_factors(user)
            )
        )
    }
