"""Questions the approval engine asks of the org chart, each answered in one or two queries."""

from __future__ import annotations

import datetime

from .models import Membership, OrgUnit, Person, Post, today


class VacantPostError(LookupError):
    """Nobody holds the post in the unit or any unit above it on the date."""

    def __init__(self, post: Post, unit: OrgUnit, day: datetime.date):
        self.post, self.unit, self.day = post, unit, day
        super().__init__(f"No active holder of {post} in {unit} or above on {day}.")


def post_holder(
    post: Post, unit: OrgUnit, day: datetime.date | None = None
) -> Membership:
    """The membership holding ``post`` in ``unit`` or its nearest ancestor on ``day``.

    Among several holders in the same unit, a primary (本務) membership wins, then the
    earliest appointment. Raises VacantPostError rather than ever returning nobody.
    """
    day = day or today()
    ancestor_ids = unit.ancestor_ids()
    candidates = (
        Membership.objects.on(day)
        .active_people()
        .filter(post=post, unit_id__in=ancestor_ids)
        .select_related("person", "unit", "post")
    )
    depth = {pk: index for index, pk in enumerate(ancestor_ids)}
    best = max(
        candidates,
        key=lambda m: (
            depth[m.unit_id],
            m.is_primary,
            -m.valid_from.toordinal(),
            -m.pk,
        ),
        default=None,
    )
    if best is None:
        raise VacantPostError(post, unit, day)
    return best


def superiors(person: Person, day: datetime.date | None = None) -> list[Membership]:
    """The heads above ``person`` on ``day``, nearest first (係長, 課長, 部長 …).

    Only holders of unit-head posts ranked above the person's own primary post count,
    one per person, walking up from the person's primary unit.
    """
    day = day or today()
    own = person.primary_membership(day)
    if own is None:
        return []
    ancestor_ids = own.unit.ancestor_ids()
    depth = {pk: index for index, pk in enumerate(ancestor_ids)}
    heads = (
        Membership.objects.on(day)
        .active_people()
        .filter(
            unit_id__in=ancestor_ids,
            post__heads_unit=True,
            post__rank__lt=own.post.rank,
        )
        .exclude(person=person)
        .select_related("person", "unit", "post")
    )
    ordered = sorted(
        heads, key=lambda m: (-depth[m.unit_id], -m.post.rank, not m.is_primary)
    )
    seen: set[int] = set()
    result = []
    for membership in ordered:
        if membership.person_id not in seen:
            seen.add(membership.person_id)
            result.append(membership)
    return result
