from django import template

from spaces import slots

register = template.Library()


@register.filter
def when(booking):
    """{{ booking|when }} → 2026年12月1日（火） 午前 / 10:00〜11:30"""
    return slots.describe(booking.resource, booking.starts_at, booking.ends_at)


@register.filter
def hm(moment):
    """{{ datetime|hm }} → 09:30 (Tokyo)"""
    return f"{slots.local(moment):%H:%M}" if moment else ""


@register.filter
def percent(value):
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"


@register.filter
def status_badge(booking):
    """The badge modifier for a booking's status."""
    return {
        "confirmed": "ok",
        "checked_in": "ok",
        "pending": "warn",
        "declined": "error",
        "released": "error",
        "cancelled": "",
        "checked_out": "",
    }.get(booking.status, "")


@register.inclusion_tag("spaces/includes/subnav.html", takes_context=True)
def spaces_subnav(context, current=""):
    from spaces.services import is_facility_manager

    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "current": current,
        "is_facility_manager": bool(user and is_facility_manager(user)),
    }
