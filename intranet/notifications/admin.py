from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import emails
from .models import EmailDelivery, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject", "recipient__username", "recipient__last_name"]
    raw_id_fields = ["recipient", "actor", "email_delivery"]
    date_hierarchy = "created_at"


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    list_display = ["recipient", "mode", "status", "due_at", "sent_at", "attempts"]
    list_filter = ["status", "mode"]
    search_fields = ["recipient__username", "address", "subject"]
    raw_id_fields = ["recipient"]
    readonly_fields = [
        "recipient",
        "mode",
        "group_key",
        "status",
        "due_at",
        "created_at",
        "claimed_at",
        "sent_at",
        "attempts",
        "message_token",
        "address",
        "subject",
        "last_error",
    ]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("送信に失敗したメールを再送する"))
    def send_again(self, request, queryset):
        now = timezone.now()
        with transaction.atomic():
            for delivery in queryset.filter(status=EmailDelivery.Status.FAILED):
                self.log_change(
                    request, delivery, [{"changed": {"fields": ["status", "due_at"]}}]
                )
            count = queryset.filter(status=EmailDelivery.Status.FAILED).update(
                status=EmailDelivery.Status.PENDING,
                due_at=now,
                attempts=0,
                group_key="",
            )
            if count:
                emails.schedule([now])
        self.message_user(
            request,
            _("%(count)d 通を再送の予定に入れました。") % {"count": count},
            messages.SUCCESS,
        )
