"""API tokens and webhooks.

A token belongs to a person (a member of staff, or a service account such as the
財務会計 system) and can never do more than that person could in the pages. Only the
SHA-256 digest of a token is stored; the token itself is shown once, when issued.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intranet.core.fields import protected_link

from .scopes import ALL


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    person = protected_link(
        settings.AUTH_USER_MODEL,
        _("利用者"),
        related_name="integration_tokens",
        help_text=_(
            "職員本人またはサービスアカウント。この人ができることだけができます。"
        ),
    )
    prefix = models.CharField(_("識別子"), max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("権限の範囲"), default=list)
    rate_limit = models.PositiveIntegerField(
        _("1分あたりの上限回数"),
        null=True,
        blank=True,
        help_text=_("空欄なら既定値（API_RATE_LIMIT）"),
    )
    created_at = models.DateTimeField(_("発行日時"), default=timezone.now)
    created_by = protected_link(
        settings.AUTH_USER_MODEL, _("発行者"), null=True, blank=True
    )
    expires_at = models.DateTimeField(_("有効期限"))
    revoked_at = models.DateTimeField(_("失効日時"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最終利用日時"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("APIトークン")
        verbose_name_plural = _("APIトークン")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def allows(self, scope: str) -> bool:
        return ALL in self.scopes or scope in self.scopes

    def is_usable(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())


class WebhookSubscription(models.Model):
    """Events sent to ``url`` for one token, signed with ``secret`` (HMAC-SHA256)."""

    token = protected_link(ApiToken, _("APIトークン"), related_name="webhooks")
    url = models.URLField(_("送信先URL"), max_length=500)
    events = models.JSONField(_("イベント"), default=list)
    secret = models.CharField(_("署名鍵"), max_length=64, editable=False)
    is_active = models.BooleanField(_("有効"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("連続失敗回数"), default=0)
    disabled_at = models.DateTimeField(_("停止日時"), null=True, blank=True)
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now)

    class Meta:
        verbose_name = _("Webhook送信先")
        verbose_name_plural = _("Webhook送信先")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.url


class WebhookDelivery(models.Model):
    """One event for one subscription, and how sending it went (the delivery log)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("送信待ち")
        DELIVERED = "delivered", _("送信済み")
        FAILED = "failed", _("送信失敗")

    subscription = protected_link(
        WebhookSubscription, _("送信先"), related_name="deliveries"
    )
    event_id = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    event = models.CharField(_("イベント"), max_length=50)
    payload = models.JSONField(_("内容"))
    status = models.CharField(
        _("状態"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("試行回数"), default=0)
    created_at = models.DateTimeField(_("発生日時"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("次回送信予定"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送信完了日時"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(
        _("応答コード"), null=True, blank=True
    )
    last_error = models.CharField(_("エラー"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("Webhook送信記録")
        verbose_name_plural = _("Webhook送信記録")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.event} → {self.subscription}"
