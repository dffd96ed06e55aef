from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "intranet.proposals"
    label = "proposals"
    verbose_name = _("DX提案")

    def ready(self):
        from . import signals

        signals.connect()
