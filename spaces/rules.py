"""The booking rules of a building, overridden per resource, and their checks.

Every check raises :class:`~spaces.errors.RuleViolation` with a message the user can act
on; nothing here writes to the database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from intranet.core.dates import closure_reason, format_date

from . import slots
from .errors import RuleViolation
from .models import Booking, Resource


@dataclass(frozen=True)
class Rules:
    max_days_ahead: int
    max_active_bookings: int
    min_duration: datetime.timedelta
    max_duration: datetime.timedelta
    opens_at: datetime.time
    closes_at: datetime.time
    cancel_deadline: datetime.timedelta
    requires_checkin: bool
    checkin_grace: datetime.timedelta
    max_recurrence_days: int
    bookable_on_closure_days: bool


def rules_for(resource: Resource) -> Rules:
    """The rules in force for ``resource``: its own where set, else its building's."""
    building = resource.floor.building

    def pick(name):
        own = getattr(resource, name)
        return getattr(building, name) if own is None else own

    return Rules(
        max_days_ahead=pick("max_days_ahead"),
        max_active_bookings=pick("max_active_bookings"),
        min_duration=datetime.timedelta(minutes=pick("min_duration_minutes")),
        max_duration=datetime.timedelta(minutes=pick("max_duration_minutes")),
        opens_at=pick("opens_at"),
        closes_at=pick("closes_at"),
        cancel_deadline=datetime.timedelta(minutes=pick("cancel_deadline_minutes")),
        requires_checkin=pick("requires_checkin"),
        checkin_grace=datetime.timedelta(minutes=pick("checkin_grace_minutes")),
        max_recurrence_days=building.max_recurrence_days,
        bookable_on_closure_days=building.bookable_on_closure_days,
    )


def _hm(value: datetime.time) -> str:
    return value.strftime("%H:%M")


def _minutes(delta: datetime.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def check_resource_bookable(resource: Resource, person) -> None:
    if resource.mode == Resource.Mode.UNAVAILABLE:
        raise RuleViolation(
            _("%(resource)s は現在利用停止中のため予約できません。")
            % {"resource": resource.label}
        )
    if resource.mode == Resource.Mode.FIXED and resource.assigned_to_id != person.pk:
        raise RuleViolation(
            _("%(resource)s は固定席のため、使用者本人の分しか予約できません。")
            % {"resource": resource.label}
        )


def check_day_open(resource: Resource, day: datetime.date, rules: Rules) -> None:
    """Refuse closed days (土日・祝日・年末年始・閉庁日) unless the building allows them."""
    if rules.bookable_on_closure_days:
        return
    reason = closure_reason(day)
    if reason:
        raise RuleViolation(
            _("%(day)s は%(reason)sのため予約できません。")
            % {"day": format_date(day), "reason": reason}
        )


def check_times(
    resource: Resource,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    *,
    rules: Rules,
    now: datetime.datetime,
    recurring: bool = False,
    rest_of_slot: bool = False,
) -> None:
    """Shape, hours, duration, closed days and how far ahead (single bookings).

    ``rest_of_slot`` (walk-ins only) lets a booking start off the grid, at the minute
    it is made, and run to the end of its half-day or 30-minute step, however short.
    """
    if ends_at <= starts_at:
        raise RuleViolation(_("終了は開始より後の時刻にしてください。"))
    if ends_at <= now:
        raise RuleViolation(_("過去の時間は予約できません。"))
    start_local, end_local = slots.local(starts_at), slots.local(ends_at)
    day = start_local.date()
    if end_local.date() != day and end_local.time() != datetime.time(0):
        raise RuleViolation(_("日をまたぐ予約はできません。日ごとに予約してください。"))
    building = resource.floor.building
    if resource.is_desk:
        if slots.desk_slot_of(building, starts_at, ends_at) is None and not (
            rest_of_slot and slots.rest_of_desk_slot(building, starts_at, ends_at)
        ):
            raise RuleViolation(
                _("座席は午前・午後・終日のいずれかで予約してください。")
            )
    else:
        if not ((rest_of_slot or slots.on_step(starts_at)) and slots.on_step(ends_at)):
            raise RuleViolation(_("会議室は30分単位（00分・30分）で予約してください。"))
        if starts_at < now - slots.STEP:
            raise RuleViolation(_("過去の時間は予約できません。"))
        if (
            start_local.time() < rules.opens_at
            or end_local.time() > rules.closes_at
            or end_local.date() != day
        ):
            raise RuleViolation(
                _("%(resource)s の予約できる時間は %(opens)s〜%(closes)s です。")
                % {
                    "resource": resource.label,
                    "opens": _hm(rules.opens_at),
                    "closes": _hm(rules.closes_at),
                }
            )
    duration = ends_at - starts_at
    if duration < rules.min_duration and not rest_of_slot:
        raise RuleViolation(
            _("利用時間は%(minutes)s分以上にしてください。")
            % {"minutes": _minutes(rules.min_duration)}
        )
    if duration > rules.max_duration:
        raise RuleViolation(
            _("利用時間は%(minutes)s分以内にしてください。")
            % {"minutes": _minutes(rules.max_duration)}
        )
    check_day_open(resource, day, rules)
    if not recurring:
        last_day = slots.local(now).date() + datetime.timedelta(
            days=rules.max_days_ahead
        )
        if day > last_day:
            raise RuleViolation(
                _("%(resource)s は%(days)s日先（%(last)s）までしか予約できません。")
                % {
                    "resource": resource.label,
                    "days": rules.max_days_ahead,
                    "last": format_date(last_day),
                }
            )


def active_booking_count(person, building, now: datetime.datetime) -> int:
    """Upcoming bookings ``person`` holds in ``building``; a series counts once."""
    counts = (
        Booking.objects.active()
        .upcoming(now)
        .filter(person=person, resource__floor__building=building)
        .aggregate(
            single=Count("id", filter=Q(series__isnull=True)),
            series=Count("series", distinct=True),
        )
    )
    return counts["single"] + counts["series"]


def check_active_limit(person, resource: Resource, rules: Rules, now) -> None:
    building = resource.floor.building
    if active_booking_count(person, building, now) >= rules.max_active_bookings:
        raise RuleViolation(
            _(
                "%(building)s で同時に持てる予約は%(count)s件までです。"
                "不要な予約を取り消してから予約してください。"
            )
            % {"building": building.name, "count": rules.max_active_bookings}
        )


def check_one_desk_at_a_time(
    person, resource: Resource, starts_at, ends_at, exclude_series=None
) -> None:
    """A person sits at one desk at a time."""
    if not resource.is_desk:
        return
    clash = (
        Booking.objects.active()
        .overlapping(starts_at, ends_at)
        .filter(person=person, resource__kind=Resource.Kind.DESK)
        .select_related("resource")
        .first()
    )
    if clash is not None:
        raise RuleViolation(
            _("同じ時間帯に別の座席（%(resource)s）を予約済みです。")
            % {"resource": clash.resource.label}
        )


def check_cancel_deadline(booking: Booking, rules: Rules, now) -> None:
    """With a deadline, cancel up to that long before the start; without, any time."""
    if booking.status == Booking.Status.PENDING or not rules.cancel_deadline:
        return
    if now > booking.starts_at - rules.cancel_deadline:
        raise RuleViolation(
            _("取消期限（開始の%(minutes)s分前）を過ぎているため取り消せません。")
            % {"minutes": _minutes(rules.cancel_deadline)}
        )


def check_recurrence_span(
    first_day: datetime.date, until: datetime.date, rules: Rules, today
) -> None:
    if until < first_day:
        raise RuleViolation(_("繰り返しの最終日は初回より後の日にしてください。"))
    if first_day > today + datetime.timedelta(days=rules.max_days_ahead):
        raise RuleViolation(
            _("繰り返し予約の初回は%(days)s日先までの日にしてください。")
            % {"days": rules.max_days_ahead}
        )
    if (until - today).days > rules.max_recurrence_days:
        raise RuleViolation(
            _("繰り返し予約は%(days)s日先までです。最終日を早めてください。")
            % {"days": rules.max_recurrence_days}
        )
