from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from . import managed
from .models import (
    GroupMapping,
    LoginFailure,
    Membership,
    OrgUnit,
    Person,
    Post,
    PresencePeriod,
    SyncRun,
)


class MembershipInline(admin.TabularInline):
    """Units and posts come from the directory (directory/managed.py): shown only."""

    model = Membership
    fk_name = "person"
    extra = 0
    fields = ["unit", "post", "is_primary", "valid_from", "valid_until"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(UserAdmin):
    list_display = [
        "username",
        "full_name",
        "full_name_kana",
        "email",
        "extension",
        "is_active",
    ]
    search_fields = ["username", "last_name", "first_name", "search_text", "email"]
    ordering = ["sort_key"]
    inlines = [MembershipInline]
    # Directory-managed (directory/managed.py): the sync writes them, nobody here.
    readonly_fields = list(managed.PERSON_FIELDS)
    fieldsets = [
        *UserAdmin.fieldsets,
        (
            _("職員情報"),
            {
                "fields": [
                    "last_name_kana",
                    "first_name_kana",
                    "romaji_name",
                    "employee_number",
                    "extension",
                    "phone",
                    "photo",
                    "external_id",
                    "ldap_dn",
                    "deactivated_at",
                ]
            },
        ),
    ]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "parent", "valid_from", "valid_until"]
    list_filter = ["kind"]
    search_fields = ["name", "name_kana", "code"]
    autocomplete_fields = ["parent"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "rank", "heads_unit"]


@admin.register(PresencePeriod)
class PresencePeriodAdmin(admin.ModelAdmin):
    list_display = ["person", "status", "start_date", "end_date"]
    list_filter = ["status"]
    autocomplete_fields = ["person", "created_by"]


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    """The record of directory syncs: read-only (runs are written by the sync)."""

    list_display = [
        "started_at",
        "mode",
        "status",
        "entries_read",
        "created",
        "updated",
        "moved",
        "deactivated",
        "reactivated",
        "relinked",
        "quarantined",
        "forced",
        "message",
    ]
    list_filter = ["status", "mode"]

    @admin.display(description=_("内容"))
    def message(self, run: SyncRun) -> str:
        """Why a run failed or stopped, what it left unapplied, or who holds it."""
        if run.status == SyncRun.Status.RUNNING:
            return _("実行中（ホスト %(host)s、プロセス %(pid)s）") % {
                "host": run.holder_host or "?",
                "pid": run.holder_pid or "?",
            }
        text = run.error or run.quarantine or run.warnings
        if run.cleared_by:
            text = _("%(text)s（解除者 %(by)s）") % {"text": text, "by": run.cleared_by}
        return Truncator(text).chars(200)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GroupMapping)
class GroupMappingAdmin(admin.ModelAdmin):
    list_display = ["ldap_group", "group"]


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Recent failed logins; deleting a row lifts a lockout early."""

    list_display = ["at", "username", "address"]
    search_fields = ["username", "address"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
