"""Facility managers' admin: buildings and their rules, floors with a plan editor,
desks and rooms, and a read-mostly view of bookings."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from intranet.core.readonly import ReadOnlyAdminMixin

from . import services
from .models import (
    Area,
    Booking,
    BookingSeries,
    Building,
    Desk,
    Equipment,
    Floor,
    Resource,
    Room,
    SpacesProfile,
)

RULE_FIELDS = (
    "max_days_ahead",
    "max_active_bookings",
    "min_duration_minutes",
    "max_duration_minutes",
    "opens_at",
    "closes_at",
    "cancel_deadline_minutes",
    "requires_checkin",
    "checkin_grace_minutes",
)


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "max_days_ahead",
        "max_active_bookings",
        "checkin_grace_minutes",
    ]
    prepopulated_fields = {"code": ["name"]}
    fieldsets = [
        (None, {"fields": ["code", "name", "address", "sort_order"]}),
        (
            _("予約のきまり"),
            {
                "fields": [
                    *RULE_FIELDS,
                    "max_recurrence_days",
                    "bookable_on_closure_days",
                ]
            },
        ),
        (
            _("座席の時間帯（午前・午後）"),
            {
                "fields": [
                    "morning_starts",
                    "morning_ends",
                    "afternoon_starts",
                    "afternoon_ends",
                ]
            },
        ),
    ]


class AreaInline(admin.TabularInline):
    model = Area
    extra = 0
    fields = ["name", "x", "y", "width", "height"]


class PlacedResourceInline(admin.TabularInline):
    """Desks and rooms of the floor with their position; the plan editor above edits
    the X/Y/幅/高さ columns by clicking on the plan."""

    model = Resource
    extra = 0
    fields = [
        "kind",
        "code",
        "name",
        "mode",
        "area",
        "x",
        "y",
        "width",
        "height",
        "capacity",
    ]
    classes = ["plan-resources"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "area":
            floor_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Area.objects.filter(floor_id=floor_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Floor)
class FloorAdmin(admin.ModelAdmin):
    list_display = ["__str__", "level", "resource_count"]
    list_filter = ["building"]
    inlines = [AreaInline, PlacedResourceInline]
    change_form_template = "admin/spaces/floor/change_form.html"
    fields = ["building", "name", "level", "plan", "plan_width", "plan_height"]

    class Media:
        css = {"all": ["spaces/admin_plan_editor.css"]}
        js = ["spaces/admin_plan_editor.js"]

    @admin.display(description=_("座席・会議室数"))
    def resource_count(self, floor):
        return floor.resources.count()


class ResourceAdminBase(admin.ModelAdmin):
    list_filter = ["floor__building", "floor", "mode"]
    search_fields = ["code", "name", "floor__name"]
    readonly_fields = ["qr_link"]
    autocomplete_fields = ["assigned_to"]
    actions = ["renew_tokens"]

    @admin.action(description=_("QRコード・表示端末のURLを再発行する"))
    def renew_tokens(self, request, queryset):
        # The admin's history names the fields as the change form would.
        renewed = [
            str(Resource._meta.get_field(name).verbose_name)
            for name in ("checkin_token", "display_token")
        ]
        for resource in queryset:
            services.renew_resource_tokens(resource=resource, by=request.user)
            self.log_change(
                request,
                resource,
                [{"changed": {"fields": renewed}}],
            )
        self.message_user(
            request,
            _("%(count)s件のURLを再発行しました。QRコードを印刷し直してください。")
            % {"count": queryset.count()},
        )

    @admin.display(description=_("チェックイン用QRコード"))
    def qr_link(self, resource):
        if not resource.pk:
            return "—"
        return format_html(
            '<a href="/spaces/resources/{}/qr.svg" target="_blank" rel="noopener">{}</a>',
            resource.pk,
            _("QRコード（SVG）を開く"),
        )


@admin.register(Desk)
class DeskAdmin(ResourceAdminBase):
    list_display = ["code", "floor", "area", "mode", "assigned_to"]
    fieldsets = [
        (None, {"fields": ["floor", "area", "code", "name", "mode", "assigned_to"]}),
        (_("平面図上の位置"), {"fields": ["x", "y", "width", "height"]}),
        (
            _("予約のきまり（空欄は建物の設定）"),
            {"fields": RULE_FIELDS, "classes": ["collapse"]},
        ),
        (_("QRコード"), {"fields": ["qr_link"]}),
    ]


@admin.register(Room)
class RoomAdmin(ResourceAdminBase):
    list_display = [
        "code",
        "name",
        "floor",
        "capacity",
        "needs_approval",
        "approver",
        "mode",
    ]
    filter_horizontal = ["equipment"]
    autocomplete_fields = ["assigned_to", "approver"]
    readonly_fields = ["qr_link", "display_link"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "floor",
                    "area",
                    "code",
                    "name",
                    "mode",
                    "capacity",
                    "equipment",
                ]
            },
        ),
        (_("承認"), {"fields": ["needs_approval", "approver"]}),
        (_("平面図上の位置"), {"fields": ["x", "y", "width", "height"]}),
        (_("予約のきまり（空欄は建物の設定）"), {"fields": RULE_FIELDS}),
        (_("QRコード・表示端末"), {"fields": ["qr_link", "display_link"]}),
    ]

    @admin.display(description=_("表示端末（キオスク）のURL"))
    def display_link(self, room):
        if not room.pk:
            return "—"
        url = f"/spaces/display/{room.display_token}/"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', url, url
        )

    def save_model(self, request, obj, form, change):
        obj.kind = Resource.Kind.ROOM
        super().save_model(request, obj, form, change)


@admin.register(Equipment)
class EquipmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: bookings change only through the service (rules, notifications)."""

    list_display = ["resource", "person", "starts_at", "ends_at", "status", "booked_by"]
    list_filter = ["status", "resource__floor__building", "resource__kind"]
    search_fields = ["person__search_text", "resource__code", "resource__name", "title"]
    date_hierarchy = "starts_at"
    list_select_related = ["resource__floor__building", "person", "booked_by"]


@admin.register(BookingSeries)
class BookingSeriesAdmin(BookingAdmin):
    list_display = ["resource", "person", "rrule", "first_starts_at", "until"]
    list_filter = ["resource__floor__building"]
    search_fields = ["person__search_text", "resource__code"]
    date_hierarchy = "first_starts_at"
    list_select_related = ["resource__floor__building", "person"]


@admin.register(SpacesProfile)
class SpacesProfileAdmin(admin.ModelAdmin):
    list_display = ["person", "location_visibility"]
    fields = ["person", "location_visibility"]
    readonly_fields = ["person"]
    search_fields = ["person__search_text"]

    def has_add_permission(self, request):
        return False
