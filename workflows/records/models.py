"""文書管理: the life of a record around its 決裁.

- ``ClassificationTable`` / ``Classification``: the 文書分類表, one version per 年度
  (a published version never changes; a new 年度 gets a copy to edit).
- ``Binder``: a 簿冊 — one per 課, 分類 and 年度, created on demand.
- ``IncomingDocument``: a 収受 with a gapless 収受番号 per 年度 and series.
- ``Issuance`` / ``SealUse``: 施行 and the 公印使用簿.
- ``DisposalRequest``: a 廃棄協議 (an approval of its own) over expired records.
- ``Circular`` / ``CircularRecipient``: 回覧 with read receipts.
- ``Correction``: a 訂正 after 決裁, kept beside the unchanged original.

The records-management fields of a document (分類, 簿冊, 完結日, 満了日, 措置) are
in ``lifecycle.RetainedRecord``, shared by workflows' Document and the 収受.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import OrgUnit
from intranet.core.fields import protected_link
from workflows.models import (
    Document,
    DocumentSeries,
    DocumentType,
    PublishedVersion,
    PublishedVersionQuerySet,
    Retention,
    SeriesCounter,
)

from .lifecycle import RetainedRecord

PERSON = settings.AUTH_USER_MODEL


class ClassificationTableQuerySet(PublishedVersionQuerySet):
    def in_force(self, fiscal_year: int):
        """The published table for ``fiscal_year`` (or the latest earlier one)."""
        return (
            self.published()
            .filter(fiscal_year__lte=fiscal_year)
            .order_by("-fiscal_year")
            .first()
        )


class ClassificationTable(PublishedVersion):
    """One 年度's 文書分類表. Published tables never change."""

    fiscal_year = models.PositiveSmallIntegerField(_("年度"), unique=True)

    objects = ClassificationTableQuerySet.as_manager()

    class Meta:
        verbose_name = _("文書分類表")
        verbose_name_plural = _("文書分類表")
        ordering = ["-fiscal_year"]

    def __str__(self):
        from intranet.core.dates import fiscal_year_label

        return _("%(year)s 文書分類表") % {"year": fiscal_year_label(self.fiscal_year)}


class Classification(models.Model):
    """A node of the 分類表: 大分類 → 中分類 → 小分類. Documents are filed under a
    小分類 (a leaf), which carries the default 保存期間."""

    class Level(models.IntegerChoices):
        MAJOR = 1, _("大分類")
        MIDDLE = 2, _("中分類")
        MINOR = 3, _("小分類")

    table = protected_link(
        ClassificationTable, _("分類表"), related_name="classifications"
    )
    parent = protected_link(
        "self", _("上位の分類"), null=True, blank=True, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("階層"), choices=Level.choices)
    code = models.CharField(_("分類記号"), max_length=30)
    name = models.CharField(_("名称"), max_length=100)
    section = protected_link(
        OrgUnit, _("課"), null=True, blank=True, help_text=_("空欄のときは全課共通")
    )
    retention_years = models.PositiveSmallIntegerField(
        _("保存期間"), choices=Retention.choices, null=True, blank=True
    )
    document_types = models.ManyToManyField(
        DocumentType,
        verbose_name=_("この分類を勧める文書種別"),
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("文書分類")
        verbose_name_plural = _("文書分類")
        ordering = ["table", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "code"], name="classification_code_once"
            ),
            models.CheckConstraint(
                condition=~Q(level=3) | Q(retention_years__isnull=False),
                name="minor_classification_has_retention",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_leaf(self) -> bool:
        return self.level == self.Level.MINOR


class Binder(models.Model):
    """A 簿冊: the file of one 課's records of one 分類 in one 年度."""

    section = protected_link(OrgUnit, _("課"))
    classification = protected_link(Classification, _("分類"), related_name="binders")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("簿冊名"), max_length=150)
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)

    class Meta:
        verbose_name = _("簿冊")
        verbose_name_plural = _("簿冊")
        ordering = ["-fiscal_year", "section", "classification"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "classification", "fiscal_year"],
                name="binder_once_per_year",
            )
        ]

    def __str__(self):
        return self.name


class IncomingCounter(SeriesCounter):
    """収受番号: the last number of a series in a 年度."""

    series = models.ForeignKey(
        DocumentSeries, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["series", "fiscal_year"], name="incoming_counter_per_year"
            )
        ]


def incoming_storage():
    from workflows.attachments import private_storage

    return private_storage()


def incoming_path(instance, filename):
    return f"incoming/{instance.sha256[:2]}/{instance.sha256}"


class IncomingDocument(RetainedRecord):
    """A 収受: a document received by mail, e-mail or hand, registered with a
    収受番号 and handed to a 担当."""

    class Channel(models.TextChoices):
        MAIL = "mail", _("郵送")
        EMAIL = "email", _("電子メール")
        HAND = "hand", _("持参・手交")
        ONLINE = "online", _("電子申請")
        OTHER = "other", _("その他")

    series = protected_link(DocumentSeries, _("番号の系列"))
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("番号"))
    number_label = models.CharField(_("収受番号"), max_length=40)
    received_on = models.DateField(_("収受日"))
    channel = models.CharField(_("収受方法"), max_length=10, choices=Channel.choices)
    sender = models.CharField(_("差出人"), max_length=200)
    title = models.CharField(_("件名"), max_length=200)
    section = protected_link(OrgUnit, _("担当課"))
    assignee = protected_link(PERSON, _("担当者"), null=True, blank=True)
    retention_years = models.PositiveSmallIntegerField(
        _("保存期間"), choices=Retention.choices, default=Retention.FIVE
    )
    confidential = models.BooleanField(_("秘"), default=False)
    file = models.FileField(
        _("ファイル"),
        storage=incoming_storage,
        upload_to=incoming_path,
        max_length=300,
        blank=True,
    )
    original_name = models.CharField(_("ファイル名"), max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    reply = protected_link(
        Document,
        _("回答の起案"),
        null=True,
        blank=True,
        related_name="incoming_documents",
    )
    registered_by = protected_link(PERSON, _("登録者"))
    registered_at = models.DateTimeField(_("登録日時"), default=timezone.now)

    class Meta:
        verbose_name = _("収受文書")
        verbose_name_plural = _("収受文書")
        ordering = ["-received_on", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "fiscal_year", "number"],
                name="incoming_number_unique",
            )
        ]
        indexes = [models.Index(fields=["fiscal_year", "number"])]

    def __str__(self):
        return f"{self.number_label} {self.title}"

    def get_absolute_url(self):
        return reverse("records:incoming", args=[self.pk])


class DisposalRequest(models.Model):
    """A 廃棄協議: the list of expired records a 課 proposes to destroy, decided
    through the approval engine (``approval`` is its own 起案). On that 決裁 the
    content of every listed record is removed; the register keeps the entries."""

    class State(models.TextChoices):
        PENDING = "pending", _("協議中")
        APPLIED = "applied", _("廃棄済み")
        ENDED = "ended", _("却下・取下げ")

    section = protected_link(OrgUnit, _("課"))
    approval = models.OneToOneField(
        Document,
        verbose_name=_("廃棄協議の起案"),
        on_delete=models.PROTECT,
        related_name="disposal_request",
    )
    state = models.CharField(
        _("状態"), max_length=10, choices=State.choices, default=State.PENDING
    )
    requested_by = protected_link(PERSON, _("起案者"))
    requested_at = models.DateTimeField(_("起案日時"), default=timezone.now)
    applied_at = models.DateTimeField(_("廃棄日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("廃棄協議")
        verbose_name_plural = _("廃棄協議")
        ordering = ["-requested_at"]

    def __str__(self):
        return str(self.approval)


class DisposalItem(models.Model):
    """One record listed in a 廃棄協議: a 起案 or a 収受."""

    request = models.ForeignKey(
        DisposalRequest, on_delete=models.PROTECT, related_name="items"
    )
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    incoming = models.ForeignKey(
        IncomingDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(document__isnull=True) ^ Q(incoming__isnull=True),
                name="disposal_item_one_record",
            )
        ]

    def __str__(self):
        return f"{self.request_id}: {self.document_id or self.incoming_id}"


class Circular(models.Model):
    """A 回覧: a decided document, a 収受 or a notice passed round with read receipts.
    Not the 供覧 step of a route: it blocks nothing and anyone may start one."""

    subject = models.CharField(_("件名"), max_length=200)
    message = models.TextField(_("内容"), blank=True)
    document = protected_link(
        Document, _("回覧する起案文書"), null=True, blank=True, related_name="circulars"
    )
    incoming = protected_link(
        IncomingDocument,
        _("回覧する収受文書"),
        null=True,
        blank=True,
        related_name="circulars",
    )
    created_by = protected_link(PERSON, _("回覧者"))
    created_at = models.DateTimeField(_("回覧日時"), default=timezone.now)
    closed_at = models.DateTimeField(_("回覧終了日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("回覧")
        verbose_name_plural = _("回覧")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(document__isnull=True) | Q(incoming__isnull=True),
                name="circular_one_subject",
            )
        ]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("records:circular", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class CircularRecipient(models.Model):
    circular = models.ForeignKey(
        Circular, on_delete=models.CASCADE, related_name="recipients"
    )
    person = protected_link(PERSON, _("回覧先"))
    read_at = models.DateTimeField(_("既読日時"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("督促日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("回覧先")
        verbose_name_plural = _("回覧先")
        constraints = [
            models.UniqueConstraint(
                fields=["circular", "person"], name="circular_recipient_once"
            )
        ]
        indexes = [models.Index(fields=["person", "read_at"])]

    def __str__(self):
        return f"{self.circular_id} {self.person_id}"


class Issuance(models.Model):
    """施行: a decided document sent or handed out. With a 公印, it waits for the
    公印使用 approval (its own 起案 on the approval engine) before it is issued."""

    class Method(models.TextChoices):
        POST = "post", _("郵送")
        EMAIL = "email", _("メール")
        HAND = "hand", _("手交")
        ONLINE = "online", _("電子申請")

    class State(models.TextChoices):
        AWAITING_SEAL = "awaiting_seal", _("公印使用の承認待ち")
        ISSUED = "issued", _("施行済み")
        CANCELLED = "cancelled", _("取消")

    document = protected_link(Document, _("施行する文書"), related_name="issuances")
    issued_on = models.DateField(_("施行日"))
    destination = models.CharField(_("施行先"), max_length=200)
    method = models.CharField(_("発送方法"), max_length=10, choices=Method.choices)
    seal_name = models.CharField(
        _("使用する公印"), max_length=60, blank=True, help_text=_("空欄は公印なし")
    )
    seal_approval = models.OneToOneField(
        Document,
        verbose_name=_("公印使用の伺い"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seal_issuance",
    )
    state = models.CharField(_("状態"), max_length=20, choices=State.choices)
    requested_by = protected_link(PERSON, _("施行者"))
    requested_at = models.DateTimeField(_("登録日時"), default=timezone.now)

    class Meta:
        verbose_name = _("施行")
        verbose_name_plural = _("施行")
        ordering = ["-issued_on", "-pk"]

    def __str__(self):
        return f"{self.document} → {self.destination}"


class SealUse(models.Model):
    """One line of the 公印使用簿: what was sealed, when, approved by whom."""

    issuance = models.OneToOneField(
        Issuance, on_delete=models.PROTECT, related_name="seal_use"
    )
    seal_name = models.CharField(_("公印"), max_length=60)
    sealed_document = models.CharField(_("押印した文書"), max_length=260)
    approval_number = models.CharField(_("公印使用の伺いの文書番号"), max_length=40)
    approved_by = protected_link(PERSON, _("公印管理者"))
    used_by = protected_link(PERSON, _("使用者"))
    used_at = models.DateTimeField(_("使用日時"), default=timezone.now)

    class Meta:
        verbose_name = _("公印使用簿")
        verbose_name_plural = _("公印使用簿")
        ordering = ["-used_at"]

    def __str__(self):
        return f"{self.seal_name} {self.sealed_document}"


class Correction(models.Model):
    """訂正 after 決裁: a reason and the corrected wording, approved by the person
    who decided (or whoever holds their post now). The decided document itself
    never changes; approved corrections are shown beside it and in its PDF."""

    class State(models.TextChoices):
        PENDING = "pending", _("承認待ち")
        APPROVED = "approved", _("承認")
        REJECTED = "rejected", _("不承認")

    document = protected_link(Document, _("訂正する文書"), related_name="corrections")
    revision = models.PositiveSmallIntegerField(_("訂正の版"))
    reason = models.TextField(_("訂正の理由"))
    content = models.TextField(_("訂正の内容"))
    requested_by = protected_link(PERSON, _("申請者"))
    requested_at = models.DateTimeField(_("申請日時"), default=timezone.now)
    approver = protected_link(PERSON, _("承認者"))
    state = models.CharField(
        _("状態"), max_length=10, choices=State.choices, default=State.PENDING
    )
    decided_at = models.DateTimeField(_("承認日時"), null=True, blank=True)
    comment = models.TextField(_("意見"), blank=True)

    class Meta:
        verbose_name = _("決裁後の訂正")
        verbose_name_plural = _("決裁後の訂正")
        ordering = ["document", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "revision"], name="correction_revision_once"
            )
        ]

    def __str__(self):
        return f"{self.document} 訂正{self.revision}"
