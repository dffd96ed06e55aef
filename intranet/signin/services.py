"""Every change to a person's second factors and sessions goes through here."""

from __future__ import annotations

import hashlib
import secrets
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from intranet.core import audit
from intranet.notifications.kinds import Kind
from intranet.notifications.services import close_sockets, notify, remove_push_device

from .models import OpenSession, Passkey
from .policy import RECOVERY

RECOVERY_CODE_COUNT = 10
# Recovery codes: 12 characters from an alphabet without look-alikes (0/o, 1/l):
# about 60 bits each, stored only as a hash.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 12


def _normalised(code: str) -> str:
    return "".join(code.lower().split()).replace("-", "")


def hashed_code(code: str) -> str:
    """What is stored of a recovery code (django-otp's token field holds 16 chars)."""
    return hashlib.sha256(_normalised(code).encode()).hexdigest()[:16]


# --- TOTP -----------------------------------------------------------------------------


@transaction.atomic
def start_totp(*, person) -> TOTPDevice:
    """A fresh, unconfirmed authenticator-app key for ``person`` (replaces an earlier
    unconfirmed one)."""
    TOTPDevice.objects.filter(user=person, confirmed=False).delete()
    return TOTPDevice.objects.create(user=person, name=_("認証アプリ"), confirmed=False)


@transaction.atomic
def confirm_totp(*, person, device_id: int, code: str) -> TOTPDevice:
    """Confirm the unconfirmed key with a code the app shows; the earlier confirmed
    app (if any) is replaced."""
    device = TOTPDevice.objects.filter(
        pk=device_id, user=person, confirmed=False
    ).first()
    if device is None:
        raise ValidationError(
            _("登録の手続きが見つかりません。最初からやり直してください。")
        )
    if not device.verify_token(_normalised(code)):
        raise ValidationError(
            _(
                "確認コードが正しくありません。アプリに表示されている最新の6桁を入力してください。"
            )
        )
    TOTPDevice.objects.filter(user=person, confirmed=True).exclude(
        pk=device.pk
    ).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


@transaction.atomic
def remove_totp(*, person) -> bool:
    deleted, _rows = TOTPDevice.objects.filter(user=person).delete()
    return bool(deleted)


def check_totp(*, person, code: str) -> bool:
    """A second factor: the current code of the person's confirmed app (each code
    once: django-otp refuses a code already used)."""
    device = TOTPDevice.objects.filter(user=person, confirmed=True).first()
    return bool(device) and device.verify_token(_normalised(code))


# --- Recovery codes -------------------------------------------------------------------


@transaction.atomic
def new_recovery_codes(*, person) -> list[str]:
    """Ten new recovery codes (the earlier ones stop working). The codes are returned
    once, to be shown once; only their hashes are kept."""
    device, _created = StaticDevice.objects.get_or_create(user=person, name=RECOVERY)
    device.token_set.all().delete()
    codes = []
    for _index in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=hashed_code(code)) for code in codes
    )
    return codes


def check_recovery_code(*, person, code: str) -> bool:
    """A second factor: one of the person's recovery codes (used up once accepted)."""
    device = StaticDevice.objects.filter(user=person, name=RECOVERY).first()
    return (
        bool(device) and bool(code.strip()) and device.verify_token(hashed_code(code))
    )


# --- Passkeys -------------------------------------------------------------------------


@transaction.atomic
def rename_passkey(*, person, passkey_id: int, name: str) -> Passkey:
    passkey = Passkey.objects.filter(pk=passkey_id, person=person).first()
    if passkey is None:
        raise ValidationError(_("そのパスキーは見つかりません。"))
    passkey.name = name.strip()[:60] or passkey.name
    passkey.save(update_fields=["name"])
    return passkey


@transaction.atomic
def remove_passkey(*, person, passkey_id: int) -> bool:
    deleted, _rows = Passkey.objects.filter(pk=passkey_id, person=person).delete()
    return bool(deleted)


# --- Sessions and resets --------------------------------------------------------------


@transaction.atomic
def sign_out_everywhere(*, person) -> int:
    """End every session ``person`` holds (this one too), close their open sockets,
    and stop pushing to their devices (a lost phone hears nothing more). Returns how
    many sessions were ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(
        OpenSession.objects.filter(person=person).values_list("session_key", flat=True)
    )
    for key in keys:
        store(session_key=key).delete()
    OpenSession.objects.filter(person=person).delete()
    close_sockets(person_ids=[person.pk])
    for device_id in person.push_devices.values_list("pk", flat=True):
        remove_push_device(person=person, device_id=device_id)
    return len(keys)


@transaction.atomic
def end_sessions(*, person, session_keys: list[str]) -> None:
    """End these sessions of ``person`` (an identity provider's logout): the sessions,
    their place in the list and their open sockets."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in session_keys:
        store(session_key=key).delete()
        close_sockets(person_ids=[person.pk], session_key=key)
    OpenSession.objects.filter(person=person, session_key__in=session_keys).delete()


@transaction.atomic
def reset_factors(*, person, by) -> None:
    """An administrator removes all of ``person``'s second factors (a lost phone):
    passkeys, authenticator app, recovery codes; their sessions end. Audited, and the
    person is told."""
    counts = {
        "passkeys": Passkey.objects.filter(person=person).delete()[0],
        "totp": TOTPDevice.objects.filter(user=person).delete()[0],
        "recovery": StaticDevice.objects.filter(user=person).count(),
    }
    StaticDevice.objects.filter(user=person).delete()
    audit.record(
        action="signin.factors_reset",
        target=person,
        details={"by": str(by), **counts},
    )
    sign_out_everywhere(person=person)
    notify(
        recipients=[person],
        kind=Kind.SIGNIN_FACTORS_RESET,
        subject=_("二段階認証の設定が初期化されました"),
        body=_(
            "%(admin)s がお使いのパスキー・認証アプリ・リカバリーコードの登録を"
            "%(when)s に削除しました。次回のログイン後に、あらためて登録してください。"
            "お心当たりがない場合は、情報システム係にご連絡ください。"
        )
        % {
            "admin": by.get_full_name() or by.get_username(),
            "when": timezone.localtime().strftime("%Y/%m/%d %H:%M"),
        },
        actor=by,
    )
