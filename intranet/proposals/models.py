"""DX提案: the DX PT's proposals, their status history, staff support and comments."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.rich_text import RichText

from directory import roles
from intranet.pages.models import RICH_TEXT_FEATURES, OwnedPageMixin
from intranet.pages.panels import CreationTokenPanel
from intranet.pages.text import html_to_text, join_text, stream_to_text

# A comment can be corrected by its author for this long after posting.
COMMENT_EDIT_WINDOW = datetime.timedelta(minutes=10)
COMMENT_MAX_CHARS = 2000


def richtext(value: str):
    """Stored rich text as the HTML a template shows (links and embeds expanded)."""
    return RichText(value) if value else ""


class Status(models.TextChoices):
    """The lifecycle of a proposal: 構想 → 検討中 → 試行 → 実施, or 見送り."""

    IDEA = "idea", _("構想")
    STUDY = "study", _("検討中")
    TRIAL = "trial", _("試行")
    ADOPTED = "adopted", _("実施")
    DROPPED = "dropped", _("見送り")


# Where each status may go next (見送り can be reopened for study).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.IDEA: (Status.STUDY, Status.DROPPED),
    Status.STUDY: (Status.TRIAL, Status.ADOPTED, Status.DROPPED),
    Status.TRIAL: (Status.ADOPTED, Status.DROPPED),
    Status.ADOPTED: (),
    Status.DROPPED: (Status.STUDY,),
}


class ProposalIndexPage(Page):
    """The DX PT's proposals, newest first, filterable by status and tag."""

    intro = RichTextField(_("説明"), blank=True, features=["bold", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["proposals.ProposalPage"]
    max_count = 1

    class Meta:
        verbose_name = _("DX提案一覧")

    def get_context(self, request, *args, **kwargs):
        from . import queries
        from .editor import can_write_proposals

        context = super().get_context(request, *args, **kwargs)
        status = request.GET.get("status", "")
        if status not in Status.values:
            status = ""
        tag = request.GET.get("tag", "")[:100]
        context["can_write"] = can_write_proposals(request.user)
        context["proposals"] = queries.proposal_list(
            request.user, parent=self, status=status, tag=tag
        )
        context["statuses"] = Status.choices
        context["status"] = status
        context["tag"] = tag
        return context

    def search_text(self) -> str:
        return html_to_text(self.intro)


class ProposalTag(TaggedItemBase):
    content_object = ParentalKey(
        "proposals.ProposalPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ProposalPage(OwnedPageMixin, Page):
    """One proposal: what is wrong, what to do, what it will change, and how to tell."""

    problem = RichTextField(_("現状の課題"), features=RICH_TEXT_FEATURES)
    proposal = RichTextField(_("提案内容"), blank=True, features=RICH_TEXT_FEATURES)
    effect = RichTextField(_("期待される効果"), blank=True, features=RICH_TEXT_FEATURES)
    kpis = models.TextField(
        _("KPI（成果指標）"), blank=True, help_text=_("1行に1つずつ書いてください。")
    )
    # The editor lists choices in full: keep them to a few hundred whatever the
    # size of the organisation (sections and departments in force; the PT's people).
    sections = ParentalManyToManyField(
        "directory.OrgUnit",
        verbose_name=_("関係する課"),
        blank=True,
        related_name="+",
        limit_choices_to={
            "kind__in": ["department", "section", "office"],
            "valid_until__isnull": True,
        },
    )
    owners = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("担当者"),
        blank=True,
        related_name="+",
        limit_choices_to={"is_active": True, "groups__name": roles.DX_PT},
        help_text=_("DX推進PTのメンバーから選びます。"),
    )
    tags = ClusterTaggableManager(
        through=ProposalTag, verbose_name=_("タグ"), blank=True
    )
    # Changed only through services.change_status (kept across revisions, see
    # with_content_json), never in the page editor.
    status = models.CharField(
        _("状態"), max_length=20, choices=Status.choices, default=Status.IDEA
    )
    document = models.ForeignKey(
        "workflows.Document",
        verbose_name=_("起案文書"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    # A copy starts as a new idea, without the original's 起案.
    exclude_fields_in_copy = ["status", "document"]

    content_panels = [
        *Page.content_panels,
        CreationTokenPanel(),
        FieldPanel("problem"),
        FieldPanel("proposal"),
        FieldPanel("effect"),
        FieldPanel("kpis"),
        MultiFieldPanel(
            [
                # Tick boxes, not a multiple select that needs Ctrl-click.
                FieldPanel("sections", widget=forms.CheckboxSelectMultiple),
                FieldPanel("owners", widget=forms.CheckboxSelectMultiple),
                FieldPanel("tags"),
            ],
            heading=_("関係課・担当者・タグ"),
        ),
    ]
    settings_panels = [*Page.settings_panels, *OwnedPageMixin.ownership_panels]
    parent_page_types = ["proposals.ProposalIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("DX提案")
        verbose_name_plural = _("DX提案")

    def with_content_json(self, content):
        """A revision carries the editor's fields; the status and the linked 起案
        belong to the live row (they change outside the editor)."""
        page = super().with_content_json(content)
        page.status = self.status
        page.document_id = self.document_id
        return page

    def get_context(self, request, *args, **kwargs):
        from . import queries

        context = super().get_context(request, *args, **kwargs)
        context.update(queries.proposal_detail(proposal=self, user=request.user))
        return context

    def intranet_edit_url(self) -> str:
        """Where the author edits it: the intranet's editor (提案を書く)."""
        return reverse("proposal_editor:edit", args=[self.pk])

    def review_sections(self) -> list[tuple[str, str, bool]]:
        """What the lead reads before 公開する (intranet/pages/views.review)."""
        sections = [
            (_("現状の課題"), richtext(self.problem), True),
            (_("提案内容"), richtext(self.proposal), True),
            (_("期待される効果"), richtext(self.effect), True),
            (_("KPI（成果指標）"), "\n".join(self.kpi_list()), False),
            (
                _("関係する課"),
                "、".join(unit.name for unit in self.sections.all()),
                False,
            ),
            (
                _("担当者"),
                "、".join(person.get_full_name() for person in self.owners.all()),
                False,
            ),
        ]
        return [section for section in sections if section[1]]

    def kpi_list(self) -> list[str]:
        return [line.strip() for line in self.kpis.splitlines() if line.strip()]

    def search_text(self) -> str:
        """Problem, proposal, effect, KPIs and tags as plain text (for the site search)."""
        return join_text(
            html_to_text(self.problem),
            html_to_text(self.proposal),
            html_to_text(self.effect),
            stream_to_text(self.kpi_list()),
            " ".join(tag.name for tag in self.tags.all()),
        )


class StatusChange(models.Model):
    """One step in a proposal's status history (shown on the page)."""

    proposal = models.ForeignKey(
        ProposalPage, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(
        _("変更前"), max_length=20, choices=Status.choices, blank=True
    )
    to_status = models.CharField(_("変更後"), max_length=20, choices=Status.choices)
    note = models.CharField(_("メモ"), max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("変更者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("変更日時"), default=timezone.now)

    class Meta:
        verbose_name = _("状態の変更")
        verbose_name_plural = _("状態の変更履歴")
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.proposal_id}: {self.from_status} → {self.to_status}"


class Support(models.Model):
    """賛同: one per person and proposal (held by the database)."""

    proposal = models.ForeignKey(
        ProposalPage, on_delete=models.CASCADE, related_name="supports"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("賛同")
        verbose_name_plural = _("賛同")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "person"], name="one_support_per_person"
            )
        ]

    def __str__(self):
        return f"{self.person_id} → {self.proposal_id}"


class CommentQuerySet(models.QuerySet):
    def shown(self):
        return self.filter(hidden_at__isnull=True)


class Comment(models.Model):
    """A staff comment on a proposal; a reply sits under a top-level comment."""

    proposal = models.ForeignKey(
        ProposalPage, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("返信先"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("投稿者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("コメント"), max_length=COMMENT_MAX_CHARS)
    created_at = models.DateTimeField(_("投稿日時"), default=timezone.now)
    edited_at = models.DateTimeField(_("編集日時"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("非表示にした日時"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("非表示にした人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("コメント")
        verbose_name_plural = _("コメント")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["proposal", "created_at"])]

    def __str__(self):
        return self.body[:40]

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    def editable_until(self) -> datetime.datetime:
        return self.created_at + COMMENT_EDIT_WINDOW

    def can_edit(self, user, now: datetime.datetime | None = None) -> bool:
        """The author, within the edit window, while the comment is shown."""
        now = now or timezone.now()
        return (
            user.pk == self.author_id
            and not self.is_hidden
            and now < self.editable_until()
        )


class CommentReport(models.Model):
    """通報: someone thinks a comment breaks the rules; the PT decides."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("通報者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("理由"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("通報日時"), default=timezone.now)
    resolved_at = models.DateTimeField(_("対応日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("コメントの通報")
        verbose_name_plural = _("コメントの通報")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"], name="one_report_per_person"
            )
        ]

    def __str__(self):
        return f"{self.reporter_id} → {self.comment_id}"
