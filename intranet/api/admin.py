"""Tokens are revoked here (issued by ``manage.py create_api_token``); webhook
subscriptions and the delivery log are read here."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, WebhookDelivery, WebhookSubscription
from .services import revoke_token


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "prefix",
        "person",
        "scopes",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "person__username")
    readonly_fields = (
        "prefix",
        "person",
        "scopes",
        "created_at",
        "created_by",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    fields = ("name", "rate_limit", *readonly_fields)
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # issued by the command, so that the token is shown once

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the audit trail points at it

    @admin.action(description=_("選択したトークンを失効させる"))
    def revoke(self, request, queryset):
        for token in queryset:
            revoke_token(token=token, by=request.user)
        messages.success(request, _("失効させました。"))


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("url", "token", "events", "is_active", "consecutive_failures")
    list_filter = ("is_active",)
    readonly_fields = ("token", "created_at", "disabled_at")
    fields = ("url", "events", "is_active", "consecutive_failures", *readonly_fields)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "event",
        "subscription",
        "status",
        "attempts",
        "response_status",
        "last_error",
    )
    list_filter = ("status", "event")
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
