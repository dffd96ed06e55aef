from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "intranet.pages"
    label = "pages"
    verbose_name = _("庁内ガイド・規程・FAQ")

    def ready(self):
        from intranet.notifications import gates

        from . import signals
        from .visibility import viewers_among

        signals.connect()
        gates.register("wagtailcore.Page", viewers_among)
