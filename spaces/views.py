"""Pages of spaces. Thin: parse the request, call a service or a query, render."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Subquery
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from directory.text import normalize_name
from intranet.core.dates import add_business_days, is_business_day

from . import availability, calendar, plan_markup, qr, queries, services, slots
from . import reports as report_data
from .errors import AlreadyBooked, BookingError, NotPermitted
from .forms import (
    CancelForm,
    DeclineForm,
    DeskBookingForm,
    PrivacyForm,
    ReportForm,
    RoomBookingForm,
)
from .models import Booking, Building, Floor, Resource, SpacesProfile
from .privacy import visibilities, visibility_of, visible_people
from .rules import rules_for
from .uploads import content_type_of


def _require_facility_manager(user) -> None:
    if not services.is_facility_manager(user):
        raise PermissionDenied(_("施設管理担当のみが利用できます。"))


def _default_day(building=None) -> datetime.date:
    """Today, or the next business day once today is closed or its desks are done."""
    now = slots.local(timezone.now())
    day = now.date()
    finished = building is not None and now.time() >= building.afternoon_ends
    if finished or not is_business_day(day):
        return add_business_days(day, 1)
    return day


def _parse_day(request, name="date", building=None) -> datetime.date:
    value = request.GET.get(name)
    if not value:
        return _default_day(building)
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        messages.error(request, _("日付の形式が正しくありません。今日を表示します。"))
        return _default_day(building)


def _default_slot(building, day: datetime.date) -> slots.DeskSlot:
    now = slots.local(timezone.now())
    if day == now.date() and now.time() >= building.morning_ends:
        return slots.DeskSlot.AFTERNOON
    return slots.DeskSlot.DAY


def _parse_slot(request, building, day) -> slots.DeskSlot:
    value = request.GET.get("slot")
    if value in slots.DeskSlot.values:
        return slots.DeskSlot(value)
    return _default_slot(building, day)


# --- overview -------------------------------------------------------------------------


def home(request):
    today = slots.today()
    start, end = (
        slots.at(today, datetime.time(0)),
        slots.at(today + datetime.timedelta(days=1), datetime.time(0)),
    )
    floors = list(
        Floor.objects.select_related("building").annotate(
            desk_count=Count(
                "resources",
                filter=Q(resources__kind=Resource.Kind.DESK)
                & ~Q(resources__mode=Resource.Mode.UNAVAILABLE),
                distinct=True,
            ),
            room_count=Count(
                "resources",
                filter=Q(resources__kind=Resource.Kind.ROOM),
                distinct=True,
            ),
        )
    )
    booked_today = dict(
        Booking.objects.holding()
        .overlapping(start, end)
        .filter(resource__kind=Resource.Kind.DESK)
        .values("resource__floor")
        .annotate(count=Count("resource", distinct=True))
        .values_list("resource__floor", "count")
    )
    for floor in floors:
        floor.booked_today = booked_today.get(floor.pk, 0)
    return render(
        request,
        "spaces/home.html",
        {
            "today": today,
            "today_bookings": queries.bookings_today_for(request.user),
            "upcoming": queries.upcoming_bookings_for(request.user, limit=8),
            "floors": floors,
            "pending_count": len(queries.pending_approvals_for(request.user)),
            "is_facility_manager": services.is_facility_manager(request.user),
        },
    )


def _floor_plan_context(request, floor):
    building = floor.building
    day = _parse_day(request, building=building)
    slot = _parse_slot(request, building, day)
    starts_at, ends_at = slots.desk_slot_bounds(building, day, slot)
    plan = availability.floor_plan(floor, starts_at, ends_at, request.user)
    summary_template = _("空き {free} 席 / 全 {total} 席")
    return {
        "summary_template": summary_template,
        "summary": summary_template.format(
            free=plan.counts().get("free", 0), total=len(plan.desks)
        ),
        "floor": floor,
        "building": building,
        "day": day,
        "slot": slot,
        "slots": slots.DeskSlot,
        "plan": plan,
        "closed_reason": None if is_business_day(day) else _("閉庁日"),
        "previous_day": add_business_days(day, -1),
        "next_day": add_business_days(day, 1),
    }


def floor(request, pk):
    # The floor and its siblings (the floor tabs) in one query.
    floors = list(
        Floor.objects.select_related("building").filter(
            building_id=Subquery(Floor.objects.filter(pk=pk).values("building_id"))
        )
    )
    floor = next((f for f in floors if f.pk == pk), None)
    if floor is None:
        raise Http404
    context = _floor_plan_context(request, floor)
    context["floors"] = floors
    highlight = request.GET.get("highlight", "")
    highlighted = {int(highlight)} if highlight.isdigit() else set()
    # "Where is my colleague": match the names this viewer may see on this plan.
    search = request.GET.get("q", "").strip()[:50]
    found = []
    if search:
        words = normalize_name(search).split()
        found = sorted(
            (
                item
                for item in context["plan"].items
                if item.occupant_search
                and all(word in item.occupant_search for word in words)
            ),
            key=lambda item: (item.occupant_sort_key, item.resource.code),
        )
        highlighted.update(item.resource.pk for item in found)
    context.update(search=search, found=found)
    query = urlencode(
        {"date": context["day"].isoformat(), "slot": context["slot"].value}
    )
    context["seats"] = plan_markup.seats(context["plan"], query, highlighted)
    context["list_rows"] = plan_markup.list_rows(context["plan"], query)
    context["legend"] = [
        (state.value, state.label, availability.MARKS[state.value])
        for state in availability.State
    ]
    return render(request, "spaces/floor.html", context)


def floor_state(request, pk):
    """The floor plan's states as JSON, re-read by the page after a live event."""
    floor = get_object_or_404(Floor.objects.select_related("building"), pk=pk)
    context = _floor_plan_context(request, floor)
    plan = context["plan"]
    return JsonResponse(
        {
            "floor": floor.pk,
            "date": context["day"].isoformat(),
            "slot": context["slot"].value,
            "items": [
                {
                    "id": item.resource.pk,
                    "state": item.state.value,
                    "state_label": item.state_label,
                    "mark": item.mark,
                    "label": item.label,
                    "occupant": item.occupant,
                    "bookable": item.bookable,
                }
                for item in plan.items
            ],
            "counts": plan.counts(),
        }
    )


def plan_image(request, pk):
    floor = get_object_or_404(Floor, pk=pk)
    if not floor.plan:
        raise Http404
    response = FileResponse(
        floor.plan.open("rb"),
        content_type=content_type_of(floor.plan.name),
        as_attachment=True,
        filename=f"floor-{floor.pk}-plan.{floor.plan.name.rsplit('.', 1)[-1]}",
    )
    # An uploaded SVG must never run script, even when opened on its own: a download,
    # never sniffed, and sandboxed should a browser render it anyway. Drawn as an
    # <image> inside the floor page's <svg>, it displays all the same.
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- booking --------------------------------------------------------------------------


def _resource_or_404(pk):
    return get_object_or_404(
        Resource.objects.select_related(
            "floor__building", "area", "assigned_to", "approver"
        ),
        pk=pk,
    )


def book_resource(request, pk):
    resource = _resource_or_404(pk)
    rules = rules_for(resource)
    form_class = DeskBookingForm if resource.is_desk else RoomBookingForm
    extra = {} if resource.is_desk else {"rules": rules}
    day = _parse_day(request, building=resource.floor.building)
    if request.method == "POST":
        form = form_class(request.POST, resource=resource, user=request.user, **extra)
    else:
        initial = {"day": day}
        if resource.is_desk:
            initial["slot"] = _parse_slot(request, resource.floor.building, day)
        else:
            start = request.GET.get("start") or rules.opens_at.strftime("%H:%M")
            initial["start"] = start
            initial["end"] = request.GET.get("end") or _plus_hour(start, rules)
        form = form_class(
            initial=initial, resource=resource, user=request.user, **extra
        )
    error = None
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        starts_at, ends_at = form.times()
        try:
            if data.get("rrule"):
                series = services.book_series(
                    resource=resource,
                    person=data["for_person"],
                    by=request.user,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    rrule=data["rrule"],
                    until=data["until"],
                    title=data.get("title", ""),
                    skip_conflicts=data.get("skip_conflicts", False),
                )
                first = series.bookings.order_by("starts_at").first()
                _series_message(request, series, first)
                return redirect(_after_booking_url(resource, first))
            booking = services.book(
                resource=resource,
                person=data["for_person"],
                by=request.user,
                starts_at=starts_at,
                ends_at=ends_at,
                title=data.get("title", ""),
            )
        except AlreadyBooked as conflict:
            error, status = conflict, 409
        except NotPermitted as refusal:
            error, status = refusal, 403
        except BookingError as problem:
            error, status = problem, 400
        else:
            if booking.status == Booking.Status.PENDING:
                messages.success(
                    request,
                    _("利用申請を送りました。承認されると通知が届きます: %(what)s")
                    % {"what": _booking_text(booking)},
                )
            else:
                messages.success(
                    request,
                    _("予約しました: %(what)s") % {"what": _booking_text(booking)},
                )
            return redirect(_after_booking_url(resource, booking))
    elif request.method == "POST":
        status = 400
    day_for_listing = (
        form.cleaned_data.get("day") if form.is_bound and form.is_valid() else day
    )
    return render(
        request,
        "spaces/book.html",
        {
            "resource": resource,
            "rules": rules,
            "form": form,
            "error": error,
            "alternatives": getattr(error, "alternatives", None),
            "day": day_for_listing,
            "day_bookings": _day_bookings(resource, day_for_listing),
            "slot_value": request.GET.get("slot", ""),
            "grace_minutes": int(rules.checkin_grace.total_seconds() // 60),
            "cancel_minutes": int(rules.cancel_deadline.total_seconds() // 60),
        },
        status=status,
    )


def _plus_hour(start: str, rules) -> str:
    try:
        value = datetime.time.fromisoformat(start)
    except ValueError:
        return ""
    later = (slots.at(slots.today(), value) + datetime.timedelta(hours=1)).time()
    return min(later, rules.closes_at).strftime("%H:%M")


def _booking_text(booking) -> str:
    return f"{booking.resource.label} {slots.describe(booking.resource, booking.starts_at, booking.ends_at)}"


def _series_message(request, series, first) -> None:
    count = series.bookings.count()
    text = _("繰り返し予約しました（%(count)s回）: %(what)s") % {
        "count": count,
        "what": _booking_text(first),
    }
    skipped = getattr(series, "skipped", [])
    if skipped:
        text += " " + _("祝日・閉庁日の%(count)s日は除きました。") % {
            "count": len(skipped)
        }
    conflicts = getattr(series, "conflicts", [])
    if conflicts:
        text += " " + _("予約済みの%(count)s日は除きました。") % {
            "count": len(conflicts)
        }
    messages.success(request, text)


def _after_booking_url(resource, booking) -> str:
    day = booking.local_day.isoformat()
    if resource.is_room:
        return (
            f"{reverse('spaces:room', args=[resource.pk])}?{urlencode({'date': day})}"
        )
    slot = slots.desk_slot_of(
        resource.floor.building, booking.starts_at, booking.ends_at
    )
    # No #fragment: the page opens at its top, where 「予約しました」 is shown (on a
    # phone a jump to the desk put the message off screen); the desk is highlighted.
    query = {
        "date": day,
        "slot": (slot or slots.DeskSlot.DAY).value,
        "highlight": resource.pk,
    }
    return f"{reverse('spaces:floor', args=[resource.floor_id])}?{urlencode(query)}"


def _day_bookings(resource, day):
    start = slots.at(day, datetime.time(0))
    return list(
        Booking.objects.active()
        .overlapping(start, start + datetime.timedelta(days=1))
        .filter(resource=resource)
        .order_by("starts_at")
    )


# --- rooms ------------------------------------------------------------------------------


def _timeline(request, room, day):
    rules = rules_for(room)
    bookings = list(
        Booking.objects.active()
        .overlapping(slots.at(day, rules.opens_at), slots.at(day, rules.closes_at))
        .filter(resource=room)
        .select_related("person", "person__spaces_profile")
        .order_by("starts_at")
    )
    visible = visible_people(
        request.user, visibilities(b.person_id for b in bookings), day
    )
    now = timezone.now()
    rows = []
    for time in slots.room_times(rules.opens_at, rules.closes_at)[:-1]:
        start = slots.at(day, time)
        end = start + slots.STEP
        booking = next(
            (b for b in bookings if b.starts_at < end and start < b.ends_at), None
        )
        rows.append(
            {
                "start": start,
                "end": end,
                "booking": booking,
                "first": booking is not None and booking.starts_at >= start,
                "past": end <= now,
                "who": (
                    booking.person.full_name
                    if booking is not None and booking.person_id in visible
                    else ""
                ),
                "title": (
                    booking.title
                    if booking is not None
                    and (
                        request.user.pk in (booking.person_id, booking.booked_by_id)
                        or booking.person_id in visible
                    )
                    else ""
                ),
            }
        )
    return {"room": room, "day": day, "rows": rows, "rules": rules}


def room(request, pk):
    room = get_object_or_404(
        Resource.objects.rooms().select_related("floor__building", "area", "approver"),
        pk=pk,
    )
    day = _parse_day(request)
    context = _timeline(request, room, day)
    context.update(
        {
            "equipment": list(room.equipment.all()),
            "previous_day": add_business_days(day, -1),
            "next_day": add_business_days(day, 1),
            "closed": not is_business_day(day),
        }
    )
    return render(request, "spaces/room.html", context)


def room_timeline(request, pk):
    room = get_object_or_404(
        Resource.objects.rooms().select_related("floor__building"), pk=pk
    )
    context = _timeline(request, room, _parse_day(request))
    return render(request, "spaces/includes/room_timeline.html", context)


# --- my bookings --------------------------------------------------------------------------


def my_bookings(request):
    now = timezone.now()
    mine = Booking.objects.filter(person=request.user).select_related(
        "resource__floor__building", "series", "booked_by"
    )
    upcoming = list(mine.active().filter(ends_at__gt=now).order_by("starts_at")[:100])
    past = list(mine.filter(ends_at__lte=now).order_by("-starts_at")[:30])
    return render(
        request,
        "spaces/my_bookings.html",
        {"upcoming": upcoming, "past": past, "now": now},
    )


def _visible_booking(request, pk) -> Booking:
    booking = get_object_or_404(
        Booking.objects.select_related(
            "resource__floor__building", "person", "booked_by", "series", "decided_by"
        ),
        pk=pk,
    )
    if not (
        services.can_manage_booking(request.user, booking)
        or request.user.pk == booking.resource.approver_id
    ):
        raise Http404
    return booking


def booking_detail(request, pk):
    booking = _visible_booking(request, pk)
    now = timezone.now()
    return render(
        request,
        "spaces/booking.html",
        {
            "booking": booking,
            "when": slots.describe(
                booking.resource, booking.starts_at, booking.ends_at
            ),
            "cancel_form": CancelForm(),
            "can_cancel": booking.is_active
            and booking.status != Booking.Status.CHECKED_IN
            and services.can_manage_booking(request.user, booking),
            "can_check_in": booking.status == Booking.Status.CONFIRMED
            and request.user.pk == booking.person_id
            and booking.starts_at - services.CHECKIN_EARLY <= now < booking.ends_at,
            "can_check_out": booking.status == Booking.Status.CHECKED_IN,
        },
    )


def _run(request, action, success: str = ""):
    try:
        result = action()
    except BookingError as problem:
        messages.error(request, problem.message)
        return None
    if success:
        messages.success(request, success)
    return result


@require_POST
def cancel(request, pk):
    booking = _visible_booking(request, pk)
    form = CancelForm(request.POST)
    scope = form.cleaned_data["scope"] if form.is_valid() else "one"
    cancelled = _run(
        request,
        lambda: services.cancel_booking(booking=booking, by=request.user, scope=scope),
        _("予約を取り消しました。"),
    )
    if cancelled is not None and len(cancelled) > 1:
        messages.info(
            request, _("%(count)s件を取り消しました。") % {"count": len(cancelled)}
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("spaces:my_bookings")
    return redirect(target)


@require_POST
def check_in(request, pk):
    booking = _visible_booking(request, pk)
    _run(
        request,
        lambda: services.check_in(booking=booking, by=request.user),
        _("チェックインしました。"),
    )
    return redirect("spaces:booking", pk=booking.pk)


@require_POST
def check_out(request, pk):
    booking = _visible_booking(request, pk)
    _run(
        request,
        lambda: services.check_out(booking=booking, by=request.user),
        _("チェックアウトしました。残りの時間は他の方が予約できます。"),
    )
    return redirect("spaces:booking", pk=booking.pk)


def booking_ics(request, pk):
    booking = _visible_booking(request, pk)
    response = HttpResponse(
        calendar.single(booking), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.pk}.ics"'
    return response


def _tell_what_walking_in_did(request, booking: Booking) -> None:
    """The truth: checked in, or booked with check-in still to come."""
    when = slots.describe(booking.resource, booking.starts_at, booking.ends_at)
    if booking.status == Booking.Status.CHECKED_IN:
        messages.success(
            request,
            _("%(when)sを予約してチェックインしました。") % {"when": when},
        )
        return
    opens = slots.local(booking.starts_at - services.CHECKIN_EARLY)
    messages.success(
        request,
        _(
            "%(when)sを予約しました。まだチェックインしていません。"
            "%(opens)s以降に、もう一度このQRコードを読み取ってチェックインしてください。"
        )
        % {"when": when, "opens": opens.strftime("%H:%M")},
    )


def _holder(request, bookings: list[Booking], now, day) -> dict | None:
    """Whose booking keeps the viewer out now, told as the floor plan would.

    The name only when the floor plan would show it (the person's privacy choice);
    otherwise 「他の職員」. Never the title.
    """
    holding = next(
        (b for b in bookings if b.starts_at - services.CHECKIN_EARLY <= now), None
    )
    if holding is None:
        return None
    shown = visible_people(request.user, visibilities([holding.person_id]), day)
    return {
        "booking": holding,
        "name": holding.person.full_name if holding.person_id in shown else "",
    }


def scan(request, token):
    """Where a desk's or room's QR code leads: check in to one's booking there, or
    book it on the spot (the rest of the half-day or hour after someone's check-out)."""
    resource = get_object_or_404(
        Resource.objects.select_related("floor__building", "area"), checkin_token=token
    )
    now = timezone.now()
    day = slots.local(now).date()
    bookings = _day_bookings(resource, day)
    for booking in bookings:
        booking.resource = resource
    mine = [b for b in bookings if b.person_id == request.user.pk]
    # A booking already checked out is over: scanning again never offers its check-in.
    checked_out = next(
        (b for b in reversed(mine) if b.status == Booking.Status.CHECKED_OUT), None
    )
    today_bookings = [
        b for b in mine if b.status != Booking.Status.CHECKED_OUT and b.ends_at > now
    ]
    current = next(
        (
            b
            for b in today_bookings
            if b.is_holding and b.starts_at - services.CHECKIN_EARLY <= now
        ),
        None,
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "check_in" and current is not None:
            if _run(
                request,
                lambda: services.check_in(booking=current, by=request.user),
                _("チェックインしました。"),
            ):
                return redirect("spaces:scan", token=token)
        elif action == "walk_in":
            booking = _run(
                request,
                lambda: services.walk_in(resource=resource, person=request.user),
            )
            if booking:
                _tell_what_walking_in_did(request, booking)
                return redirect("spaces:scan", token=token)
        return redirect("spaces:scan", token=token)
    later = next((b for b in today_bookings if b is not current), None)
    walk_in = services.walk_in_window(resource, now) if current is None else None
    free_now = current is None and availability.is_free(
        resource, now, now + datetime.timedelta(minutes=1)
    )
    others = [
        b
        for b in bookings
        if b.person_id != request.user.pk
        and b.status != Booking.Status.CHECKED_OUT
        and b.ends_at > now
    ]
    return render(
        request,
        "spaces/scan.html",
        {
            "resource": resource,
            "current": current,
            "later": later,
            "checked_out": checked_out,
            "walk_in": walk_in,
            # Before a slot's check-in opens, the walk-in only books it (and says so).
            "walk_in_checks_in": walk_in is not None
            and now >= walk_in.starts_at - services.CHECKIN_EARLY,
            # "From now" only when it truly starts this minute.
            "walk_in_from_now": walk_in is not None
            and walk_in.starts_at <= now < walk_in.ends_at,
            "free_now": free_now,
            "holder": None if current or later else _holder(request, others, now, day),
        },
    )


# --- approvals ---------------------------------------------------------------------------


def approvals(request):
    rows = queries.pending_approvals_for(request.user)
    return render(request, "spaces/approvals.html", {"rows": rows})


def approval(request, pk):
    booking = get_object_or_404(
        Booking.objects.select_related(
            "resource__floor__building", "person", "booked_by", "series", "decided_by"
        ),
        pk=pk,
    )
    decider = services.can_decide(request.user, booking.resource)
    if not decider and not services.can_manage_booking(request.user, booking):
        raise Http404
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision == "accept":
            _run(
                request,
                lambda: services.accept_booking(booking=booking, by=request.user),
                _("承認しました。"),
            )
        elif decision == "decline":
            form = DeclineForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            _run(
                request,
                lambda: services.decline_booking(
                    booking=booking, by=request.user, reason=reason
                ),
                _("不承認にしました。"),
            )
        return redirect("spaces:approval", pk=booking.pk)
    # Who else asked for the slot is the approver's business only (their seat-privacy
    # choice aside, a requester has no need to know).
    competing = decider and list(
        Booking.objects.filter(
            resource=booking.resource,
            status=Booking.Status.PENDING,
            starts_at__lt=booking.ends_at,
            ends_at__gt=booking.starts_at,
        )
        .exclude(pk=booking.pk)
        .select_related("person")
    )
    occurrences = (
        list(booking.series.bookings.order_by("starts_at")) if booking.series_id else []
    )
    return render(
        request,
        "spaces/approval.html",
        {
            "booking": booking,
            "when": slots.describe(
                booking.resource, booking.starts_at, booking.ends_at
            ),
            "competing": competing or [],
            "occurrences": occurrences,
            "can_decide": decider and booking.status == Booking.Status.PENDING,
            "decline_form": DeclineForm(),
        },
    )


# --- people ---------------------------------------------------------------------------------


def colleagues(request):
    query = request.GET.get("q", "").strip()[:100]
    day = _parse_day(request)
    results = queries.find_colleagues(request.user, query, day) if query else []
    return render(
        request,
        "spaces/colleagues.html",
        {"query": query, "day": day, "results": results},
    )


def personal_settings(request):
    profile = SpacesProfile.objects.filter(person=request.user).first()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "privacy":
            form = PrivacyForm(request.POST)
            if form.is_valid():
                services.set_location_visibility(
                    person=request.user,
                    visibility=form.cleaned_data["location_visibility"],
                )
                messages.success(request, _("座席の公開範囲を保存しました。"))
                return redirect("spaces:settings")
        elif action == "issue_token":
            services.issue_calendar_token(person=request.user)
            messages.success(
                request,
                _("カレンダー配信用のURLを発行しました。以前のURLは使えなくなります。"),
            )
            return redirect("spaces:settings")
        elif action == "revoke_token":
            services.revoke_calendar_token(person=request.user)
            messages.success(request, _("カレンダー配信を停止しました。"))
            return redirect("spaces:settings")
        else:
            messages.error(request, _("操作を選んでください。"))
            return redirect("spaces:settings")
    else:
        form = PrivacyForm(initial={"location_visibility": visibility_of(request.user)})
    feed_url = None
    if profile and profile.calendar_token:
        feed_url = request.build_absolute_uri(
            reverse("spaces:calendar_feed", args=[profile.calendar_token])
        )
    return render(request, "spaces/settings.html", {"form": form, "feed_url": feed_url})


@login_not_required
@never_cache
def calendar_feed(request, token):
    """The personal ICS feed: no session (calendar apps), the secret token instead."""
    profile = (
        SpacesProfile.objects.select_related("person")
        .filter(calendar_token=token, person__is_active=True)
        .first()
    )
    if profile is None or not token:
        raise Http404
    response = HttpResponse(
        calendar.feed(profile.person), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="spaces.ics"'
    return response


@login_not_required
@never_cache
def room_display(request, token):
    """The kiosk by the room's door: now and next, read-only, no names."""
    room = get_object_or_404(
        Resource.objects.rooms().select_related("floor__building"), display_token=token
    )
    now = timezone.now()
    today = slots.local(now).date()
    start = slots.at(today, datetime.time(0))
    bookings = list(
        Booking.objects.active()
        .filter(
            resource=room,
            ends_at__gt=now,
            starts_at__lt=start + datetime.timedelta(days=1),
        )
        .order_by("starts_at")
    )
    current = next((b for b in bookings if b.starts_at <= now and b.is_holding), None)
    upcoming = [b for b in bookings if b is not current][:4]
    return render(
        request,
        "spaces/display.html",
        {"room": room, "now": now, "current": current, "upcoming": upcoming},
    )


# --- facility managers ----------------------------------------------------------------------


def qr_sheet(request, pk):
    _require_facility_manager(request.user)
    floor = get_object_or_404(Floor.objects.select_related("building"), pk=pk)
    base = request.build_absolute_uri("/").rstrip("/")
    items = [
        {
            "resource": resource,
            "url": qr.checkin_url(resource, base),
            "svg": qr.inline_svg(
                qr.checkin_url(resource, base), scale=4, label=resource.label
            ),
        }
        for resource in floor.resources.select_related("area").order_by("kind", "code")
    ]
    return render(request, "spaces/qr_sheet.html", {"floor": floor, "items": items})


def resource_qr(request, pk):
    _require_facility_manager(request.user)
    resource = _resource_or_404(pk)
    base = request.build_absolute_uri("/").rstrip("/")
    response = HttpResponse(
        qr.svg_document(qr.checkin_url(resource, base), title=resource.label),
        content_type="image/svg+xml",
    )
    response["Content-Disposition"] = f'inline; filename="qr-{resource.code}.svg"'
    return response


def _report_rows(request):
    today = slots.today()
    data = (
        request.GET
        if "start" in request.GET
        else {
            "start": today.replace(day=1).isoformat(),
            "end": today.isoformat(),
        }
    )
    form = ReportForm(data)
    building = None
    building_id = request.GET.get("building", "")
    if building_id.isdigit():
        building = Building.objects.filter(pk=int(building_id)).first()
    rows = []
    if form.is_valid():
        rows = report_data.utilisation(
            form.cleaned_data["start"], form.cleaned_data["end"], building
        )
    return form, building, rows


def reports(request):
    _require_facility_manager(request.user)
    form, building, rows = _report_rows(request)
    total_available = sum(r.available_minutes for r in rows)
    total_booked = sum(r.booked_minutes for r in rows)
    used = sum(r.used for r in rows)
    no_shows = sum(r.no_shows for r in rows)
    return render(
        request,
        "spaces/reports.html",
        {
            "form": form,
            "rows": rows,
            "buildings": Building.objects.all(),
            "building": building,
            "query": request.GET.urlencode(),
            "total_utilisation": (total_booked / total_available)
            if total_available
            else 0,
            "total_no_show_rate": (no_shows / (used + no_shows))
            if used + no_shows
            else None,
        },
        status=200 if form.is_valid() else 400,
    )


def report_export(request, fmt):
    _require_facility_manager(request.user)
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    form, _building, rows = _report_rows(request)
    if not form.is_valid():
        messages.error(request, _("期間を正しく指定してください。"))
        return redirect("spaces:reports")
    if fmt == "csv":
        body, content_type = report_data.as_csv(rows), "text/csv; charset=utf-8"
    else:
        body = report_data.as_xlsx(rows)
        content_type = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="utilisation.{fmt}"'
    return response
