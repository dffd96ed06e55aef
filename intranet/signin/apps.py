from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigninConfig(AppConfig):
    name = "intranet.signin"
    label = "signin"
    verbose_name = _("ログインと二段階認証")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from intranet.core import cms_access

        from . import policy, sessions
        from .context_processors import RESET_FACTORS

        user_logged_in.connect(
            sessions.started, weak=False, dispatch_uid="signin-session-started"
        )
        user_logged_out.connect(
            sessions.ended, weak=False, dispatch_uid="signin-session-ended"
        )
        cms_access.register(RESET_FACTORS, policy.may_reset_factors)
