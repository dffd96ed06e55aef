from django.contrib import admin

from .models import IdentityLink


@admin.register(IdentityLink)
class IdentityLinkAdmin(admin.ModelAdmin):
    """Links are made by signing in; an administrator may only look or remove one
    (the next sign-in then matches the person by the configured claim again)."""

    list_display = [
        "person",
        "method",
        "issuer",
        "subject",
        "linked_at",
        "last_used_at",
    ]
    list_filter = ["method"]
    search_fields = ["person__username", "subject"]
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
