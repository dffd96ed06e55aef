from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The staff front page: a greeting and the way into each part of the intranet."""

    intro = RichTextField(_("ごあいさつ"), blank=True, features=["bold", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "news.NewsIndexPage",
        "proposals.ProposalIndexPage",
        "surveys.SurveyIndexPage",
        "pages.StandardPage",
    ]

    class Meta:
        verbose_name = _("ホームページ")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["today"] = timezone.localdate()
        if request.user.is_authenticated:
            from .dashboard import dashboard_for

            context.update(dashboard_for(request.user))
        return context
