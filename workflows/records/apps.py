from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "workflows.records"
    label = "records"
    verbose_name = _("文書管理")

    def ready(self):
        from django.db.models.signals import post_migrate

        from workflows.permissions import grant_admin_permissions
        from workflows.signals import document_decided

        from . import receivers

        document_decided.connect(receivers.on_document_decided)
        # The records models' permissions exist once this app has migrated.
        post_migrate.connect(grant_admin_permissions, sender=self)
