"""Every state change in spaces: booking, cancelling, approving, checking in and out.

Views, the release command, the demo and the benchmarks call these functions. Each is
atomic, checks who may act, and tells people through ``notify`` and open floor plans
through ``publish`` (both after commit). The database refuses overlapping bookings; an
overlap becomes :class:`~spaces.errors.AlreadyBooked` with alternatives.
"""

from __future__ import annotations

import datetime
import secrets
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.roles import FACILITY_MANAGERS, has_role
from intranet.core.text import single_line
from intranet.notifications.kinds import Kind
from intranet.notifications.services import notify, publish

from . import availability, db, privacy, recurrence, signals, slots
from .errors import AlreadyBooked, NotPermitted, RuleViolation
from .models import Booking, BookingSeries, Resource, SpacesProfile
from .rules import (
    check_active_limit,
    check_cancel_deadline,
    check_day_open,
    check_one_desk_at_a_time,
    check_recurrence_span,
    check_resource_bookable,
    check_times,
    rules_for,
)

CHECKIN_EARLY = datetime.timedelta(minutes=15)
MINUTE = datetime.timedelta(minutes=1)


class CancelScope(models.TextChoices):
    ONE = "one", gettext_lazy("この日だけ")
    FOLLOWING = "following", gettext_lazy("この日以降")
    SERIES = "series", gettext_lazy("繰り返しすべて")


# --- who may act -------------------------------------------------------------------


def is_facility_manager(user) -> bool:
    return has_role(user, FACILITY_MANAGERS)


def can_book_for(by, person, day: datetime.date | None = None) -> bool:
    """Oneself; a colleague of one's own section (課); anyone, for facility managers."""
    if by.pk == person.pk or is_facility_manager(by):
        return True
    sections = privacy.sections_by_person([by.pk, person.pk], day or slots.today())
    return bool(sections.get(by.pk, set()) & sections.get(person.pk, set()))


def can_manage_booking(user, booking: Booking) -> bool:
    return user.pk in (booking.person_id, booking.booked_by_id) or is_facility_manager(
        user
    )


def can_decide(user, resource: Resource) -> bool:
    return user.pk == resource.approver_id or is_facility_manager(user)


# --- booking ---------------------------------------------------------------------------


@transaction.atomic
def book(
    *,
    resource: Resource,
    person,
    by,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    title: str = "",
    now: datetime.datetime | None = None,
    rest_of_slot: bool = False,
) -> Booking:
    """Book ``resource`` for ``person`` (by ``by``, maybe on their behalf).

    Rooms needing approval wait as pending unless the approver books them. Raises
    RuleViolation, NotPermitted or AlreadyBooked (with alternatives). ``rest_of_slot``
    is for walk-ins (see ``walk_in_window``).
    """
    now = now or timezone.now()
    _check_may_book(by, person, resource, starts_at)
    rules = rules_for(resource)
    check_times(
        resource, starts_at, ends_at, rules=rules, now=now, rest_of_slot=rest_of_slot
    )
    _lock_person(person)
    check_one_desk_at_a_time(person, resource, starts_at, ends_at)
    check_active_limit(person, resource, rules, now)
    if not availability.is_free(resource, starts_at, ends_at):
        raise _already_booked(resource, starts_at, ends_at, person)
    booking = Booking(
        resource=resource,
        person=person,
        booked_by=by,
        starts_at=starts_at,
        ends_at=ends_at,
        title=single_line(title),
        status=_initial_status(resource, by),
        created_at=now,
    )
    _insert(booking)
    _announce_new([booking], by=by)
    return booking


def book_desk(
    *, desk: Resource, person, by, day: datetime.date, slot: slots.DeskSlot | str
) -> Booking:
    starts_at, ends_at = slots.desk_slot_bounds(desk.floor.building, day, slot)
    return book(
        resource=desk, person=person, by=by, starts_at=starts_at, ends_at=ends_at
    )


@transaction.atomic
def book_series(
    *,
    resource: Resource,
    person,
    by,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    rrule: str,
    until: datetime.date,
    title: str = "",
    skip_conflicts: bool = False,
    now: datetime.datetime | None = None,
) -> BookingSeries:
    """Book every occurrence of ``rrule`` from ``starts_at`` through ``until``.

    National holidays and closure days are skipped. When some occurrence is taken the
    whole series is refused (listing the dates), unless ``skip_conflicts``: then those
    dates are left out and the calendar shows them as exceptions. The returned series
    also carries ``skipped`` ([(date, reason)]) and ``conflicts`` for the user's message.
    """
    now = now or timezone.now()
    rule = recurrence.validate_rrule(rrule)
    _check_may_book(by, person, resource, starts_at)
    rules = rules_for(resource)
    check_recurrence_span(
        slots.local(starts_at).date(), until, rules, slots.local(now).date()
    )
    duration = ends_at - starts_at
    expansion = recurrence.expand(
        rule, starts_at, until, skip_closed_days=not rules.bookable_on_closure_days
    )
    occurrences = [start for start in expansion.occurrences if start + duration > now]
    if not occurrences:
        raise RuleViolation(_("指定した期間に予約できる日がありません。"))
    for start in occurrences:
        check_times(
            resource, start, start + duration, rules=rules, now=now, recurring=True
        )
    _lock_person(person)
    check_active_limit(person, resource, rules, now)
    conflicts = _series_conflicts(resource, person, occurrences, duration)
    if conflicts and not skip_conflicts:
        listed = "、".join(
            slots.describe(resource, start, start + duration) for start in conflicts[:5]
        )
        more = len(conflicts) - 5
        message = _("次の日は既に予約があるため、繰り返し予約できません: %(days)s") % {
            "days": listed
        }
        if more > 0:
            message += _("（ほか%(count)s日）") % {"count": more}
        first = conflicts[0]
        error = _already_booked(resource, first, first + duration, person)
        error.message = message
        raise error
    series = BookingSeries.objects.create(
        resource=resource,
        person=person,
        booked_by=by,
        rrule=rule,
        first_starts_at=starts_at,
        duration_minutes=int(duration.total_seconds() // 60),
        until=until,
        title=single_line(title),
        created_at=now,
    )
    status = _initial_status(resource, by)
    created = []
    for start in occurrences:
        if start in conflicts:
            continue
        booking = Booking(
            resource=resource,
            person=person,
            booked_by=by,
            series=series,
            starts_at=start,
            ends_at=start + duration,
            title=series.title,
            status=status,
            created_at=now,
        )
        try:
            _insert(booking)
        except AlreadyBooked:
            if not skip_conflicts:
                raise
            continue
        created.append(booking)
    if not created:
        raise RuleViolation(_("指定した期間に予約できる日がありません。"))
    series.skipped = expansion.skipped
    series.conflicts = conflicts
    _announce_new(created, by=by, series=series)
    return series


def _check_may_book(by, person, resource: Resource, starts_at) -> None:
    if not person.is_active:
        raise NotPermitted(_("この職員は予約できません（無効なアカウントです）。"))
    if not can_book_for(by, person, slots.local(starts_at).date()):
        raise NotPermitted(
            _("代理予約できるのは同じ課の職員の分だけです（施設管理担当を除く）。")
        )
    check_resource_bookable(resource, person)


def _initial_status(resource: Resource, by) -> Booking.Status:
    if resource.is_room and resource.needs_approval and not can_decide(by, resource):
        return Booking.Status.PENDING
    return Booking.Status.CONFIRMED


def _lock_person(person) -> None:
    """Serialise one person's bookings (PostgreSQL; SQLite's IMMEDIATE writes queue)."""
    list(
        get_user_model()
        .objects.select_for_update()
        .filter(pk=person.pk)
        .values_list("pk", flat=True)
    )


def _series_conflicts(
    resource, person, occurrences, duration
) -> list[datetime.datetime]:
    first, last = occurrences[0], occurrences[-1] + duration
    taken = list(
        Booking.objects.holding()
        .filter(resource=resource, starts_at__lt=last, ends_at__gt=first)
        .values_list("starts_at", "ends_at")
    )
    if resource.is_desk:
        taken += list(
            Booking.objects.active()
            .filter(
                person=person,
                resource__kind=Resource.Kind.DESK,
                starts_at__lt=last,
                ends_at__gt=first,
            )
            .values_list("starts_at", "ends_at")
        )
    return [
        start
        for start in occurrences
        if any(s < start + duration and start < e for s, e in taken)
    ]


def _insert(booking: Booking) -> None:
    """Save a new booking; the database's overlap guard becomes AlreadyBooked."""
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as error:
        if not is_overlap_error(error):
            raise
        raise _already_booked(
            booking.resource, booking.starts_at, booking.ends_at, booking.person
        ) from None


def is_overlap_error(error: IntegrityError) -> bool:
    text = str(error)
    return db.OVERLAP_MESSAGE in text or "spaces_booking_no_overlap" in text


def _already_booked(resource, starts_at, ends_at, person) -> AlreadyBooked:
    return AlreadyBooked(
        _("%(resource)s は %(when)s に既に予約されています。")
        % {
            "resource": resource.label,
            "when": slots.describe(resource, starts_at, ends_at),
        },
        availability.alternatives(resource, starts_at, ends_at, person=person),
    )


class WalkIn(NamedTuple):
    """What scanning a free desk or room would book."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    rest_of_slot: bool  # part of the half-day or hour is already over (a check-out)


def walk_in_window(resource: Resource, now: datetime.datetime) -> WalkIn | None:
    """What scanning a free desk or room books: this half-day, or the next hour.

    When someone checked out of part of it, what is left: from now (or from the end
    of that booking, if later) to the end of the half-day or hour, so it never overlaps.
    """
    window = _grid_window(resource, now)
    if window is None:
        return None
    start, end = window
    given_back = list(
        Booking.objects.filter(resource=resource, status=Booking.Status.CHECKED_OUT)
        .overlapping(start, end)
        .values_list("ends_at", flat=True)
    )
    if not given_back:
        return WalkIn(start, end, rest_of_slot=False)
    start = max(start, slots.minute_floor(now), *given_back)
    return WalkIn(start, end, rest_of_slot=True) if start < end else None


def _grid_window(
    resource: Resource, now: datetime.datetime
) -> tuple[datetime.datetime, datetime.datetime] | None:
    building = resource.floor.building
    day = slots.local(now).date()
    if resource.is_desk:
        for slot in (slots.DeskSlot.MORNING, slots.DeskSlot.AFTERNOON):
            start, end = slots.desk_slot_bounds(building, day, slot)
            if now < end:
                return start, end
        return None
    rules = rules_for(resource)
    start = slots.step_floor(now)
    end = min(start + 2 * slots.STEP, slots.at(day, rules.closes_at))
    if start < slots.at(day, rules.opens_at) or end <= now:
        return None
    return start, end


@transaction.atomic
def walk_in(
    *, resource: Resource, person, now: datetime.datetime | None = None
) -> Booking:
    """Book a free desk or room on the spot (from its QR code) and check in.

    Checks in whenever check-in is open (from 15 minutes before the start); before
    that the booking is only made, and the caller must say so.
    """
    now = now or timezone.now()
    window = walk_in_window(resource, now)
    if window is None:
        raise RuleViolation(_("今の時間帯は予約できません。"))
    booking = book(
        resource=resource,
        person=person,
        by=person,
        starts_at=window.starts_at,
        ends_at=window.ends_at,
        now=now,
        rest_of_slot=window.rest_of_slot,
    )
    if (
        booking.status == Booking.Status.CONFIRMED
        and now >= booking.starts_at - CHECKIN_EARLY
    ):
        check_in(booking=booking, by=person, now=now)
    return booking


# --- cancelling ----------------------------------------------------------------------


@transaction.atomic
def cancel_booking(
    *,
    booking: Booking,
    by,
    scope: CancelScope | str = CancelScope.ONE,
    now: datetime.datetime | None = None,
) -> list[Booking]:
    """Cancel one booking, the series from this date on, or the whole series.

    The cancel deadline applies to the people themselves, not to facility managers.
    For a series, occurrences already under way or past the deadline stay.
    """
    now = now or timezone.now()
    scope = CancelScope(scope)
    if not can_manage_booking(by, booking):
        raise NotPermitted(_("この予約を取り消す権限がありません。"))
    if not booking.is_active and scope == CancelScope.ONE:
        raise RuleViolation(_("この予約は既に取り消し済みか、終了しています。"))
    if booking.status == Booking.Status.CHECKED_IN and scope == CancelScope.ONE:
        raise RuleViolation(
            _("利用中の予約は取り消せません。チェックアウトしてください。")
        )
    rules = rules_for(booking.resource)
    manager = is_facility_manager(by)
    if scope == CancelScope.ONE or booking.series_id is None:
        if not manager:
            check_cancel_deadline(booking, rules, now)
        targets = [booking]
    else:
        targets = list(
            booking.series.bookings.active()
            .filter(ends_at__gt=now)
            .exclude(status=Booking.Status.CHECKED_IN)
            .select_for_update()
        )
        if scope == CancelScope.FOLLOWING:
            targets = [t for t in targets if t.starts_at >= booking.starts_at]
            series = booking.series
            series.until = max(
                slots.local(series.first_starts_at).date(),
                booking.local_day - datetime.timedelta(days=1),
            )
            series.save(update_fields=["until"])
        if not manager:
            targets = [
                t
                for t in targets
                if not rules.cancel_deadline
                or now <= t.starts_at - rules.cancel_deadline
            ]
    for target in targets:
        target.status = Booking.Status.CANCELLED
        target.cancelled_at = now
        target.cancelled_by = by
        target.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    if targets:
        first = targets[0]
        when = slots.describe(first.resource, first.starts_at, first.ends_at)
        if len(targets) > 1:
            when += _("ほか%(count)s件") % {"count": len(targets) - 1}
        notify(
            recipients=[first.person],
            kind=Kind.BOOKING_CANCELLED,
            subject=_("予約が取り消されました: %(resource)s %(when)s")
            % {"resource": first.resource.label, "when": when},
            body=_("%(actor)s さんが取り消しました。") % {"actor": by},
            url=reverse("spaces:my_bookings"),
            actor=by,
            group_key=f"booking:{first.pk}",
        )
        _publish(targets, action="cancelled")
    return targets


# --- approval ---------------------------------------------------------------------------


@transaction.atomic
def accept_booking(
    *, booking: Booking, by, now: datetime.datetime | None = None
) -> list[Booking]:
    """Confirm a pending room booking (its whole series), declining overlapping requests.

    An occurrence that meanwhile overlaps a confirmed booking is declined; a single
    booking in that case raises AlreadyBooked.
    """
    now = now or timezone.now()
    _check_decision(booking, by)
    targets = _pending_targets(booking)
    confirmed, lost = [], []
    for target in targets:
        target.status = Booking.Status.CONFIRMED
        target.decided_by, target.decided_at = by, now
        try:
            with transaction.atomic():
                target.save(update_fields=["status", "decided_by", "decided_at"])
        except IntegrityError as error:
            if not is_overlap_error(error):
                raise
            if len(targets) == 1:
                target.status = Booking.Status.PENDING
                raise _already_booked(
                    target.resource, target.starts_at, target.ends_at, target.person
                ) from None
            lost.append(target)
            continue
        confirmed.append(target)
    for target in lost:
        _decline(
            target, by=by, now=now, reason=_("同じ時間帯に確定済みの予約があります。")
        )
    # Requests for the same room and time can no longer be granted.
    overlapping = Booking.objects.none()
    for target in confirmed:
        overlapping |= Booking.objects.filter(
            resource=target.resource,
            status=Booking.Status.PENDING,
            starts_at__lt=target.ends_at,
            ends_at__gt=target.starts_at,
        )
    declined = list(overlapping.select_related("person", "resource__floor__building"))
    for other in declined:
        _decline(
            other,
            by=by,
            now=now,
            reason=_("同じ時間帯の別の予約が承認されました。"),
        )
    if confirmed:
        first = confirmed[0]
        notify(
            recipients=[first.person, first.booked_by],
            kind=Kind.BOOKING_CONFIRMED,
            subject=_("会議室の利用が承認されました: %(resource)s %(when)s")
            % {
                "resource": first.resource.label,
                "when": _when_text(first, len(confirmed)),
            },
            url=first.get_absolute_url(),
            actor=by,
            group_key=f"booking:{first.pk}",
        )
        _publish(confirmed, action="confirmed")
    return confirmed


@transaction.atomic
def decline_booking(
    *, booking: Booking, by, reason: str = "", now: datetime.datetime | None = None
) -> list[Booking]:
    now = now or timezone.now()
    _check_decision(booking, by)
    targets = _pending_targets(booking)
    for target in targets:
        _decline(target, by=by, now=now, reason=reason, notify_person=False)
    first = targets[0]
    notify(
        recipients=[first.person, first.booked_by],
        kind=Kind.BOOKING_DECLINED,
        subject=_("会議室の利用が承認されませんでした: %(resource)s %(when)s")
        % {"resource": first.resource.label, "when": _when_text(first, len(targets))},
        body=reason,
        url=first.get_absolute_url(),
        actor=by,
        group_key=f"booking:{first.pk}",
    )
    return targets


def _check_decision(booking: Booking, by) -> None:
    if not can_decide(by, booking.resource):
        raise NotPermitted(_("この会議室の利用を承認する権限がありません。"))
    if booking.status != Booking.Status.PENDING:
        raise RuleViolation(_("この申請は既に処理されています。"))


def _pending_targets(booking: Booking) -> list[Booking]:
    if booking.series_id is None:
        return [booking]
    return list(
        booking.series.bookings.filter(status=Booking.Status.PENDING)
        .select_related("resource__floor__building", "person", "booked_by")
        .order_by("starts_at")
    )


def _decline(booking, *, by, now, reason, notify_person=True) -> None:
    booking.status = Booking.Status.DECLINED
    booking.decided_by, booking.decided_at = by, now
    booking.decision_note = str(reason)[:200]
    booking.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if notify_person:
        notify(
            recipients=[booking.person, booking.booked_by],
            kind=Kind.BOOKING_DECLINED,
            subject=_("会議室の利用が承認されませんでした: %(resource)s %(when)s")
            % {"resource": booking.resource.label, "when": _when_text(booking, 1)},
            body=str(reason),
            url=booking.get_absolute_url(),
            actor=by,
            group_key=f"booking:{booking.pk}",
        )


# --- check-in, check-out and no-shows ------------------------------------------------


@transaction.atomic
def check_in(*, booking: Booking, by, now: datetime.datetime | None = None) -> Booking:
    """The person arrives (scanned the QR code): from 15 minutes before the start."""
    now = now or timezone.now()
    if by.pk != booking.person_id:
        raise NotPermitted(_("チェックインできるのは予約した本人だけです。"))
    if booking.status == Booking.Status.CHECKED_IN:
        return booking
    if booking.status != Booking.Status.CONFIRMED:
        raise RuleViolation(
            _("この予約はチェックインできません（%(status)s）。")
            % {"status": booking.get_status_display()}
        )
    if now < booking.starts_at - CHECKIN_EARLY:
        raise RuleViolation(
            _("チェックインは開始の15分前からできます（%(time)s から）。")
            % {"time": f"{slots.local(booking.starts_at - CHECKIN_EARLY):%H:%M}"}
        )
    if now >= booking.ends_at:
        raise RuleViolation(_("この予約は終了しています。"))
    booking.status = Booking.Status.CHECKED_IN
    booking.checked_in_at = now
    booking.save(update_fields=["status", "checked_in_at"])
    _publish([booking], action="checked_in")
    return booking


@transaction.atomic
def check_out(*, booking: Booking, by, now: datetime.datetime | None = None) -> Booking:
    """Leave: the booking ends at the check-out minute and the rest is free at once.

    It keeps at least its first minute (the range must not be empty), so a check-out
    before the start still leaves a record; ``checked_out_at`` has the exact moment.
    """
    now = now or timezone.now()
    if by.pk != booking.person_id and not is_facility_manager(by):
        raise NotPermitted(_("チェックアウトできるのは予約した本人だけです。"))
    if booking.status != Booking.Status.CHECKED_IN:
        raise RuleViolation(_("チェックイン中の予約ではありません。"))
    end = max(slots.minute_floor(now), booking.starts_at + MINUTE)
    booking.ends_at = min(booking.ends_at, end)
    booking.status = Booking.Status.CHECKED_OUT
    booking.checked_out_at = now
    booking.save(update_fields=["ends_at", "status", "checked_out_at"])
    _publish([booking], action="checked_out")
    return booking


def release_no_shows(*, now: datetime.datetime | None = None) -> list[Booking]:
    """Release bookings nobody checked in to within the grace period; expire requests.

    Idempotent and safe to run every few minutes (cron or a task worker). The grace
    period counts from the start, or from the booking's creation when it was made late.
    """
    now = now or timezone.now()
    released = []
    candidates = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            starts_at__lte=now,
            ends_at__gt=now - datetime.timedelta(days=7),
        )
        .select_related("resource__floor__building", "person", "booked_by")
        .order_by("starts_at")
    )
    for booking in candidates:
        rules = rules_for(booking.resource)
        if not rules.requires_checkin:
            continue
        if max(booking.starts_at, booking.created_at) + rules.checkin_grace > now:
            continue
        with transaction.atomic():
            changed = Booking.objects.filter(
                pk=booking.pk, status=Booking.Status.CONFIRMED
            ).update(status=Booking.Status.RELEASED, released_at=now)
            if not changed:
                continue  # checked in or cancelled meanwhile
            booking.status, booking.released_at = Booking.Status.RELEASED, now
            if booking.ends_at > now:
                notify(
                    recipients=[booking.person],
                    kind=Kind.BOOKING_RELEASED,
                    subject=_(
                        "チェックインがなかったため予約を解放しました: %(resource)s %(when)s"
                    )
                    % {
                        "resource": booking.resource.label,
                        "when": _when_text(booking, 1),
                    },
                    url=reverse("spaces:my_bookings"),
                    group_key=f"booking:{booking.pk}",
                )
            _publish([booking], action="released")
        released.append(booking)
    stale = Booking.objects.filter(status=Booking.Status.PENDING, starts_at__lte=now)
    for booking in stale.select_related("resource__floor__building", "person"):
        with transaction.atomic():
            if Booking.objects.filter(
                pk=booking.pk, status=Booking.Status.PENDING
            ).update(
                status=Booking.Status.DECLINED,
                decided_at=now,
                decision_note=_("開始時刻までに承認されませんでした。"),
            ):
                notify(
                    recipients=[booking.person],
                    kind=Kind.BOOKING_DECLINED,
                    subject=_(
                        "承認されないまま開始時刻を過ぎました: %(resource)s %(when)s"
                    )
                    % {
                        "resource": booking.resource.label,
                        "when": _when_text(booking, 1),
                    },
                    url=booking.get_absolute_url(),
                    group_key=f"booking:{booking.pk}",
                )
                _publish([booking], action="expired")
    return released


# --- personal settings -------------------------------------------------------------------


def _profile(person) -> SpacesProfile:
    profile, _created = SpacesProfile.objects.select_for_update().get_or_create(
        person=person
    )
    return profile


@transaction.atomic
def set_location_visibility(
    *, person, visibility: SpacesProfile.Visibility | str
) -> SpacesProfile:
    profile = _profile(person)
    profile.location_visibility = SpacesProfile.Visibility(visibility)
    profile.save(update_fields=["location_visibility"])
    return profile


@transaction.atomic
def issue_calendar_token(*, person) -> str:
    """A new secret for the personal calendar feed; the old URL stops working."""
    profile = _profile(person)
    profile.calendar_token = secrets.token_urlsafe(32)
    profile.save(update_fields=["calendar_token"])
    return profile.calendar_token


@transaction.atomic
def revoke_calendar_token(*, person) -> None:
    profile = _profile(person)
    profile.calendar_token = None
    profile.save(update_fields=["calendar_token"])


@transaction.atomic
def renew_resource_tokens(*, resource: Resource, by) -> Resource:
    """New QR check-in and room-display URLs (e.g. after a printed sheet went astray)."""
    if not is_facility_manager(by):
        raise NotPermitted(_("施設管理担当のみが操作できます。"))
    resource.checkin_token = secrets.token_urlsafe(24)
    resource.display_token = secrets.token_urlsafe(24)
    resource.save(update_fields=["checkin_token", "display_token"])
    return resource


# --- telling people and pages -----------------------------------------------------------


def _when_text(booking: Booking, count: int) -> str:
    text = slots.describe(booking.resource, booking.starts_at, booking.ends_at)
    if count > 1:
        text += _("ほか%(count)s件") % {"count": count - 1}
    return text


def _announce_new(bookings: list[Booking], *, by, series=None) -> None:
    first = bookings[0]
    resource = first.resource
    when = _when_text(first, len(bookings))
    if first.status == Booking.Status.PENDING:
        notify(
            recipients=[resource.approver],
            kind=Kind.BOOKING_APPROVAL_REQUESTED,
            subject=_("会議室の利用承認依頼: %(resource)s %(when)s（%(person)s）")
            % {"resource": resource.label, "when": when, "person": first.person},
            body=first.title,
            url=reverse("spaces:approval", args=[first.pk]),
            actor=by,
            group_key=f"booking:{first.pk}",
        )
    if by.pk != first.person_id:
        notify(
            recipients=[first.person],
            kind=Kind.BOOKING_CONFIRMED,
            subject=_("%(actor)s さんがあなたの予約をしました: %(resource)s %(when)s")
            % {"actor": by, "resource": resource.label, "when": when},
            url=first.get_absolute_url(),
            actor=by,
            group_key=f"booking:{first.pk}",
        )
    _publish(bookings, action="booked")


def _publish(bookings: list[Booking], *, action: str) -> None:
    """Tell open floor plans and room timelines (the pages re-read their state) and
    whoever listens to ``signals.bookings_changed``."""
    signals.bookings_changed.send(sender=Booking, bookings=bookings, action=action)
    first = bookings[0]
    resource = first.resource
    event = {
        "action": action,
        "resource": resource.pk,
        "starts_at": min(b.starts_at for b in bookings).isoformat(),
        "ends_at": max(b.ends_at for b in bookings).isoformat(),
    }
    publish(topic=f"floor:{resource.floor_id}", event=event)
    if resource.is_room:
        publish(topic=f"room:{resource.pk}", event=event)


def check_day_bookable(resource: Resource, day: datetime.date) -> None:
    """Raise RuleViolation when ``day`` is closed for bookings of ``resource``."""
    check_day_open(resource, day, rules_for(resource))
