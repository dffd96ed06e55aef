from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "intranet.search"
    label = "search"
    verbose_name = _("サイト内検索")

    def ready(self):
        from . import signals

        signals.connect()
