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
