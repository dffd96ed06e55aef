"""What spaces adds to other parts of the intranet: live topics and the profile panel."""

from __future__ import annotations

from django.template.loader import render_to_string

from . import queries
from .models import Floor, Resource


def can_follow_floor(user, key: str) -> bool:
    """Every member of staff may watch a floor plan (names are filtered per viewer)."""
    return key.isdigit() and Floor.objects.filter(pk=int(key)).exists()


def can_follow_room(user, key: str) -> bool:
    return key.isdigit() and Resource.objects.rooms().filter(pk=int(key)).exists()


def where_today_panel(request, person) -> str:
    """「本日の座席」 on the directory's profile page, within the person's privacy choice."""
    viewer = getattr(request, "user", None)
    if viewer is None or not viewer.is_authenticated:
        return ""
    location = queries.where_is(viewer, person)
    return render_to_string(
        "spaces/includes/profile_panel.html",
        {"person": person, "location": location},
        request=request,
    )
