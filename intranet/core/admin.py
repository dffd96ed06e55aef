from django.contrib import admin

from .models import AuditEntry, ClosureDay
from .readonly import ReadOnlyAdminMixin


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit log, read-only: entries are never added, edited or deleted by hand."""

    list_display = ["at", "action", "target_repr", "actor", "source"]
    list_filter = ["action", "source", "target_type"]
    search_fields = ["target_repr", "target_id", "action"]
    date_hierarchy = "at"
    list_select_related = ["actor"]
