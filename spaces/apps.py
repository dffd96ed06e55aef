from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    name = "spaces"
    verbose_name = _("座席・会議室")

    def ready(self):
        from directory.extensions import register_profile_panel
        from intranet.notifications import topics

        from . import panels

        topics.register("floor", panels.can_follow_floor)
        topics.register("room", panels.can_follow_room)
        register_profile_panel(panels.where_today_panel)
