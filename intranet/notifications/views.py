"""The notification list, the e-mail preferences and notices to one's unit.

Every page works without JavaScript: forms POST and redirect. With htmx, marking one
notification read swaps just that item and the bell's count.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import notices, preferences, push, services
from .forms import PreferencesForm, PushDeviceForm, UnitNoticeForm
from .models import Notification, PushDevice

PAGE_SIZE = 20


def request_unread_count(request) -> int:
    """The user's unread count, counted once per request."""
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = services.unread_count(request.user)
    return request._unread_notifications


def notification_list(request):
    only_unread = request.GET.get("show") == "unread"
    rows = Notification.objects.for_user(request.user).select_related("actor")
    if only_unread:
        rows = rows.unread()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "page_obj": page,
            "only_unread": only_unread,
            "unread": request_unread_count(request),
            "can_send_notice": bool(notices.notice_units_for(request.user)),
            "here": request.get_full_path(),
        },
    )


@require_GET
@never_cache
def unread_json(request):
    """The unread count for scripts (live.js asks when its socket drops: a redirect to
    the login page means the session has ended)."""
    return JsonResponse({"unread": request_unread_count(request)})


@require_POST
def mark_all_read(request):
    changed = services.mark_read(user=request.user)
    if changed:
        messages.success(request, _("すべて既読にしました。"))
    return redirect(_back(request))


@require_POST
def mark_read(request, pk):
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(user=request.user, notification_ids=[note.pk])
    if request.headers.get("HX-Request"):
        note.refresh_from_db()
        return render(
            request,
            "notifications/_item_read.html",
            {
                "note": note,
                "here": _back(request),
                "unread": request_unread_count(request),
            },
        )
    return redirect(f"{_back(request)}#notification-{note.pk}")


@require_POST
def open_notification(request, pk):
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(user=request.user, notification_ids=[note.pk])
    if note.url and url_has_allowed_host_and_scheme(
        note.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(note.url)
    return redirect(f"{_back(request)}#notification-{note.pk}")


def _back(request) -> str:
    """Where to return after an action: the list page the form was on."""
    target = request.POST.get("next", "")
    list_url = reverse("notifications:list")
    if target.startswith(list_url) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return list_url


@require_http_methods(["GET", "POST"])
def preferences_view(request):
    person = request.user
    if request.method == "POST" and "reset" in request.POST:
        services.reset_preferences(person=person)
        messages.success(request, _("メールの受け取り方を初期設定に戻しました。"))
        return redirect("notifications:preferences")
    form = PreferencesForm(
        request.POST or None,
        initial=PreferencesForm.initial_from(preferences.for_person(person, push=True)),
    )
    if request.method == "POST" and form.is_valid():
        quiet_from, quiet_until = form.quiet_hours()
        try:
            services.update_preferences(
                person=person,
                email_modes=form.email_modes(),
                digest_time=form.cleaned_data["digest_time"],
                quiet_from=quiet_from,
                quiet_until=quiet_until,
                push_kinds=form.push_kinds(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("メールの受け取り方を保存しました。"))
            return redirect("notifications:preferences")
    return _preferences_page(
        request, form, status=400 if form.is_bound and form.errors else 200
    )


def _preferences_page(request, form, *, device_form=None, status=200):
    configured = push.is_configured()
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "has_email": bool(request.user.email),
            "push_configured": configured,
            "push_key": push.application_server_key() if configured else "",
            "devices": PushDevice.objects.filter(person=request.user),
            "device_form": device_form or PushDeviceForm(),
        },
        status=status,
    )


@require_POST
def register_device(request):
    """The page's script posts the browser's push subscription here."""
    device_form = PushDeviceForm(request.POST)
    if device_form.is_valid():
        try:
            device = services.register_push_device(
                person=request.user, **device_form.cleaned_data
            )
        except ValidationError as error:
            device_form.add_error(None, error)
        else:
            messages.success(
                request,
                _("「%(name)s」でプッシュ通知を受け取るようにしました。")
                % {"name": device.name},
            )
            return redirect(reverse("notifications:preferences") + "#push")
    form = PreferencesForm(
        initial=PreferencesForm.initial_from(
            preferences.for_person(request.user, push=True)
        )
    )
    return _preferences_page(request, form, device_form=device_form, status=400)


@require_POST
def remove_device(request, pk):
    if not services.remove_push_device(person=request.user, device_id=pk):
        raise Http404
    messages.success(
        request, _("端末を外しました。この端末にはプッシュ通知を送りません。")
    )
    return redirect(reverse("notifications:preferences") + "#push")


@require_http_methods(["GET", "POST"])
def send_notice(request):
    units = notices.notice_units_for(request.user)
    if not units:
        return render(request, "notifications/notice.html", {"form": None}, status=403)
    form = UnitNoticeForm(
        request.POST or None,
        units=units,
        member_counts=notices.member_counts(units, sender=request.user),
    )
    if request.method == "POST" and form.is_valid():
        unit = form.chosen_unit
        try:
            sent = services.send_unit_notice(
                sender=request.user,
                unit=unit,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                url=form.cleaned_data["url"],
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(
                None, error.messages if hasattr(error, "messages") else str(error)
            )
        else:
            messages.success(
                request,
                _("%(unit)sの%(count)d人に連絡を送りました。")
                % {"unit": unit.name, "count": len(sent)},
            )
            return redirect("notifications:send_notice")
    return render(
        request,
        "notifications/notice.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )
