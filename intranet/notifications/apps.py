import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "intranet.notifications"
    label = "notifications"
    verbose_name = _("お知らせ")

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from directory.signals import accounts_synced, login_failures_sustained

        from . import alerts
        from .live import OncePerOutage

        login_failures_sustained.connect(
            alerts.login_failures, weak=False, dispatch_uid="login-failures-alert"
        )
        user_logged_out.connect(
            _close_at_logout, weak=False, dispatch_uid="sockets-close-at-logout"
        )
        accounts_synced.connect(
            _close_when_deactivated, weak=False, dispatch_uid="sockets-deactivated"
        )

        # channels_redis logs a traceback every second while Redis is down.
        logging.getLogger("channels_redis.pubsub").addFilter(OncePerOutage())


def _close_at_logout(sender, request, user, **kwargs):
    from .services import close_sockets

    if user is not None and getattr(user, "pk", None):
        session = getattr(request, "session", None)
        close_sockets(
            person_ids=[user.pk], session_key=getattr(session, "session_key", None)
        )


def _close_when_deactivated(sender, deactivated, **kwargs):
    from .services import close_sockets

    close_sockets(person_ids=deactivated)
