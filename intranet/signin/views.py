"""Second factors and sessions: thin views over services.py and passkeys.py."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import passkeys, policy, services, sessions
from .models import OpenSession
from .session import MFA_VERIFIED, SignInMethod

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _next(request, default: str = "") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or settings.LOGIN_REDIRECT_URL


def _with_next(name: str, request) -> str:
    target = _next(request, "")
    url = reverse(name)
    if target and target != settings.LOGIN_REDIRECT_URL:
        url = f"{url}?{urlencode({'next': target})}"
    return url


def _verified(request) -> bool:
    return bool(request.session.get(MFA_VERIFIED))


def _may_manage(request) -> bool:
    """Adding or removing factors needs a session that showed one, unless the person
    has none yet (enrolment right after the password)."""
    return _verified(request) or not policy.has_second_factor(request.user)


def _manage_or_verify(request):
    if _may_manage(request):
        return None
    messages.info(
        request, _("設定を変更する前に、登録済みの方法で本人確認をしてください。")
    )
    return redirect(_with_next("signin:verify", request))


def _json(text: str) -> HttpResponse:
    return HttpResponse(text, content_type="application/json")


# --- the person's settings page ---------------------------------------------------------


@never_cache
def settings_page(request):
    person = request.user
    totp = TOTPDevice.objects.filter(user=person, confirmed=True).first()
    context = {
        "passkeys": list(person.passkeys.all()),
        "totp": totp,
        "recovery_left": policy.recovery_codes_left(person),
        "open_sessions": list(OpenSession.objects.filter(person=person)[:50]),
        "current_key": request.session.session_key,
        "verified": _verified(request),
        "may_manage": _may_manage(request),
        "required": policy.second_factor_required(person, request),
    }
    return render(request, "signin/settings.html", context)


@never_cache
def enrol(request):
    """Right after the password, for a person who must have a second factor and has
    none: register a passkey or an authenticator app."""
    if policy.has_second_factor(request.user):
        return redirect(_with_next("signin:verify", request))
    context = {
        "next": _next(request, ""),
        "reason": policy.why_required(request.user, request),
    }
    return render(request, "signin/enrol.html", context)


# --- verification (the second step of a sign-in) ----------------------------------------


@never_cache
def verify(request):
    person = request.user
    if _verified(request):
        return redirect(_next(request))
    if not policy.has_second_factor(person):
        return redirect(_with_next("signin:enrol", request))
    error = ""
    if request.method == "POST":
        code = request.POST.get("code", "")
        kind = request.POST.get("kind", "totp")
        check = (
            services.check_recovery_code if kind == "recovery" else services.check_totp
        )
        if code.strip() and check(person=person, code=code):
            sessions.mark_verified(request)
            if kind == "recovery":
                messages.warning(
                    request,
                    _(
                        "リカバリーコードを使いました（残り %(left)d 個）。"
                        "なくなる前に、設定画面で新しいコードを発行してください。"
                    )
                    % {"left": policy.recovery_codes_left(person)},
                )
            return redirect(_next(request))
        error = (
            _("リカバリーコードが正しくないか、すでに使われています。")
            if kind == "recovery"
            else _(
                "確認コードが正しくありません。アプリに表示されている最新の6桁を入力してください。"
            )
        )
    context = {
        "next": _next(request, ""),
        "error": error,
        "has_totp": TOTPDevice.objects.filter(user=person, confirmed=True).exists(),
        "has_passkey": person.passkeys.exists(),
        "recovery_left": policy.recovery_codes_left(person),
    }
    return render(request, "signin/verify.html", context, status=400 if error else 200)


# --- TOTP -------------------------------------------------------------------------------


def _qr_svg(text: str, label: str):
    code = segno.make(text, error="m")
    markup = code.svg_inline(scale=4, border=2, title=label, svgclass="qr")
    return mark_safe(markup)  # noqa: S308 - markup built by segno, title escaped


@never_cache
def totp(request):
    """Show a new key as a QR code (GET); confirm it with a code from the app (POST)."""
    refused = _manage_or_verify(request)
    if refused:
        return refused
    person = request.user
    error = ""
    if request.method == "POST":
        try:
            services.confirm_totp(
                person=person,
                device_id=int(request.POST.get("device") or 0),
                code=request.POST.get("code", ""),
            )
        except (ValidationError, ValueError) as problem:
            error = (
                problem.messages[0]
                if isinstance(problem, ValidationError)
                else _("入力内容を確認してください。")
            )
        else:
            return _factor_added(request, _("認証アプリを登録しました。"))
    if request.method == "GET":
        device = services.start_totp(person=person)
    else:
        device = TOTPDevice.objects.filter(user=person, confirmed=False).first()
        if device is None:
            messages.error(request, error)
            return redirect(_with_next("signin:totp", request))
    secret = _base32(device.bin_key)
    context = {
        "device": device,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "qr": _qr_svg(device.config_url, _("認証アプリ用のQRコード")),
        "error": error,
        "next": _next(request, ""),
    }
    return render(request, "signin/totp.html", context, status=400 if error else 200)


def _base32(key: bytes) -> str:
    from base64 import b32encode

    return b32encode(key).decode().rstrip("=")


def _factor_added(request, message: str):
    """A factor was just registered: it counts for this session; a person without
    recovery codes gets them now (shown once)."""
    sessions.mark_verified(request)
    messages.success(request, message)
    if policy.recovery_codes_left(request.user) == 0:
        return _show_recovery_codes(request)
    return redirect(_next(request, reverse("signin:settings")))


@require_POST
def totp_remove(request):
    refused = _manage_or_verify(request)
    if refused:
        return refused
    services.remove_totp(person=request.user)
    messages.success(request, _("認証アプリの登録を削除しました。"))
    return redirect("signin:settings")


# --- recovery codes ---------------------------------------------------------------------


@require_POST
def recovery_codes(request):
    refused = _manage_or_verify(request)
    if refused:
        return refused
    return _show_recovery_codes(request)


def _show_recovery_codes(request):
    codes = services.new_recovery_codes(person=request.user)
    return render(
        request,
        "signin/recovery_codes.html",
        {"codes": codes, "next": _next(request, reverse("signin:settings"))},
    )


# --- passkeys ---------------------------------------------------------------------------


@require_POST
def passkey_new_options(request):
    if not _may_manage(request):
        raise PermissionDenied
    return _json(passkeys.registration_options(request))


@require_POST
def passkey_add(request):
    refused = _manage_or_verify(request)
    if refused:
        return refused
    try:
        passkeys.register(
            request,
            credential=request.POST.get("credential", ""),
            name=request.POST.get("name", ""),
        )
    except ValidationError as problem:
        messages.error(request, problem.messages[0])
        back = "signin:settings" if _verified(request) else "signin:enrol"
        return redirect(_with_next(back, request))
    return _factor_added(request, _("パスキーを登録しました。"))


@require_POST
def passkey_remove(request, pk: int):
    refused = _manage_or_verify(request)
    if refused:
        return refused
    if not services.remove_passkey(person=request.user, passkey_id=pk):
        raise PermissionDenied
    messages.success(request, _("パスキーを削除しました。"))
    return redirect("signin:settings")


@login_not_required
@require_POST
def passkey_options(request):
    """Assertion options: any passkey of this site on the login page, the person's
    own on the second-factor step."""
    person = request.user if request.user.is_authenticated else None
    return _json(passkeys.authentication_options(request, person))


@login_not_required
@require_POST
def passkey_verify(request):
    """Sign in with a passkey (login page), or show it as the second factor."""
    credential = request.POST.get("credential", "")
    if request.user.is_authenticated:
        try:
            passkeys.authenticate(request, credential=credential, person=request.user)
        except ValidationError as problem:
            messages.error(request, problem.messages[0])
            return redirect(_with_next("signin:verify", request))
        sessions.mark_verified(request)
        return redirect(_next(request))
    try:
        passkey, user_verified = passkeys.authenticate(request, credential=credential)
    except ValidationError as problem:
        messages.error(request, problem.messages[0])
        return redirect(_with_next("login", request))
    login(request, passkey.person, backend=MODEL_BACKEND)
    sessions.mark_method(request, SignInMethod.PASSKEY, verified=user_verified)
    return redirect(_next(request))


# --- sessions ---------------------------------------------------------------------------


@require_POST
def sign_out_everywhere(request):
    if request.POST.get("everywhere") != "yes":
        return HttpResponseBadRequest(_("操作を確認できませんでした。"))
    services.sign_out_everywhere(person=request.user)
    # This session was among them: the cookie names a session that no longer exists.
    request.session.flush()
    messages.success(
        request,
        _("すべての端末からログアウトしました。もう一度ログインしてください。"),
    )
    return redirect("login")


# --- administrators ---------------------------------------------------------------------


@never_cache
def reset(request):
    """An administrator finds a person by user ID and removes their second factors."""
    if not policy.may_reset_factors(request.user):
        raise PermissionDenied
    Person = get_user_model()
    username = (
        request.POST.get("username") or request.GET.get("username") or ""
    ).strip()
    person = (
        Person.objects.filter(username__iexact=username).first() if username else None
    )
    if request.method == "POST":
        if person is None:
            return HttpResponseBadRequest(_("その職員は見つかりません。"))
        services.reset_factors(person=person, by=request.user)
        messages.success(
            request,
            _(
                "%(name)s さんの二段階認証の設定を初期化しました。本人にお知らせしました。"
            )
            % {"name": person.get_full_name() or person.get_username()},
        )
        return redirect(
            f"{reverse('signin:reset')}?{urlencode({'username': person.username})}"
        )
    context = {
        "username": username,
        "person": person,
        "not_found": bool(username) and person is None,
    }
    if person is not None:
        context.update(
            passkeys=person.passkeys.count(),
            totp=TOTPDevice.objects.filter(user=person, confirmed=True).exists(),
            recovery_left=policy.recovery_codes_left(person),
        )
    return render(request, "signin/reset.html", context)
