"""What every kept record has after its decision or receipt: 分類, 簿冊, 完結日,
保存期間満了日 and 措置. A leaf module (no model imports), so that workflows' Document
and the records app's 収受 share it without an import circle.

The rule for 保存期間満了日 lives in ``expiry_date``: the period is counted from
4月1日 of the 年度 after the 年度 of 完結, so it ends on 3月31日 of (年度 of 完結 +
period + 1). Period 0 (常用・永年) never expires.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


def fiscal_year_of(day: datetime.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def expiry_date(completed_on: datetime.date | None, years: int) -> datetime.date | None:
    """保存期間満了日: 令和8年度 (FY2026) 完結 with 5年 → 2032-03-31; 0 (常用) → None."""
    if completed_on is None or not years:
        return None
    return datetime.date(fiscal_year_of(completed_on) + years + 1, 3, 31)


class Disposition(models.TextChoices):
    """措置: what became of a record at (or before) its 満了."""

    KEPT = "kept", _("保存中")
    EXTENDED = "extended", _("延長")
    DESTROYED = "destroyed", _("廃棄")
    TRANSFERRED = "transferred", _("移管")


class Storage(models.TextChoices):
    ELECTRONIC = "electronic", _("電子")
    PAPER = "paper", _("紙")


class RetainedRecord(models.Model):
    """Abstract: the records-management fields of a 起案 or a 収受."""

    classification = models.ForeignKey(
        "records.Classification",
        verbose_name=_("分類"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    binder = models.ForeignKey(
        "records.Binder",
        verbose_name=_("簿冊"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    storage = models.CharField(
        _("保存場所"),
        max_length=12,
        choices=Storage.choices,
        default=Storage.ELECTRONIC,
    )
    completed_on = models.DateField(_("完結日"), null=True, blank=True)
    extension_years = models.PositiveSmallIntegerField(_("延長した年数"), default=0)
    expires_on = models.DateField(_("保存期間満了日"), null=True, blank=True)
    disposition = models.CharField(
        _("措置"), max_length=12, choices=Disposition.choices, default=Disposition.KEPT
    )
    disposed_on = models.DateField(_("廃棄・移管日"), null=True, blank=True)
    disposal_reference = models.CharField(
        _("廃棄協議・移管の番号"), max_length=60, blank=True
    )

    class Meta:
        abstract = True

    @property
    def is_destroyed(self) -> bool:
        """廃棄 removed the content: only the register entry remains."""
        return self.disposition == Disposition.DESTROYED

    @property
    def period_years(self) -> int:
        """The whole 保存期間 in years, 延長 included (0: 常用・永年)."""
        return (
            self.retention_years + self.extension_years if self.retention_years else 0
        )

    @property
    def is_disposed(self) -> bool:
        return self.disposition in (Disposition.DESTROYED, Disposition.TRANSFERRED)
