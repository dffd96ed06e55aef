"""職員アンケート: Wagtail form pages. The DX PT reads and exports the answers
(CSV / Excel) in the CMS (フォーム → アンケート名); nobody else can.

One answer per person: who has answered is recorded apart from the answers
(``SurveyRespondent``: survey, person, when — no link to the submission), so the PT's
export stays anonymous while nobody can answer twice (a database constraint). Both
times are kept to the minute only, so neither can be matched to the other or to the
request log; the export shows them in Asia/Tokyo (``exports``).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.forms import FormBuilder
from wagtail.contrib.forms.models import (
    AbstractEmailForm,
    AbstractFormField,
    FormSubmission,
)
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from intranet.pages.models import OwnedPageMixin
from intranet.pages.panels import CreationTokenPanel
from intranet.pages.text import html_to_text, join_text
from intranet.pages.visibility import viewable_by


class SurveyIndexPage(Page):
    """Open staff surveys."""

    intro = RichTextField(_("説明"), blank=True, features=["bold", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["surveys.SurveyPage"]
    max_count = 1

    class Meta:
        verbose_name = _("アンケート一覧")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["surveys"] = viewable_by(
            SurveyPage.objects.child_of(self).live(), request.user
        ).order_by("-first_published_at")
        return context

    def search_text(self) -> str:
        return html_to_text(self.intro)


def to_the_minute(moment=None):
    return (moment or timezone.now()).replace(second=0, microsecond=0)


class SurveyFormBuilder(FormBuilder):
    """A drop-down starts on 「選択してください」, not on the first answer: an answer
    nobody chose must not be counted."""

    def create_dropdown_field(self, field, options):
        options["choices"] = [
            ("", _("選択してください")),
            *self.get_formatted_field_choices(field),
        ]
        return forms.ChoiceField(**options)


class SurveyFormField(AbstractFormField):
    page = ParentalKey(
        "surveys.SurveyPage", on_delete=models.CASCADE, related_name="form_fields"
    )


class SurveyPage(OwnedPageMixin, AbstractEmailForm):
    """A staff survey: questions built in the CMS, answers stored as submissions."""

    intro = RichTextField(_("説明"), blank=True, features=["bold", "link", "ul"])
    thank_you_text = RichTextField(
        _("回答後のメッセージ"), blank=True, features=["bold", "link"]
    )

    content_panels = [
        FormSubmissionsPanel(),
        *AbstractEmailForm.content_panels,
        CreationTokenPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("質問")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading=_("回答の通知メール（任意）"),
        ),
    ]
    settings_panels = [*Page.settings_panels, *OwnedPageMixin.ownership_panels]
    form_builder = SurveyFormBuilder
    parent_page_types = ["surveys.SurveyIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("職員アンケート")
        verbose_name_plural = _("職員アンケート")

    def respondent(self, user) -> SurveyRespondent | None:
        if not getattr(user, "is_authenticated", False):
            return None
        return SurveyRespondent.objects.filter(survey=self, person=user).first()

    def serve(self, request, *args, **kwargs):
        answered = self.respondent(request.user)
        if answered is None:
            try:
                return super().serve(request, *args, **kwargs)
            except IntegrityError:  # the same person answered in another tab meanwhile
                answered = self.respondent(request.user)
        context = self.get_context(request, *args, **kwargs)
        context["answered"] = answered
        return TemplateResponse(request, self.get_template(request), context)

    def get_submissions_list_view_class(self):
        from .exports import SurveySubmissionsListView

        return SurveySubmissionsListView

    def process_form_submission(self, form):
        with transaction.atomic():
            SurveyRespondent.objects.create(survey=self, person=form.user)
            submission = super().process_form_submission(form)
            # submit_time is auto_now_add: written, then cut to the minute.
            submission.submit_time = to_the_minute(submission.submit_time)
            FormSubmission.objects.filter(pk=submission.pk).update(
                submit_time=submission.submit_time
            )
            return submission

    def search_text(self) -> str:
        """The survey's description and its questions (for the site search)."""
        questions = self.form_fields.all()
        # Each label and help text a block of its own (no phrase across them).
        return join_text(
            html_to_text(self.intro),
            *(text for field in questions for text in (field.label, field.help_text)),
        )


class SurveyRespondent(models.Model):
    """Who has answered a survey, and when — not what (the answers stay anonymous)."""

    survey = models.ForeignKey(
        SurveyPage,
        verbose_name=_("アンケート"),
        on_delete=models.CASCADE,
        related_name="respondents",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("回答日時"), default=to_the_minute)

    class Meta:
        verbose_name = _("回答済みの職員")
        verbose_name_plural = _("回答済みの職員")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "person"], name="one_answer_per_person"
            )
        ]

    def __str__(self):
        return f"{self.survey} / {self.person}"
