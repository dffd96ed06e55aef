"""Site search over spaces (used by intranet.search): buildings, floors, desks and rooms.

``search_spaces(query, limit=10) -> list[SpaceHit]``. Everything listed here is visible to
every member of staff; bookings and people are not searched.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from directory.text import spellings, tidy

from .models import Floor, Resource


@dataclass(frozen=True)
class SpaceHit:
    title: str
    url: str
    kind: str  # "room", "desk" or "floor"
    kind_label: str
    detail: str


def search_spaces(query: str, limit: int = 10) -> list[SpaceHit]:
    # Width is folded (Ｐ→P, ｶ→カ) and each word is also tried in its 異体字 spellings
    # (髙 for 高, 﨑 for 崎); kana are kept, since names are matched as stored.
    words = tidy(query).split()
    if not words:
        return []
    hits: list[SpaceHit] = []
    resource_query = Q()
    for word in words:
        resource_query &= _any_spelling(
            word,
            "code",
            "name",
            "area__name",
            "floor__name",
            "floor__building__name",
            "equipment__name",
        )
    resources = (
        Resource.objects.filter(resource_query)
        .select_related("floor__building", "area")
        .distinct()
        .order_by("-kind", "floor__level", "code")[:limit]
    )
    for resource in resources:
        floor = resource.floor
        detail = f"{floor.building.name} {floor.name}"
        if resource.is_room and resource.capacity:
            detail += " " + _("定員%(count)s名") % {"count": resource.capacity}
        hits.append(
            SpaceHit(
                title=resource.label,
                url=resource.get_absolute_url(),
                kind=resource.kind,
                kind_label=str(resource.get_kind_display()),
                detail=detail,
            )
        )
    if len(hits) < limit:
        floor_query = Q()
        for word in words:
            floor_query &= _any_spelling(word, "name", "building__name")
        for floor in Floor.objects.filter(floor_query).select_related("building")[
            : limit - len(hits)
        ]:
            hits.append(
                SpaceHit(
                    title=str(floor),
                    url=floor.get_absolute_url(),
                    kind="floor",
                    kind_label=str(_("フロア")),
                    detail=floor.building.address,
                )
            )
    return hits


def _any_spelling(word: str, *fields: str) -> Q:
    """Any of ``fields`` holds ``word`` in any of its 異体字 spellings."""
    condition = Q()
    for spelling in spellings(word):
        for name in fields:
            condition |= Q(**{f"{name}__icontains": spelling})
    return condition
