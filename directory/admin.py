from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Membership, OrgUnit, Person, Post, PresencePeriod


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "person"
    extra = 0
    autocomplete_fields = ["unit"]


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
