"""Panels shared by the intranet's page types."""

from __future__ import annotations

import uuid

from django.utils.html import format_html
from wagtail.admin.panels import Panel

TOKEN_FIELD = "creation_token"  # noqa: S105 - a form field name


class CreationTokenPanel(Panel):
    """A hidden creation token in the add form; nothing in the edit form."""

    class BoundPanel(Panel.BoundPanel):
        def is_shown(self):
            return self.instance is None or self.instance.pk is None

        def render_html(self, parent_context=None):
            return format_html(
                '<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, uuid.uuid4()
            )
