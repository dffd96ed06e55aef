from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "intranet.core"
    label = "core"
    verbose_name = _("基盤")

    def ready(self):
        from . import audit, cms_access
        from .logformat import redact_access_logs

        audit.connect()
        cms_access.connect()
        redact_access_logs()
