from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "intranet.pages"
    label = "pages"
    verbose_name = _("庁内ガイド・規程・FAQ")

    def ready(self):
        from . import signals

        signals.connect()
