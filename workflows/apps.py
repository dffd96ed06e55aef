from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("電子決裁")

    def ready(self):
        from directory.signals import absence_recorded
        from intranet.notifications import gates, topics

        from . import checks  # noqa: F401  (registers the signing checks)
        from .access import can_view_document, knowing_among
        from .permissions import grant_admin_permissions
        from .services.absences import on_absence_recorded

        def may_follow(user, key: str) -> bool:
            return key.isdigit() and can_view_document(user, int(key))

        topics.register("document", may_follow)
        gates.register("workflows.Document", knowing_among)
        post_migrate.connect(grant_admin_permissions, sender=self)
        absence_recorded.connect(on_absence_recorded)
