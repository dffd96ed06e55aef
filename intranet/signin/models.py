"""Passkeys and the sessions a person holds open.

TOTP devices and recovery codes are django-otp's own models (otp_totp, otp_static).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .session import SignInMethod


class Passkey(models.Model):
    """A WebAuthn credential (a passkey on a phone or PC, or a security key)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.CASCADE,
        related_name="passkeys",
    )
    name = models.CharField(_("名前"), max_length=60)
    # base64url of the credential ID (at most 1023 bytes by the specification).
    credential_id = models.CharField(_("認証情報ID"), max_length=1400, unique=True)
    public_key = models.BinaryField(_("公開鍵"))
    sign_count = models.PositiveBigIntegerField(_("署名回数"), default=0)
    transports = models.JSONField(_("通信方式"), default=list, blank=True)
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最後に使った日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("パスキー")
        verbose_name_plural = _("パスキー")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.person} {self.name}"


class OpenSession(models.Model):
    """A session a person signed in with, so that all of them can be ended at once
    (サインアウト: すべての端末) whatever the session engine."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.CASCADE,
        related_name="open_sessions",
    )
    session_key = models.CharField(_("セッションキー"), max_length=40, unique=True)
    method = models.CharField(
        _("ログイン方法"), max_length=20, choices=SignInMethod.choices
    )
    address = models.CharField(_("接続元"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("ログイン日時"), default=timezone.now)

    class Meta:
        verbose_name = _("ログイン中のセッション")
        verbose_name_plural = _("ログイン中のセッション")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.person} {self.started_at:%Y-%m-%d %H:%M}"
