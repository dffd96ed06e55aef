"""The events a webhook can subscribe to, the scope each needs, and their payloads."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .scopes import Scope

EVENTS = {
    "document.submitted": (Scope.DOCUMENTS_READ, _("起案・再提出された")),
    "document.returned": (Scope.DOCUMENTS_READ, _("差し戻された")),
    "document.decided": (Scope.DOCUMENTS_READ, _("決裁された")),
    "document.rejected": (Scope.DOCUMENTS_READ, _("却下された")),
    "document.withdrawn": (Scope.DOCUMENTS_READ, _("取り下げ・引き戻された")),
    "task.assigned": (Scope.TASKS_READ, _("処理を依頼された")),
    "booking.booked": (Scope.BOOKINGS_READ, _("予約された")),
    "booking.confirmed": (Scope.BOOKINGS_READ, _("予約が承認された")),
    "booking.cancelled": (Scope.BOOKINGS_READ, _("予約が取り消された")),
    "booking.released": (Scope.BOOKINGS_READ, _("未使用の予約が解放された")),
}

# spaces.signals.bookings_changed actions that are events.
BOOKING_ACTIONS = {
    "booked": "booking.booked",
    "confirmed": "booking.confirmed",
    "cancelled": "booking.cancelled",
    "released": "booking.released",
    "expired": "booking.released",
}
