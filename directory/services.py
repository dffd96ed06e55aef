"""State changes to the directory. Views, commands, the LDAP sync and the demo call these."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from .models import Membership, OrgUnit, Person, Post, PresencePeriod


@transaction.atomic
def appoint(
    *,
    person: Person,
    unit: OrgUnit,
    post: Post,
    primary: bool = True,
    valid_from: datetime.date | None = None,
) -> Membership:
    """Give ``person`` ``post`` in ``unit`` from ``valid_from``.

    A new primary appointment ends the person's open primary membership the day before
    (人事異動); a concurrent post (兼務) is simply added.
    """
    valid_from = valid_from or timezone.localdate()
    if primary:
        Membership.objects.filter(
            person=person, is_primary=True, valid_until__isnull=True
        ).update(valid_until=valid_from)
    return Membership.objects.create(
        person=person, unit=unit, post=post, is_primary=primary, valid_from=valid_from
    )


@transaction.atomic
def deactivate_person(
    *, person: Person, when: datetime.datetime | None = None
) -> Person:
    """Mark a person as left. Never deletes: approval history keeps pointing at them."""
    when = when or timezone.now()
    person.is_active = False
    person.deactivated_at = when
    person.save(update_fields=["is_active", "deactivated_at"])
    Membership.objects.filter(person=person, valid_until__isnull=True).update(
        valid_until=timezone.localtime(when).date()
    )
    return person


@transaction.atomic
def set_presence(
    *,
    person: Person,
    status: PresencePeriod.Status,
    start_date: datetime.date,
    end_date: datetime.date,
    by: Person,
    note: str = "",
) -> PresencePeriod:
    return PresencePeriod.objects.create(
        person=person,
        status=status,
        start_date=start_date,
        end_date=end_date,
        note=note,
        created_by=by,
    )
