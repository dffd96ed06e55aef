from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "intranet.search"
    label = "search"
    verbose_name = _("サイト内検索")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import signals, synonyms
        from .models import Synonym

        signals.connect()
        for signal in (post_save, post_delete):
            signal.connect(
                synonyms.clear, sender=Synonym, dispatch_uid="search.synonyms"
            )
