import re

from django.db import models
from django.utils.translation import gettext_lazy as _


class PageEntry(models.Model):
    """What the site search knows of one published page.

    ``title`` and ``body`` are the page's text as written, shown in results (lines
    broken inside a block joined, blocks apart); the ``*_tokens`` columns hold the bigram tokens
    (``tokens.index_tokens``) that the database's own full-text index reads: an FTS5
    table kept in step by triggers on SQLite, generated ``tsvector`` columns with a GIN
    index on PostgreSQL (``index.ensure_schema``).
    """

    page = models.OneToOneField(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
        verbose_name=_("ページ"),
    )
    title = models.TextField(_("タイトル"))
    body = models.TextField(_("本文"), blank=True)
    section = models.CharField(_("掲載場所"), max_length=255, blank=True)
    title_tokens = models.TextField(blank=True)
    body_tokens = models.TextField(blank=True)
    indexed_at = models.DateTimeField(_("索引作成日時"), auto_now=True)

    class Meta:
        verbose_name = _("検索索引（ページ）")
        verbose_name_plural = _("検索索引（ページ）")

    def __str__(self):
        return self.title


class Synonym(models.Model):
    """Words the site search treats as one (子ども 子供 こども), kept by the editors.

    Applied to the query when searching, so a change takes effect at once without
    re-indexing any page."""

    words = models.CharField(
        _("同じ意味で検索する語"),
        max_length=500,
        help_text=_(
            "「子ども 子供 こども」のように、同じ意味で検索したい語を空白または読点（、）で"
            "区切って2語以上入力してください。どの語で検索しても、すべての語を含むページが"
            "見つかります。"
        ),
    )
    note = models.CharField(_("メモ"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("検索の同義語")
        verbose_name_plural = _("検索の同義語")
        ordering = ["words"]

    def __str__(self):
        return self.words

    def clean(self):
        from django.core.exceptions import ValidationError

        if len(self.word_list()) < 2:
            raise ValidationError(
                {
                    "words": _(
                        "同じ意味の語を2語以上、空白または読点で区切って入力してください。"
                    )
                }
            )

    def word_list(self) -> list[str]:
        """The words as entered, each once (separated by spaces, 、 or ,)."""
        words = []
        for word in _SEPARATORS.split(self.words or ""):
            if word and word not in words:
                words.append(word)
        return words


_SEPARATORS = re.compile(r"[\s、,，]+")
