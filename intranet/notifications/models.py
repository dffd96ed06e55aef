"""Notifications, the e-mails that carry them, and how each person wants them.

A :class:`Notification` is what the bell and the list show. The e-mail side is an outbox:
each :class:`EmailDelivery` is one e-mail to one person, covering one or more
notifications (a debounced burst about one document, or a day's digest). A delivery is
claimed, sent and marked sent in separate steps so that a worker that is retried or
restarted never sends an e-mail twice and never loses one.
"""

from __future__ import annotations

import datetime
import functools
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .kinds import Kind


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one person: shown in the bell and the list, maybe e-mailed."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("宛先"),
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    # No `choices=` here: kinds grow with each feature and must not need a migration.
    kind = models.CharField(_("種別"), max_length=64)
    subject = models.CharField(_("件名"), max_length=200)
    body = models.TextField(_("本文"), blank=True)
    url = models.CharField(_("リンク先"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    group_key = models.CharField(
        _("まとめキー"),
        max_length=100,
        blank=True,
        help_text=_(
            "同じ対象についての通知をメールでまとめるためのキー（例: document:42）"
        ),
    )
    confidential = models.BooleanField(
        _("秘文書に関する通知"),
        default=False,
        help_text=_(
            "秘扱いの文書についての通知。プッシュ通知など画面の外には件名を出しません。"
        ),
    )
    created_at = models.DateTimeField(_("通知日時"), default=timezone.now)
    read_at = models.DateTimeField(_("既読日時"), null=True, blank=True)
    email_delivery = models.ForeignKey(
        "EmailDelivery",
        verbose_name=_("メール"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "-created_at"]),
        ]

    def __str__(self):
        return self.subject

    @property
    def kind_label(self) -> str:
        try:
            return Kind(self.kind).label
        except ValueError:
            return self.kind

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class EmailMode(models.TextChoices):
    """How a person wants one kind of notification by e-mail."""

    OFF = "off", _("メールしない")
    IMMEDIATE = "immediate", _("すぐに")
    DIGEST = "digest", _("毎日まとめて")


class NotificationPreference(models.Model):
    """A person's e-mail timing: the digest hour and the quiet hours.

    No row means the defaults. Quiet hours run from ``quiet_from`` to ``quiet_until``
    (local time) and may cross midnight (20:00–08:00); e-mails due inside them wait
    until they end.
    """

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.PROTECT,
        related_name="notification_preference",
    )
    digest_time = models.TimeField(
        _("まとめメールの時刻"), default=functools.partial(datetime.time, 8, 30)
    )
    quiet_from = models.TimeField(
        _("メールを控える時間帯（開始）"), null=True, blank=True
    )
    quiet_until = models.TimeField(
        _("メールを控える時間帯（終了）"), null=True, blank=True
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("通知の設定")
        verbose_name_plural = _("通知の設定")
        constraints = [
            models.CheckConstraint(
                condition=(Q(quiet_from__isnull=True) & Q(quiet_until__isnull=True))
                | (
                    Q(quiet_from__isnull=False)
                    & Q(quiet_until__isnull=False)
                    & ~Q(quiet_from=models.F("quiet_until"))
                ),
                name="notification_preference_quiet_hours",
            )
        ]

    def __str__(self):
        return str(self.person)


class KindPreference(models.Model):
    """A person's choice for one kind, where it differs from the default."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("種別"), max_length=64)
    email = models.CharField(_("メール"), max_length=16, choices=EmailMode.choices)

    class Meta:
        verbose_name = _("種別ごとのメール設定")
        verbose_name_plural = _("種別ごとのメール設定")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"], name="kind_preference_once"
            ),
            models.CheckConstraint(
                condition=Q(email__in=EmailMode.values),
                name="kind_preference_email_mode",
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.kind}: {self.email}"


class EmailDeliveryQuerySet(models.QuerySet):
    def claimable(self, now: datetime.datetime, stale_before: datetime.datetime):
        """Due and waiting, or claimed by a worker that has not finished in time."""
        return self.filter(
            Q(status=EmailDelivery.Status.PENDING, due_at__lte=now)
            | Q(status=EmailDelivery.Status.SENDING, claimed_at__lt=stale_before)
        )


def _message_token() -> str:
    return uuid.uuid4().hex


class EmailDelivery(models.Model):
    """One e-mail to one person, covering one or more notifications (the outbox).

    While ``pending`` more notifications may join it (same ``group_key`` within the
    debounce window, or the same day's digest). A worker claims it (``sending``),
    sends it and marks it ``sent``; the same Message-ID is used if a crashed claim
    ever has to be sent again, so mail clients show it once.
    """

    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("すぐに")
        DIGEST = "digest", _("まとめて")

    class Status(models.TextChoices):
        PENDING = "pending", _("送信待ち")
        SENDING = "sending", _("送信中")
        SENT = "sent", _("送信済み")
        SKIPPED = "skipped", _("送信不要")
        FAILED = "failed", _("送信失敗")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("宛先"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    mode = models.CharField(_("送り方"), max_length=16, choices=Mode.choices)
    group_key = models.CharField(
        _("まとめキー"),
        max_length=100,
        blank=True,
        help_text=_("空でなければ、送信待ちの間は宛先・送り方ごとに1通だけ"),
    )
    status = models.CharField(
        _("状態"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    due_at = models.DateTimeField(_("送信予定日時"))
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)
    claimed_at = models.DateTimeField(_("送信開始日時"), null=True, blank=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("送信試行回数"), default=0)
    message_token = models.CharField(
        _("メッセージID"), max_length=32, default=_message_token, unique=True
    )
    address = models.CharField(_("送信先アドレス"), max_length=254, blank=True)
    subject = models.CharField(_("件名"), max_length=255, blank=True)
    last_error = models.TextField(_("最後のエラー"), blank=True)

    objects = EmailDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("メール送信")
        verbose_name_plural = _("メール送信")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "due_at"])]
        constraints = [
            # While a keyed delivery waits, notifications join it instead of
            # starting another e-mail (the burst debounce, the daily digest).
            models.UniqueConstraint(
                fields=["recipient", "mode", "group_key"],
                condition=Q(status="pending") & ~Q(group_key=""),
                name="email_delivery_one_pending_per_key",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["pending", "sending", "sent", "skipped", "failed"]
                ),
                name="email_delivery_status",
            ),
        ]

    def __str__(self):
        return (
            f"{self.recipient} {self.get_mode_display()} {self.due_at:%Y-%m-%d %H:%M}"
        )


class KindPushPreference(models.Model):
    """A person's push choice for one kind, where it differs from the default."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("種別"), max_length=64)
    push = models.BooleanField(_("プッシュ通知"))

    class Meta:
        verbose_name = _("種別ごとのプッシュ通知設定")
        verbose_name_plural = _("種別ごとのプッシュ通知設定")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"], name="kind_push_preference_once"
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.kind}: {self.push}"


class PushDevice(models.Model):
    """A browser (a phone, a PC) that receives Web Push for one person.

    The endpoint and keys are what the browser's push subscription gave (RFC 8030,
    RFC 8291). A push service that answers 404 or 410 has dropped the subscription,
    and the device is removed.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.PROTECT,
        related_name="push_devices",
    )
    name = models.CharField(_("端末の名前"), max_length=60)
    endpoint = models.URLField(_("送信先"), max_length=1000, unique=True)
    p256dh = models.CharField(_("公開鍵"), max_length=200)
    auth = models.CharField(_("認証キー"), max_length=100)
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最後に送信した日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("プッシュ通知の端末")
        verbose_name_plural = _("プッシュ通知の端末")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.person} {self.name}"

    @property
    def subscription_info(self) -> dict:
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": self.p256dh, "auth": self.auth},
        }
