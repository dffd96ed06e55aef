from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "intranet.api"
    label = "api"
    verbose_name = _("外部連携API")

    def ready(self):
        from . import receivers

        receivers.connect()
