from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "workflows.records"
    label = "records"
    verbose_name = _("文書管理")

    def ready(self):
        from workflows.signals import document_decided

        from . import receivers

        document_decided.connect(receivers.on_document_decided)
