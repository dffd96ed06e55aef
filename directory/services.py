"""State changes to the directory. Views, commands, the LDAP sync and the demo call these."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .managed import directory_writes
from .models import Membership, OrgUnit, Person, Post, PresencePeriod
from .permissions import can_edit_presence, can_edit_profile
from .signals import absence_recorded


@transaction.atomic
@directory_writes()
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
    from .ldap.sync import end_memberships

    when = when or timezone.now()
    person.is_active = False
    person.deactivated_at = when
    person.save(update_fields=["is_active", "deactivated_at"])
    end_memberships(
        Membership.objects.filter(person=person, valid_until__isnull=True),
        timezone.localtime(when).date(),
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
    """Record where ``person`` is from ``start_date`` to ``end_date`` (inclusive).

    Only the person, one of their superiors (係長・課長 … per ``org.superiors``) or a
    directory administrator may do it. The new period replaces whatever was planned
    for those days: overlapping periods are trimmed or split, so each day has at most
    one status and ``is_absent_on`` and ``presence_on`` always agree.
    """
    if not can_edit_presence(by, person):
        raise PermissionDenied(_("この職員の在席予定を変更する権限がありません。"))
    if end_date < start_date:
        raise ValidationError(_("終了日は開始日以降の日付にしてください。"))
    _clear_days(person, start_date, end_date, by)
    period = PresencePeriod.objects.create(
        person=person,
        status=status,
        start_date=start_date,
        end_date=end_date,
        note=note,
        created_by=by,
    )
    if period.status in PresencePeriod.ABSENT_STATUSES:
        transaction.on_commit(
            lambda: absence_recorded.send(
                sender=PresencePeriod,
                person=person,
                start_date=start_date,
                end_date=end_date,
            )
        )
    return period


def _clear_days(person, start_date, end_date, by) -> None:
    one_day = datetime.timedelta(days=1)
    overlapping = PresencePeriod.objects.select_for_update().filter(
        person=person, start_date__lte=end_date, end_date__gte=start_date
    )
    for period in overlapping:
        before = period.start_date < start_date
        after = period.end_date > end_date
        if before and after:
            PresencePeriod.objects.create(
                person=person,
                status=period.status,
                start_date=end_date + one_day,
                end_date=period.end_date,
                note=period.note,
                created_by=period.created_by,
                created_at=period.created_at,
            )
        if before:
            period.end_date = start_date - one_day
            period.save(update_fields=["end_date"])
        elif after:
            period.start_date = end_date + one_day
            period.save(update_fields=["start_date"])
        else:
            period.delete()


@transaction.atomic
def cancel_presence(*, period: PresencePeriod, by: Person) -> None:
    """Withdraw a planned status (the person is then 在席 on those days)."""
    if not can_edit_presence(by, period.person):
        raise PermissionDenied(_("この職員の在席予定を変更する権限がありません。"))
    period.delete()


@transaction.atomic
def set_photo(*, person: Person, photo, by: Person) -> Person:
    """Replace the person's photo (the person themselves or a directory admin)."""
    if not can_edit_profile(by, person):
        raise PermissionDenied(_("この職員の写真を変更する権限がありません。"))
    old = person.photo.name if person.photo else ""
    person.photo.save(f"{person.pk}-{photo.name}", photo, save=False)
    person.save(update_fields=["photo"])
    if old and old != person.photo.name:
        transaction.on_commit(lambda: person.photo.storage.delete(old))
    return person


@transaction.atomic
@directory_writes()
def reorganise_unit(
    *,
    unit: OrgUnit,
    on: datetime.date,
    name: str | None = None,
    code: str | None = None,
    parent: OrgUnit | bool | None = False,
    short_name: str | None = None,
) -> OrgUnit:
    """Prepare a change to ``unit`` that takes effect on ``on`` (機構改革, usually 4/1).

    The unit row is closed the day before ``on`` and a successor (new name, code or
    parent) starts on ``on``, recording its predecessor; memberships open on ``on``
    move to the successor from that day. Queries for earlier dates keep seeing the old
    unit, so history stays true. ``parent=False`` keeps the current parent.
    """
    if on <= unit.valid_from:
        raise ValidationError(_("変更日は組織の設置日より後にしてください。"))
    if unit.valid_until is not None and unit.valid_until <= on:
        raise ValidationError(_("この組織は変更日より前に廃止されます。"))
    successor = OrgUnit(
        code=code or unit.code,
        name=name or unit.name,
        name_kana=unit.name_kana if not name else "",
        short_name=short_name if short_name is not None else unit.short_name,
        kind=unit.kind,
        parent=unit.parent if parent is False else parent,
        sort_order=unit.sort_order,
        valid_from=on,
        valid_until=unit.valid_until,
        external_id=unit.external_id,
        ldap_dn=unit.ldap_dn,
    )
    unit.valid_until = on
    unit.external_id = None
    unit.save(update_fields=["valid_until", "external_id"])
    successor.save()
    successor.predecessors.add(unit)
    for child in OrgUnit.objects.filter(parent=unit).filter(models_open_on(on)):
        reorganise_unit(unit=child, on=on, parent=successor)
    for membership in Membership.objects.filter(unit=unit).filter(models_open_on(on)):
        if membership.valid_from >= on:
            membership.unit = successor
            membership.save(update_fields=["unit"])
            continue
        until = membership.valid_until
        membership.valid_until = on
        membership.save(update_fields=["valid_until"])
        Membership.objects.create(
            person=membership.person,
            unit=successor,
            post=membership.post,
            is_primary=membership.is_primary,
            valid_from=on,
            valid_until=until,
        )
    return successor


def models_open_on(day: datetime.date):
    from django.db.models import Q

    return Q(valid_until__isnull=True) | Q(valid_until__gt=day)
