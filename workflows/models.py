"""Electronic approval (電子決裁): documents, delegation rules, routes and the ledger.

The viewflow process only carries tokens and tasks; everything the office cares about
lives here: the document and its content, the rule version it was submitted under, the
route (one row per step, per submission round), delegations, document numbers and the
append-only, hash-chained ledger of every action.
"""

from __future__ import annotations

import datetime
import hashlib
from urllib.parse import unquote

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import OrgUnit, Post
from intranet.core.dates import fiscal_year_label
from intranet.core.text import single_line

from .records.lifecycle import RetainedRecord

PERSON = settings.AUTH_USER_MODEL


class DocumentType(models.Model):
    """A document classification (文書分類), e.g. 支出伺い, 一般文書."""

    code = models.SlugField(_("コード"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("説明"), blank=True)
    default_retention_years = models.PositiveSmallIntegerField(
        _("標準の保存年限"), default=5
    )
    requires_amount = models.BooleanField(
        _("金額を入力する"), default=False, help_text=_("支出を伴う文書など")
    )
    is_routine = models.BooleanField(
        _("定型的な文書"),
        default=False,
        help_text=_("受信箱で複数件をまとめて承認できる文書"),
    )
    is_active = models.BooleanField(_("使用中"), default=True)
    sort_order = models.PositiveIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("文書分類")
        verbose_name_plural = _("文書分類")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class PublishedVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)


class PublishedVersion(models.Model):
    """One version of a rule table (専決規程, 文書分類表): edited until it is
    published, then never changed; a later version supersedes it, never rewrites it."""

    published_at = models.DateTimeField(_("公開日時"), null=True, blank=True)
    note = models.TextField(_("改正内容"), blank=True)
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class RuleBookQuerySet(PublishedVersionQuerySet):
    def in_force(self, day: datetime.date | None = None):
        """The published version in force on ``day``, or None."""
        day = day or timezone.localdate()
        return (
            self.published()
            .filter(valid_from__lte=day)
            .order_by("-valid_from", "-number")
            .first()
        )


class RuleBook(PublishedVersion):
    """One version of the delegation rules (専決規程). Published versions never change."""

    number = models.PositiveIntegerField(_("版"), unique=True)
    title = models.CharField(_("名称"), max_length=100, default="専決規程")
    valid_from = models.DateField(_("施行日"))

    objects = RuleBookQuerySet.as_manager()

    class Meta:
        verbose_name = _("専決規程（版）")
        verbose_name_plural = _("専決規程（版）")
        ordering = ["-number"]

    def __str__(self):
        return _("%(title)s 第%(number)s版") % {
            "title": self.title,
            "number": self.number,
        }


class DelegationRule(models.Model):
    """Who decides a document type in an amount band, who approves on the way,
    which sections are consulted (合議) and who acknowledges (供覧)."""

    class ConsultationPolicy(models.TextChoices):
        ALL = "all", _("全員の同意")
        ANY = "any", _("いずれか1課の同意")
        COUNT = "count", _("指定数の同意")

    rulebook = models.ForeignKey(
        RuleBook,
        verbose_name=_("版"),
        on_delete=models.PROTECT,
        related_name="rules",
    )
    document_type = models.ForeignKey(
        DocumentType,
        verbose_name=_("文書分類"),
        on_delete=models.PROTECT,
        related_name="rules",
    )
    amount_from = models.PositiveBigIntegerField(
        _("金額（以上）"), null=True, blank=True, help_text=_("円。空欄は下限なし")
    )
    amount_below = models.PositiveBigIntegerField(
        _("金額（未満）"), null=True, blank=True, help_text=_("円。空欄は上限なし")
    )
    decider_post = models.ForeignKey(
        Post,
        verbose_name=_("決裁権者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approver_posts = models.ManyToManyField(
        Post,
        verbose_name=_("回議する職位"),
        blank=True,
        related_name="+",
        help_text=_("起案者の所属から順に回議します（下位の職位から）"),
    )
    consultation_policy = models.CharField(
        _("合議の成立条件"),
        max_length=10,
        choices=ConsultationPolicy.choices,
        default=ConsultationPolicy.ALL,
    )
    consultation_quorum = models.PositiveSmallIntegerField(
        _("同意が必要な課の数"), default=1, help_text=_("「指定数の同意」のとき")
    )
    allow_extra_consultations = models.BooleanField(
        _("起案者が合議先を追加できる"), default=True
    )
    allow_extra_circulation = models.BooleanField(
        _("起案者が供覧先を追加できる"), default=True
    )
    step_due_days = models.PositiveSmallIntegerField(
        _("各段階の処理期限（開庁日）"), default=3
    )

    class Meta:
        verbose_name = _("専決区分")
        verbose_name_plural = _("専決区分")
        ordering = ["rulebook", "document_type", "amount_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_from__isnull=True)
                | Q(amount_below__isnull=True)
                | Q(amount_below__gt=models.F("amount_from")),
                name="rule_amount_band",
            )
        ]

    def __str__(self):
        return f"{self.document_type} {self.band_label} {self.decider_post}決裁"

    @property
    def band_label(self) -> str:
        if self.amount_from is None and self.amount_below is None:
            return str(_("金額によらない"))
        low = f"{self.amount_from:,}円以上" if self.amount_from is not None else ""
        high = f"{self.amount_below:,}円未満" if self.amount_below is not None else ""
        return low + high

    def covers(self, amount: int | None) -> bool:
        value = amount or 0
        if self.amount_from is not None and value < self.amount_from:
            return False
        return not (self.amount_below is not None and value >= self.amount_below)


class RuleConsultation(models.Model):
    """A section that must be consulted (合議) under a rule."""

    rule = models.ForeignKey(
        DelegationRule,
        verbose_name=_("専決区分"),
        on_delete=models.CASCADE,
        related_name="consultations",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("合議先"), on_delete=models.PROTECT, related_name="+"
    )
    post = models.ForeignKey(
        Post,
        verbose_name=_("職位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("空欄のときは合議先の長"),
    )

    class Meta:
        verbose_name = _("合議先")
        verbose_name_plural = _("合議先")

    def __str__(self):
        return f"{self.unit} {self.post or ''}".strip()


class RuleCirculation(models.Model):
    """Who acknowledges (供覧) documents under a rule, before or after the decision."""

    class Timing(models.TextChoices):
        BEFORE = "before", _("決裁前")
        AFTER = "after", _("決裁後")

    rule = models.ForeignKey(
        DelegationRule,
        verbose_name=_("専決区分"),
        on_delete=models.CASCADE,
        related_name="circulations",
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("組織"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("空欄のときは起案者の所属"),
    )
    post = models.ForeignKey(
        Post, verbose_name=_("職位"), on_delete=models.PROTECT, related_name="+"
    )
    timing = models.CharField(
        _("時期"), max_length=10, choices=Timing.choices, default=Timing.AFTER
    )

    class Meta:
        verbose_name = _("供覧先")
        verbose_name_plural = _("供覧先")

    def __str__(self):
        return f"{self.unit or _('起案者の所属')} {self.post}"


class Retention(models.IntegerChoices):
    """保存年限. 0 stands for permanent (永年)."""

    ONE = 1, _("1年")
    THREE = 3, _("3年")
    FIVE = 5, _("5年")
    TEN = 10, _("10年")
    THIRTY = 30, _("30年")
    PERMANENT = 0, _("永年")


class DocumentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(
            state__in=[Document.State.IN_PROGRESS, Document.State.RETURNED]
        )


class Document(RetainedRecord):
    """A 起案書: drafted, submitted, routed and decided (or returned, rejected,
    withdrawn). Decided documents are read-only. Its life after the 決裁 (分類, 簿冊,
    完結, 保存期間満了日, 廃棄・移管) is kept by ``workflows.records``."""

    class State(models.TextChoices):
        DRAFT = "draft", _("下書き")
        IN_PROGRESS = "in_progress", _("回議中")
        RETURNED = "returned", _("差戻し中")
        DECIDED = "decided", _("決裁済み")
        REJECTED = "rejected", _("却下")
        WITHDRAWN = "withdrawn", _("取下げ")

    EDITABLE_STATES = (State.DRAFT, State.RETURNED)
    CLOSED_STATES = (State.DECIDED, State.REJECTED, State.WITHDRAWN)

    title = models.CharField(_("件名"), max_length=200)
    body = models.TextField(_("本文"), blank=True)
    document_type = models.ForeignKey(
        DocumentType,
        verbose_name=_("文書分類"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    retention_years = models.PositiveSmallIntegerField(
        _("保存年限"), choices=Retention.choices, default=Retention.FIVE
    )
    amount = models.PositiveBigIntegerField(_("金額（円）"), null=True, blank=True)
    confidential = models.BooleanField(
        _("秘"),
        default=False,
        help_text=_("回議ルート上の職員と監査担当だけが閲覧できます"),
    )
    applicant = models.ForeignKey(
        PERSON,
        verbose_name=_("起案者"),
        on_delete=models.PROTECT,
        related_name="applied_documents",
    )
    filer = models.ForeignKey(
        PERSON,
        verbose_name=_("作成者"),
        on_delete=models.PROTECT,
        related_name="filed_documents",
        help_text=_("代理起案のとき、実際に作成した職員"),
    )
    applicant_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("起案者の所属"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_section = models.ForeignKey(
        OrgUnit,
        verbose_name=_("主管課"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("状態"), max_length=20, choices=State.choices, default=State.DRAFT
    )
    rule = models.ForeignKey(
        DelegationRule,
        verbose_name=_("専決区分"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    round = models.PositiveSmallIntegerField(_("提出回数"), default=0)
    consultation_policy = models.CharField(
        _("合議の成立条件"),
        max_length=10,
        choices=DelegationRule.ConsultationPolicy.choices,
        default=DelegationRule.ConsultationPolicy.ALL,
    )
    consultation_quorum = models.PositiveSmallIntegerField(default=1)
    number_series = models.ForeignKey(
        "DocumentSeries",
        verbose_name=_("文書番号の系列"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    number = models.PositiveIntegerField(_("番号"), null=True, blank=True)
    number_label = models.CharField(_("文書番号"), max_length=40, blank=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("複写元"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_url = models.CharField(_("関連ページ"), max_length=500, blank=True)
    source_title = models.CharField(_("関連ページの名称"), max_length=255, blank=True)
    process = models.OneToOneField(
        "viewflow.Process",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approval_document",
        editable=False,
    )
    version = models.PositiveIntegerField(
        default=1,
        help_text="Bumped by every change; forms carry it to catch stale pages.",
    )
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新日時"), default=timezone.now)
    submitted_at = models.DateTimeField(_("起案日時"), null=True, blank=True)
    decided_at = models.DateTimeField(_("決裁日時"), null=True, blank=True)
    closed_at = models.DateTimeField(_("完結日時"), null=True, blank=True)
    search_text = models.TextField(editable=False, default="")
    requires_issuance = models.BooleanField(
        _("施行する文書"),
        default=False,
        help_text=_("決裁後に発送・交付するとき。施行をもって完結します"),
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("起案文書")
        verbose_name_plural = _("起案文書")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["applicant", "state"]),
            models.Index(fields=["filer", "state"]),
            models.Index(fields=["state", "-decided_at"]),
            # 文書管理簿 (by 年度 and series) and the lists of records at 満了.
            models.Index(fields=["fiscal_year", "number_series", "number"]),
            models.Index(fields=["expires_on", "disposition"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["number_series", "fiscal_year", "number"],
                name="document_number_unique",
            ),
            models.CheckConstraint(
                condition=~Q(state="decided") | Q(number__isnull=False),
                name="decided_document_has_number",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # A CR/LF in a title would break every e-mail, PDF line and CSV row about it.
        self.title = single_line(self.title)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("workflows:document", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES

    @property
    def source_label(self) -> str:
        """What the 関連ページ link reads: the page's title, else its decoded address."""
        return self.source_title or unquote(self.source_url)

    @property
    def is_closed(self) -> bool:
        return self.state in self.CLOSED_STATES

    @property
    def filed_on_behalf(self) -> bool:
        return self.filer_id != self.applicant_id

    @property
    def number_with_year(self) -> str:
        """令和8年度 千代総第1号: series restart every 年度, so a number alone is
        ambiguous; '' before 決裁."""
        if not self.number_label:
            return ""
        if self.fiscal_year is None:
            return self.number_label
        return f"{fiscal_year_label(self.fiscal_year)} {self.number_label}"

    @property
    def retention_label(self) -> str:
        return Retention(self.retention_years).label

    @property
    def state_badge(self) -> str:
        return {
            self.State.DRAFT: "",
            self.State.IN_PROGRESS: "",
            self.State.RETURNED: "badge--warn",
            self.State.DECIDED: "badge--ok",
            self.State.REJECTED: "badge--error",
            self.State.WITHDRAWN: "badge--error",
        }[self.State(self.state)]

    def content_digest(self, attachments=None) -> str:
        """SHA-256 of what was submitted: title, body, amount and attachment digests."""
        if attachments is None:
            attachments = self.attachments.current().order_by("pk")
        digest = hashlib.sha256()
        for part in (
            self.title,
            self.body,
            str(self.amount or ""),
            str(self.document_type_id),
            str(self.retention_years),
            "1" if self.confidential else "0",
            *(attachment.sha256 for attachment in attachments),
        ):
            digest.update(part.encode())
            digest.update(b"\x00")
        return digest.hexdigest()


def attachment_storage():
    from .attachments import private_storage

    return private_storage()


def attachment_path(instance, filename):
    return f"{instance.document_id}/{instance.sha256[:2]}/{instance.sha256}"


class AttachmentQuerySet(models.QuerySet):
    def current(self):
        return self.filter(removed_at__isnull=True)


class Attachment(models.Model):
    """A file attached to a document, kept outside MEDIA_ROOT and served only to
    people who may see the document."""

    document = models.ForeignKey(
        Document,
        verbose_name=_("文書"),
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    file = models.FileField(
        _("ファイル"),
        storage=attachment_storage,
        upload_to=attachment_path,
        max_length=300,
    )
    original_name = models.CharField(_("ファイル名"), max_length=255)
    content_type = models.CharField(_("種類"), max_length=100)
    size = models.PositiveBigIntegerField(_("サイズ"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        PERSON, verbose_name=_("登録者"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("登録日時"), default=timezone.now)
    removed_at = models.DateTimeField(
        _("削除日時"),
        null=True,
        blank=True,
        help_text=_("提出済みの添付ファイルは履歴として残し、一覧から外します"),
    )

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("添付ファイル")
        verbose_name_plural = _("添付ファイル")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("workflows:attachment", args=[self.document_id, self.pk])


class RouteAddition(models.Model):
    """What the applicant added to the computed route, within what the rule allows."""

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("合議先の追加")
        CIRCULATION = "circulation", _("供覧先の追加")

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="route_additions"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        PERSON, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("ルートの追加")
        verbose_name_plural = _("ルートの追加")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "kind", "unit"],
                condition=Q(unit__isnull=False),
                name="route_addition_unit_once",
            ),
            models.UniqueConstraint(
                fields=["document", "kind", "person"],
                condition=Q(person__isnull=False),
                name="route_addition_person_once",
            ),
            models.CheckConstraint(
                condition=(Q(kind="consultation") & Q(unit__isnull=False))
                | (Q(kind="circulation") & Q(person__isnull=False)),
                name="route_addition_target",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.unit or self.person}"


class StepQuerySet(models.QuerySet):
    def current(self):
        return self.filter(round=models.F("document__round"))

    def main_line(self):
        return self.filter(kind__in=RouteStep.MAIN_KINDS)

    def waiting_for(self, person_ids):
        return self.filter(status=RouteStep.Status.ACTIVE, assignee_id__in=person_ids)

    def stuck(self, day: datetime.date):
        """Steps an administrator may act on: blocked (vacant) or overdue on ``day``,
        of a document in progress. The stuck-steps list and its actions share it."""
        return self.filter(document__state=Document.State.IN_PROGRESS).filter(
            Q(status=RouteStep.Status.BLOCKED)
            | Q(status=RouteStep.Status.ACTIVE, due_date__lt=day)
        )


class RouteStep(models.Model):
    """One box of the route for one submission round: an approval, a consulted
    section, the decision, an acknowledgement (供覧) or a post-review (後閲).

    Steps of the main line are ordered by ``position``; consultations share one
    position and run in parallel. The assignee is resolved from the org chart
    when the step is reached, never earlier.
    """

    class Kind(models.TextChoices):
        APPROVAL = "approval", _("回議")
        CONSULTATION = "consultation", _("合議")
        DECISION = "decision", _("決裁")
        CIRCULATION = "circulation", _("供覧")
        POST_REVIEW = "post_review", _("後閲")

    class Status(models.TextChoices):
        WAITING = "waiting", _("未着")
        ACTIVE = "active", _("処理待ち")
        BLOCKED = "blocked", _("在任者なし")
        APPROVED = "approved", _("承認")
        RETURNED = "returned", _("差戻し")
        REJECTED = "rejected", _("却下")
        SKIPPED = "skipped", _("不在のため後閲")
        NOT_NEEDED = "not_needed", _("不要")
        ACKNOWLEDGED = "acknowledged", _("確認済み")
        CANCELLED = "cancelled", _("取消")

    class Capacity(models.TextChoices):
        SELF = "self", _("本人")
        PROXY = "proxy", _("代理")
        DEPUTY = "deputy", _("代決")
        ADMIN = "admin", _("管理者")

    MAIN_KINDS = (Kind.APPROVAL, Kind.CONSULTATION, Kind.DECISION)
    SIDE_KINDS = (Kind.CIRCULATION, Kind.POST_REVIEW)
    SETTLED = (Status.APPROVED, Status.SKIPPED, Status.NOT_NEEDED)
    OPEN = (Status.ACTIVE, Status.BLOCKED)

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="steps"
    )
    round = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("順番"))
    label = models.CharField(_("段階"), max_length=100)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The unit the post is resolved from (applicant's unit, or the consulted section).",
    )
    added_by_applicant = models.BooleanField(default=False)
    planned_assignee = models.ForeignKey(
        PERSON,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The holder shown when the route was computed (may change by the time it is reached).",
    )
    assignee = models.ForeignKey(
        PERSON,
        verbose_name=_("担当者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="route_steps",
    )
    status = models.CharField(
        _("状況"), max_length=20, choices=Status.choices, default=Status.WAITING
    )
    reached_at = models.DateTimeField(_("到達日時"), null=True, blank=True)
    due_date = models.DateField(_("処理期限"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    deputies_told_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the absent decider's registered deputies were told that this "
        "decision waits for them (once per step).",
    )
    acted_by = models.ForeignKey(
        PERSON,
        verbose_name=_("処理者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_behalf_of = models.ForeignKey(
        PERSON,
        verbose_name=_("本来の担当者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    capacity = models.CharField(
        _("立場"), max_length=10, choices=Capacity.choices, blank=True
    )
    acted_at = models.DateTimeField(_("処理日時"), null=True, blank=True)
    acted_unit_name = models.CharField(
        max_length=40,
        blank=True,
        help_text="The seal's top row: the holder's section when the step is reached, "
        "replaced by the actor's when a proxy or deputy acts.",
    )
    comment = models.TextField(_("意見"), blank=True)
    reviewed_step = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="post_reviews",
        help_text="For a 後閲 item: the step decided or skipped in the reviewer's absence.",
    )
    timing = models.CharField(max_length=10, blank=True)
    task = models.OneToOneField(
        "viewflow.Task",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="route_step",
    )

    objects = StepQuerySet.as_manager()

    class Meta:
        verbose_name = _("回議ルートの段階")
        verbose_name_plural = _("回議ルートの段階")
        ordering = ["document", "round", "position", "pk"]
        indexes = [
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["document", "round", "position"]),
            models.Index(fields=["status", "due_date"]),
        ]

    def __str__(self):
        return f"{self.document_id}/{self.round}/{self.position} {self.label}"

    @property
    def is_main(self) -> bool:
        return self.kind in self.MAIN_KINDS

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == self.Status.ACTIVE
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )

    @property
    def status_label(self) -> str:
        """The step's state as the office says it: an approved decision step is
        決裁 (代決 when the deputy decided), a consultation 同意, others 承認."""
        if self.status != self.Status.APPROVED:
            return self.get_status_display()
        return str(self.action_noun)

    @property
    def action_noun(self) -> str:
        """What approving this step is called: 決裁, 代決, 同意 or 承認."""
        if self.kind == self.Kind.DECISION:
            return str(
                _("代決") if self.capacity == self.Capacity.DEPUTY else _("決裁")
            )
        if self.kind == self.Kind.CONSULTATION:
            return str(_("同意"))
        return str(_("承認"))

    @property
    def seal_mark(self) -> str:
        """代決 / 代 / 後閲 marks shown on the seal."""
        if self.capacity == self.Capacity.DEPUTY:
            return str(_("代決"))
        if self.capacity == self.Capacity.PROXY:
            return str(_("代"))
        if self.kind == self.Kind.POST_REVIEW:
            return str(_("後閲"))
        return ""


class Participant(models.Model):
    """Who is connected with a document, kept up to date by the services so that
    visibility is one indexed lookup (see access.py)."""

    class Role(models.TextChoices):
        APPLICANT = "applicant", _("起案者")
        FILER = "filer", _("作成者")
        ROUTE = "route", _("回議ルート")
        CIRCULATION = "circulation", _("供覧先")

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="participants"
    )
    person = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "person", "role"], name="participant_once"
            )
        ]
        indexes = [models.Index(fields=["person", "role", "document"])]

    def __str__(self):
        return f"{self.document_id} {self.person_id} {self.role}"


class DelegationQuerySet(models.QuerySet):
    def active(self, day: datetime.date | None = None):
        day = day or timezone.localdate()
        return self.filter(
            Q(start_date__lte=day),
            Q(end_date__isnull=True) | Q(end_date__gte=day),
            revoked_at__isnull=True,
        )


class Delegation(models.Model):
    """代理承認 (a proxy acts for the principal in a date range) or a registered
    代決者 (a deputy who may decide when the principal is absent; 後閲 follows)."""

    class Kind(models.TextChoices):
        PROXY = "proxy", _("代理承認")
        DEPUTY = "deputy", _("代決者")

    principal = models.ForeignKey(
        PERSON,
        verbose_name=_("本人"),
        on_delete=models.PROTECT,
        related_name="delegations_given",
    )
    delegate = models.ForeignKey(
        PERSON,
        verbose_name=_("代理者"),
        on_delete=models.PROTECT,
        related_name="delegations_received",
    )
    kind = models.CharField(_("種別"), max_length=10, choices=Kind.choices)
    start_date = models.DateField(_("開始日"))
    end_date = models.DateField(_("終了日"), null=True, blank=True)
    note = models.CharField(_("備考"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        PERSON, verbose_name=_("登録者"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now)
    revoked_at = models.DateTimeField(_("取消日時"), null=True, blank=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("代理・代決の登録")
        verbose_name_plural = _("代理・代決の登録")
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["delegate", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="delegation_period",
            ),
            models.CheckConstraint(
                condition=~Q(principal=models.F("delegate")),
                name="delegation_not_self",
            ),
            models.CheckConstraint(
                condition=~Q(kind="proxy") | Q(end_date__isnull=False),
                name="proxy_has_end_date",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.principal} → {self.delegate}"


class DocumentSeries(models.Model):
    """A section's document-number series, e.g. 「千代総」 → 千代総第123号."""

    unit = models.OneToOneField(
        OrgUnit,
        verbose_name=_("課"),
        on_delete=models.PROTECT,
        related_name="document_series",
    )
    prefix = models.CharField(_("記号"), max_length=20)

    class Meta:
        verbose_name = _("文書番号の系列")
        verbose_name_plural = _("文書番号の系列")

    def __str__(self):
        return f"{self.prefix}（{self.unit}）"

    def label(self, number: int) -> str:
        return f"{self.prefix}第{number}号"


class SeriesCounter(models.Model):
    """The last number used in a ``series`` in a fiscal year (年度): one row per
    series and year, locked while a number is taken (``numbering.locked_counter``)."""

    fiscal_year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.series} {self.fiscal_year}: {self.last_number}"


class DocumentCounter(SeriesCounter):
    """文書番号: the last number of a series in a 年度."""

    series = models.ForeignKey(
        DocumentSeries, on_delete=models.PROTECT, related_name="counters"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["series", "fiscal_year"], name="counter_per_year"
            )
        ]


class LedgerEntry(models.Model):
    """One action, appended forever. ``entry_hash`` covers every field and the
    previous entry's hash, so `manage.py verify_ledger` finds any change."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("起案")
        RESUBMIT = "resubmit", _("再提出")
        APPROVE = "approve", _("承認")
        AGREE = "agree", _("合議（同意）")
        DECIDE = "decide", _("決裁")
        DECIDE_ON_BEHALF = "decide_on_behalf", _("代決")
        RETURN = "return", _("差戻し")
        REJECT = "reject", _("却下")
        PULL_BACK = "pull_back", _("引戻し")
        WITHDRAW = "withdraw", _("取下げ")
        ACKNOWLEDGE = "acknowledge", _("供覧（確認）")
        POST_REVIEW = "post_review", _("後閲")
        SKIP_ABSENT = "skip_absent", _("不在のため後閲")
        REASSIGN = "reassign", _("担当者の変更")
        SKIP_STEP = "skip_step", _("段階の省略（管理者）")
        ROUTE_BLOCKED = "route_blocked", _("在任者なしで停止")
        ESCALATE = "escalate", _("期限超過の報告")
        # 文書管理 (workflows.records)
        RECEIVE = "receive", _("収受")
        FILE = "file", _("分類・簿冊への編てつ")
        COMPLETE = "complete", _("完結")
        ISSUE = "issue", _("施行")
        SEAL = "seal", _("公印使用")
        CIRCULATE = "circulate", _("回覧")
        CORRECT = "correct", _("訂正")
        REGISTER_PAPER = "register_paper", _("紙決裁の登録")
        EXTEND = "extend", _("保存期間の延長")
        DESTROY = "destroy", _("廃棄")
        TRANSFER = "transfer", _("移管")

    sequence = models.PositiveBigIntegerField(unique=True)
    document = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        help_text="Empty for acts on no 起案 (a 収受, a 回覧 of a notice); "
        "``data`` then names what it concerns.",
    )
    action = models.CharField(_("操作"), max_length=30, choices=Action.choices)
    actor = models.ForeignKey(
        PERSON,
        verbose_name=_("操作者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_behalf_of = models.ForeignKey(
        PERSON,
        verbose_name=_("本来の担当者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("日時"))
    from_step = models.CharField(_("処理した段階"), max_length=100, blank=True)
    to_step = models.CharField(_("次の段階"), max_length=100, blank=True)
    comment = models.TextField(_("意見"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("処理履歴")
        verbose_name_plural = _("処理履歴")
        ordering = ["sequence"]
        indexes = [models.Index(fields=["document", "sequence"])]

    def __str__(self):
        return f"#{self.sequence} {self.get_action_display()}"


class LedgerHead(models.Model):
    """The last sequence and hash of the ledger: a deleted tail shows as a mismatch."""

    sequence = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64)

    def __str__(self):
        return f"#{self.sequence} {self.entry_hash[:12]}"


class SignedPdf(models.Model):
    """A decided document's PDF as signed at 決裁 (PAdES): every later download returns
    these bytes. A 訂正 makes a new revision, signed again; archive timestamps (B-LTA)
    are appended as incremental updates, leaving the signed bytes a prefix."""

    class Level(models.TextChoices):
        B_B = "B-B", "PAdES B-B"
        B_T = "B-T", "PAdES B-T"
        B_LT = "B-LT", "PAdES B-LT"
        B_LTA = "B-LTA", "PAdES B-LTA"

    document = models.ForeignKey(
        Document,
        verbose_name=_("文書"),
        on_delete=models.PROTECT,
        related_name="signed_pdfs",
    )
    revision = models.PositiveSmallIntegerField(_("版"), default=1)
    reason = models.CharField(_("署名の理由"), max_length=200)
    content = models.BinaryField()
    sha256 = models.CharField(
        max_length=64, db_index=True, help_text="SHA-256 of the bytes as signed."
    )
    level = models.CharField(_("署名の水準"), max_length=10, choices=Level.choices)
    signer = models.CharField(_("署名者"), max_length=300)
    signed_at = models.DateTimeField(_("署名日時"))
    archived_at = models.DateTimeField(
        _("アーカイブタイムスタンプ"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("署名済みPDF")
        verbose_name_plural = _("署名済みPDF")
        ordering = ["document", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "revision"], name="signed_pdf_revision_once"
            )
        ]

    def __str__(self):
        return f"{self.document.number_label} ({self.revision})"
