"""The people finder, profiles, presence, photos, the org chart and the sync record."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import extensions, services
from .forms import DisplaySettingsForm, PhotoForm, PresenceForm
from .models import Membership, OrgUnit, Person, PresencePeriod, SyncRun, today
from .org import superiors
from .permissions import can_edit_presence, can_edit_profile, can_view_sync_runs
from .search import search_people

RESULT_LIMIT = 50


def _day_from(request) -> tuple[datetime.date, str]:
    """The ?on=YYYY-MM-DD date (today when absent) and an error message when bad."""
    raw = request.GET.get("on", "").strip()
    if not raw:
        return today(), ""
    try:
        return datetime.date.fromisoformat(raw), ""
    except ValueError:
        return today(), _("日付は 2026-04-01 の形式で入力してください。")


@require_GET
def people(request):
    query = request.GET.get("q", "").strip()[:100]
    results = search_people(query, limit=RESULT_LIMIT + 1) if query else []
    context = {
        "query": query,
        "results": results[:RESULT_LIMIT],
        "more": len(results) > RESULT_LIMIT,
        "today": today(),
        "can_view_sync_runs": can_view_sync_runs(request.user),
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "directory/_results.html", context)
    return render(request, "directory/people.html", context)


@require_GET
def profile(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    day = today()
    memberships = list(
        person.memberships.on(day)
        .select_related("unit", "post")
        .order_by("-is_primary", "post__rank", "id")
    )
    periods = list(
        person.presence_periods.filter(end_date__gte=day)
        .select_related("created_by")
        .order_by("start_date", "id")[:20]
    )
    for membership in memberships:
        membership.unit_path = membership.unit.ancestors()[::-1]
    current = next((p for p in periods if p.start_date <= day), None)
    editable = can_edit_presence(request.user, person)
    context = {
        "person": person,
        "memberships": memberships,
        "presence": current,
        "periods": periods,
        "can_edit_presence": editable,
        "can_edit_photo": can_edit_profile(request.user, person),
        "presence_form": PresenceForm(
            initial={"start_date": day, "end_date": day, "status": "leave"}
        ),
        "photo_form": PhotoForm(),
        "statuses": PresencePeriod.Status,
        "superiors": superiors(person, day) if person.is_active else [],
        "panels": extensions.profile_panels(request, person),
        "today": day,
    }
    return render(request, "directory/profile.html", context)


@require_POST
def set_presence(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    if request.POST.get("today"):
        data = {
            "status": request.POST.get("today"),
            "start_date": today().isoformat(),
            "end_date": today().isoformat(),
            "note": "",
        }
    else:
        data = request.POST
    form = PresenceForm(data)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(person)
    try:
        services.set_presence(person=person, by=request.user, **form.cleaned_data)
    except PermissionDenied as error:
        raise PermissionDenied(str(error)) from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(person)
    messages.success(request, _("在席予定を登録しました。"))
    return redirect(person)


@require_POST
def cancel_presence(request, pk: int, period_pk: int):
    period = get_object_or_404(PresencePeriod, pk=period_pk, person_id=pk)
    services.cancel_presence(period=period, by=request.user)
    messages.success(request, _("在席予定を取り消しました。"))
    return redirect(period.person)


def photo(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    if request.method == "POST":
        form = PhotoForm(request.POST, request.FILES)
        if not can_edit_profile(request.user, person):
            raise PermissionDenied
        if form.is_valid():
            services.set_photo(
                person=person, photo=form.cleaned_data["photo"], by=request.user
            )
            messages.success(request, _("写真を更新しました。"))
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect(person)
    if not person.photo:
        raise Http404
    try:
        handle = person.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # Shown in <img> only: a download if opened directly, with the type the upload
    # check established (JPEG or PNG), never sniffed (X-Content-Type-Options).
    extension = person.photo.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{person.pk}.{extension}",
        content_type="image/png" if extension == "png" else "image/jpeg",
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def units(request):
    day, error = _day_from(request)
    all_units = list(
        OrgUnit.objects.on(day).order_by("depth", "sort_order", "sort_key", "id")
    )
    counts = dict(
        Membership.objects.on(day)
        .filter(person__is_active=True)
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    children: dict[int | None, list[OrgUnit]] = {}
    ids = {unit.pk for unit in all_units}
    for unit in all_units:
        unit.member_count = counts.get(unit.pk, 0)
        parent = unit.parent_id if unit.parent_id in ids else None
        children.setdefault(parent, []).append(unit)

    def tree(parent):
        return [(unit, tree(unit.pk)) for unit in children.get(parent, [])]

    return render(
        request,
        "directory/units.html",
        {"tree": tree(None), "day": day, "error": error, "is_today": day == today()},
    )


@require_GET
def unit(request, pk: int):
    day, error = _day_from(request)
    unit = get_object_or_404(OrgUnit, pk=pk)
    members = list(
        Membership.objects.on(day)
        .filter(unit=unit, person__is_active=True)
        .select_related("person", "post")
        .prefetch_related(
            Prefetch(
                "person__presence_periods",
                queryset=PresencePeriod.objects.covering(day).order_by("-start_date"),
                to_attr="presence_today",
            )
        )
        .order_by("post__rank", "person__sort_key", "id")
    )
    sub_units = list(
        OrgUnit.objects.on(day)
        .filter(parent=unit)
        .order_by("sort_order", "sort_key", "id")
    )
    return render(
        request,
        "directory/unit.html",
        {
            "unit": unit,
            "members": members,
            "sub_units": sub_units,
            "ancestors": unit.ancestors()[:0:-1],
            "day": day,
            "error": error,
            "in_effect": unit.in_effect(day),
            "predecessors": list(unit.predecessors.all()),
            "successors": list(unit.successors.all()),
        },
    )


@require_GET
def sync_runs(request):
    if not can_view_sync_runs(request.user):
        raise PermissionDenied
    runs = list(SyncRun.objects.all()[:50])
    return render(request, "directory/sync_runs.html", {"runs": runs})


def display_settings(request):
    """The signed-in person's own display settings (dates in 西暦 or 和暦)."""
    form = DisplaySettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("表示の設定を保存しました。"))
        return redirect("directory:display_settings")
    return render(
        request,
        "directory/display_settings.html",
        {"form": form, "today": today()},
        status=400 if form.errors else 200,
    )
