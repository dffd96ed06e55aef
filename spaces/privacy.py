"""Who may see where a person sits: their own choice (everyone / my section / nobody).

"Section" (課) is the nearest unit of kind section or office at or above each of the
person's units on the day (兼務 included); a unit with none above it counts as its own
section. A person always sees themself. These helpers are the only place the choice is
read: the floor plan, the colleague finder and the profile panel all go through them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce, Length, Substr

from directory.models import Membership, OrgUnit

from .models import SpacesProfile

Visibility = SpacesProfile.Visibility
DEFAULT_VISIBILITY = Visibility.SECTION
SECTION_KINDS = {OrgUnit.Kind.SECTION, OrgUnit.Kind.OFFICE}


def visibility_of(person) -> Visibility:
    profile = SpacesProfile.objects.filter(person=person).first()
    return Visibility(profile.location_visibility) if profile else DEFAULT_VISIBILITY


def visibilities(person_ids: Iterable[int]) -> dict[int, Visibility]:
    ids = set(person_ids)
    found = dict(
        SpacesProfile.objects.filter(person_id__in=ids).values_list(
            "person_id", "location_visibility"
        )
    )
    return {pk: Visibility(found.get(pk, DEFAULT_VISIBILITY)) for pk in ids}


def sections_by_person(
    person_ids: Iterable[int], day: datetime.date
) -> dict[int, set[int]]:
    """The section ids of each person on ``day``, in one query whatever the count.

    For each membership, the deepest section/office whose materialised path prefixes
    the unit's path; else the unit itself.
    """
    section = (
        OrgUnit.objects.filter(
            kind__in=SECTION_KINDS,
            path=Substr(OuterRef("unit__path"), 1, Length("path")),
        )
        .order_by("-depth")
        .values("pk")[:1]
    )
    rows = (
        Membership.objects.on(day)
        .filter(person_id__in=set(person_ids))
        .annotate(section=Coalesce(Subquery(section), "unit_id"))
        .values_list("person_id", "section")
    )
    sections: dict[int, set[int]] = {}
    for person_id, section_id in rows:
        sections.setdefault(person_id, set()).add(section_id)
    return sections


def visible_people(
    viewer, visibility: dict[int, Visibility], day: datetime.date
) -> set[int]:
    """Of the people in ``visibility`` (id → choice), those ``viewer`` may locate."""
    visible = {
        pk
        for pk, choice in visibility.items()
        if choice == Visibility.EVERYONE or pk == viewer.pk
    }
    section_only = [
        pk
        for pk, choice in visibility.items()
        if choice == Visibility.SECTION and pk != viewer.pk
    ]
    if section_only:
        sections = sections_by_person([viewer.pk, *section_only], day)
        mine = sections.get(viewer.pk, set())
        visible.update(pk for pk in section_only if sections.get(pk, set()) & mine)
    return visible


def can_see_location(viewer, person, day: datetime.date) -> bool:
    if not getattr(viewer, "is_authenticated", False):
        return False
    return person.pk in visible_people(viewer, {person.pk: visibility_of(person)}, day)
