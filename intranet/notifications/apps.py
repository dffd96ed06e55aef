import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "intranet.notifications"
    label = "notifications"
    verbose_name = _("お知らせ")

    def ready(self):
        from .live import OncePerOutage

        # channels_redis logs a traceback every second while Redis is down.
        logging.getLogger("channels_redis.pubsub").addFilter(OncePerOutage())
