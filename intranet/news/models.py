"""お知らせ: an index under the home page and its articles (categories, pinned)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from intranet.pages.models import RICH_TEXT_FEATURES, OwnedPageMixin
from intranet.pages.panels import CreationTokenPanel
from intranet.pages.text import html_to_text, join_text
from intranet.pages.visibility import viewable_by

NEWS_PER_PAGE = 20


class NewsIndexPage(Page):
    """The list of news, pinned first, newest first."""

    intro = RichTextField(_("説明"), blank=True, features=["bold", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsArticlePage"]
    max_count = 1

    class Meta:
        verbose_name = _("お知らせ一覧")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        category = request.GET.get("category", "")
        articles = viewable_by(
            NewsArticlePage.objects.child_of(self).live(), request.user
        )
        if category in NewsArticlePage.Category.values:
            articles = articles.filter(category=category)
        else:
            category = ""
        context["articles"] = articles.order_by("-pinned", "-date", "-pk")[
            :NEWS_PER_PAGE
        ]
        context["categories"] = NewsArticlePage.Category.choices
        context["category"] = category
        return context

    def search_text(self) -> str:
        return html_to_text(self.intro)


class NewsArticlePage(OwnedPageMixin, Page):
    """One news item. A pinned item stays at the top of the list and the dashboard."""

    class Category(models.TextChoices):
        NOTICE = "notice", _("お知らせ")
        DX = "dx", _("DX推進")
        SYSTEM = "system", _("システム")
        EVENT = "event", _("研修・イベント")

    date = models.DateField(_("掲載日"), default=timezone.localdate)
    category = models.CharField(
        _("分類"), max_length=20, choices=Category.choices, default=Category.NOTICE
    )
    pinned = models.BooleanField(
        _("上部に固定"),
        default=False,
        help_text=_("お知らせ一覧とホームの先頭に表示します。"),
    )
    lead = models.CharField(_("リード文"), max_length=250, blank=True)
    body = RichTextField(_("本文"), features=RICH_TEXT_FEATURES)

    content_panels = [
        *Page.content_panels,
        CreationTokenPanel(),
        FieldPanel("date"),
        FieldPanel("category"),
        FieldPanel("pinned"),
        FieldPanel("lead"),
        FieldPanel("body"),
    ]
    settings_panels = [*Page.settings_panels, *OwnedPageMixin.ownership_panels]
    parent_page_types = ["news.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("お知らせ")
        verbose_name_plural = _("お知らせ")

    def search_text(self) -> str:
        """Plain text of the lead and the body (for the site search)."""
        return join_text(self.lead, html_to_text(self.body))
