"""Passkeys and security keys through py_webauthn: the ceremony's two halves.

The options go to the browser with a fresh challenge kept in the session; the
browser's answer is verified by the library against that challenge, this site's
origin and relying-party ID, and (for sign-in) the stored public key.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from .models import Passkey

CHALLENGE = "signin_passkey_challenge"
MAX_PER_PERSON = 20


def relying_party(request) -> tuple[str, str]:
    """(RP ID, expected origin) of this request: the configured host name, or the
    host the request came to (Django has checked it against ALLOWED_HOSTS)."""
    origin = f"{request.scheme}://{request.get_host()}"
    rp_id = settings.WEBAUTHN_RP_ID or urlsplit(origin).hostname
    return rp_id, origin


def _user_handle(person) -> bytes:
    return str(person.pk).encode()


def registration_options(request) -> str:
    person = request.user
    rp_id, _origin = relying_party(request)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=settings.INTRANET_SITE_NAME,
        user_id=_user_handle(person),
        user_name=person.get_username(),
        user_display_name=person.get_full_name() or person.get_username(),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(key))
            for key in person.passkeys.values_list("credential_id", flat=True)
        ],
    )
    request.session[CHALLENGE] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def authentication_options(request, person=None) -> str:
    """Options for a sign-in: any discoverable passkey of this site (``person`` None:
    the login page), or one of ``person``'s (the second-factor step)."""
    rp_id, _origin = relying_party(request)
    allowed = []
    if person is not None:
        allowed = [
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(key))
            for key in person.passkeys.values_list("credential_id", flat=True)
        ]
    options = generate_authentication_options(
        rp_id=rp_id,
        allow_credentials=allowed,
        user_verification=UserVerificationRequirement.REQUIRED
        if person is None
        else UserVerificationRequirement.PREFERRED,
    )
    request.session[CHALLENGE] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def _challenge(request) -> bytes:
    challenge = request.session.pop(CHALLENGE, None)
    if not challenge:
        raise ValidationError(
            _("パスキーの確認の有効期限が切れました。もう一度お試しください。")
        )
    return base64url_to_bytes(challenge)


def _parsed(credential: str) -> dict:
    try:
        data = json.loads(credential)
    except (TypeError, ValueError):
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise ValidationError(_("パスキーからの応答を読み取れませんでした。"))
    return data


@transaction.atomic
def register(request, *, credential: str, name: str) -> Passkey:
    """Verify the browser's new credential and keep it as one of the person's
    passkeys."""
    person = request.user
    expected = _challenge(request)
    rp_id, origin = relying_party(request)
    name = name.strip()[:60]
    if not name:
        raise ValidationError(
            _("パスキーの名前を入力してください（例: 自分のスマートフォン）。")
        )
    if person.passkeys.count() >= MAX_PER_PERSON:
        raise ValidationError(
            _("登録できるパスキーは20件までです。使わないものを削除してください。")
        )
    try:
        verified = verify_registration_response(
            credential=_parsed(credential),
            expected_challenge=expected,
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except WebAuthnException:
        raise ValidationError(
            _("パスキーを確認できませんでした。もう一度お試しください。")
        ) from None
    credential_id = bytes_to_base64url(verified.credential_id)
    if Passkey.objects.filter(credential_id=credential_id).exists():
        raise ValidationError(_("このパスキーはすでに登録されています。"))
    transports = _parsed(credential).get("response", {}).get("transports") or []
    return Passkey.objects.create(
        person=person,
        name=name,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=[t for t in transports if isinstance(t, str)][:8],
    )


@transaction.atomic
def authenticate(request, *, credential: str, person=None) -> tuple[Passkey, bool]:
    """Verify a passkey assertion; (the passkey, whether the user was verified).

    ``person`` given: the passkey must be theirs (second-factor step). Otherwise the
    passkey names its owner (usernameless sign-in), and user verification (PIN,
    fingerprint) is required, so that the passkey counts as both factors.
    """
    expected = _challenge(request)
    data = _parsed(credential)
    refused = ValidationError(_("このパスキーではログインできませんでした。"))
    passkey = (
        Passkey.objects.select_for_update()
        .select_related("person")
        .filter(credential_id=data["id"])
        .first()
    )
    if passkey is None or (person is not None and passkey.person_id != person.pk):
        raise refused
    handle = (data.get("response") or {}).get("userHandle")
    if handle and base64url_to_bytes(handle) != _user_handle(passkey.person):
        raise refused
    rp_id, origin = relying_party(request)
    try:
        verified = verify_authentication_response(
            credential=data,
            expected_challenge=expected,
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=person is None,
        )
    except WebAuthnException:
        raise refused from None
    if not passkey.person.is_active:
        raise refused
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = timezone.now()
    passkey.save(update_fields=["sign_count", "last_used_at"])
    return passkey, verified.user_verified
