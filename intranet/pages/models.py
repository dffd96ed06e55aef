"""Standard content pages (手引き・規程・FAQ) and what every content page records:
its owner section and the date its content should be reviewed by."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from .panels import CreationTokenPanel
from .text import html_to_text, join_text, stream_to_text

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class OwnedPageMixin(models.Model):
    """A page that belongs to a section (所管課) and is reviewed by a date (見直し期日)."""

    owner_unit = models.ForeignKey(
        "directory.OrgUnit",
        verbose_name=_("所管課"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_date = models.DateField(
        _("見直し期日"),
        null=True,
        blank=True,
        help_text=_("この日を過ぎると、所管課の職員に見直しを促します。"),
    )

    ownership_panels = [
        MultiFieldPanel(
            [FieldPanel("owner_unit"), FieldPanel("review_date")],
            heading=_("所管と見直し"),
        )
    ]

    class Meta:
        abstract = True

    def is_stale(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.review_date is not None and self.review_date < day


class ContentBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("見出し"), form_classname="title")
    paragraph = blocks.RichTextBlock(label=_("本文"), features=RICH_TEXT_FEATURES)
    faq = blocks.StructBlock(
        [
            ("question", blocks.CharBlock(label=_("質問"))),
            (
                "answer",
                blocks.RichTextBlock(label=_("回答"), features=RICH_TEXT_FEATURES),
            ),
        ],
        label=_("よくある質問"),
        icon="help",
        template="pages/blocks/faq.html",
    )

    class Meta:
        template = "pages/blocks/stream.html"


class StandardPage(OwnedPageMixin, Page):  # noqa: DJ008 - Page has __str__
    """A guide, a rule or a FAQ page: a short lead and a body of blocks."""

    class Kind(models.TextChoices):
        GUIDE = "guide", _("手引き")
        RULE = "rule", _("規程・要領")
        FAQ = "faq", _("よくある質問")
        OTHER = "other", _("その他")

    kind = models.CharField(
        _("種類"), max_length=20, choices=Kind.choices, default=Kind.GUIDE
    )
    intro = RichTextField(_("概要"), blank=True, features=["bold", "link"])
    body = StreamField(ContentBlock(), verbose_name=_("本文"), blank=True)

    content_panels = [
        *Page.content_panels,
        CreationTokenPanel(),
        FieldPanel("kind"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    settings_panels = [*Page.settings_panels, *OwnedPageMixin.ownership_panels]
    parent_page_types = ["home.HomePage", "pages.StandardPage"]
    subpage_types = ["pages.StandardPage"]

    class Meta:
        verbose_name = _("案内ページ（手引き・規程・FAQ）")
        verbose_name_plural = _("案内ページ")

    def search_text(self) -> str:
        """Plain text of the lead and body, markup stripped (for the site search)."""
        return join_text(html_to_text(self.intro), stream_to_text(self.body))


class PageCreation(models.Model):
    """One editor form's page: the form carries a token, and the first request that
    claims it creates the page. A second request with the same token (a double
    submit, autosave racing 保存) finds that page instead of adding another (and
    failing on its slug)."""

    token = models.UUIDField(_("作成トークン"), unique=True)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("ページ"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)

    class Meta:
        verbose_name = _("ページの作成")
        verbose_name_plural = _("ページの作成")

    def __str__(self):
        return str(self.token)
