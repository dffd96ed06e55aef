from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("職員名簿")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import search
        from .models import OrgUnit, Post

        for model in (OrgUnit, Post):
            post_save.connect(
                search.clear_cache,
                sender=model,
                dispatch_uid=f"search-{model.__name__}",
            )
            post_delete.connect(
                search.clear_cache,
                sender=model,
                dispatch_uid=f"search-del-{model.__name__}",
            )
