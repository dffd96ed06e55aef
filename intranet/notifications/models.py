from django.conf import settings
from django.db import models
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
    created_at = models.DateTimeField(_("通知日時"), default=timezone.now)
    read_at = models.DateTimeField(_("既読日時"), null=True, blank=True)

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
