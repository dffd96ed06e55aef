"""Who may send a notice to which unit (所属への連絡), and who receives it.

The head of a unit (係長, 課長, 部長 … — a post that ``heads_unit``) may write to
everyone in that unit and the units below it, and to any one of those lower units.
Memberships count on the day, 兼務 included.
"""

from __future__ import annotations

import datetime

from directory.models import Membership, OrgUnit, Person, today


def notice_units_for(person, day: datetime.date | None = None) -> list[OrgUnit]:
    """The units ``person`` may send a notice to, each head unit before its sub-units."""
    day = day or today()
    if not getattr(person, "is_authenticated", False) or not person.is_active:
        return []
    headed = list(
        OrgUnit.objects.on(day).filter(
            memberships__in=Membership.objects.on(day).filter(
                person=person, post__heads_unit=True
            )
        )
    )
    if not headed:
        return []
    units = {}
    for head in headed:
        for unit in OrgUnit.objects.on(day).filter(path__startswith=head.path):
            units[unit.pk] = unit
    return sorted(units.values(), key=lambda unit: (unit.path, unit.sort_order))


def can_send_notice(person, unit: OrgUnit, day: datetime.date | None = None) -> bool:
    return any(candidate.pk == unit.pk for candidate in notice_units_for(person, day))


def notice_recipients(unit: OrgUnit, day: datetime.date | None = None):
    """Active people belonging to ``unit`` or a unit below it on ``day``."""
    day = day or today()
    members = Membership.objects.on(day).filter(unit__path__startswith=unit.path)
    return Person.objects.filter(is_active=True, memberships__in=members).distinct()


def member_counts(units, *, sender, day: datetime.date | None = None) -> dict[int, int]:
    """How many people a notice from ``sender`` to each of ``units`` would reach."""
    return {
        unit.pk: notice_recipients(unit, day).exclude(pk=sender.pk).count()
        for unit in units
    }
