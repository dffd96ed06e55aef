from django.db import models
from django.utils.translation import gettext_lazy as _


class PageEntry(models.Model):
    """What the site search knows of one published page.

    ``title`` and ``body`` are the page's text as shown in results (NFKC, lines joined,
    white space squeezed); the ``*_tokens`` columns hold the bigram tokens
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
