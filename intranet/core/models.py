from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ClosureDay(models.Model):
    """A day the ward office is closed besides weekends, national holidays and 12/29–1/3."""

    date = models.DateField(_("日付"), unique=True)
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("閉庁日")
        verbose_name_plural = _("閉庁日")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._forget_cached_days()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self._forget_cached_days()
        return result

    @staticmethod
    def _forget_cached_days():
        from . import dates

        dates._closure_days.cache_clear()


class AuditEntry(models.Model):
    """An administrative change: permissions, groups, account flags. Never edited."""

    at = models.DateTimeField(_("日時"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("経路"), max_length=50, default="system")
    action = models.CharField(_("操作"), max_length=100)
    target_type = models.CharField(_("対象の種類"), max_length=100)
    target_id = models.CharField(_("対象ID"), max_length=64)
    target_repr = models.CharField(_("対象"), max_length=200)
    details = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("管理操作の記録")
        verbose_name_plural = _("管理操作の記録")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"
