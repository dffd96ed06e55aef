from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import OrgUnit, Person
from intranet.core.dates import fiscal_year, fiscal_year_label
from workflows.attachments import ACCEPT
from workflows.models import DocumentType, Retention

from .models import Classification, ClassificationTable, IncomingDocument, Issuance


def retention_field() -> forms.TypedChoiceField:
    """保存期間: the 分類's standard unless chosen."""
    return forms.TypedChoiceField(
        label=_("保存期間"),
        choices=[("", _("分類の標準")), *Retention.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )


def _leaves():
    table = ClassificationTable.objects.in_force(fiscal_year())
    if table is None:
        return Classification.objects.none()
    return table.classifications.filter(level=Classification.Level.MINOR)


class IncomingForm(forms.Form):
    received_on = forms.DateField(
        label=_("収受日"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    channel = forms.ChoiceField(
        label=_("収受方法"), choices=IncomingDocument.Channel.choices
    )
    sender = forms.CharField(label=_("差出人"), max_length=200)
    title = forms.CharField(label=_("件名"), max_length=200)
    section = forms.ModelChoiceField(
        label=_("担当課"),
        queryset=OrgUnit.objects.filter(kind__in=("section", "office")).order_by(
            "sort_key", "id"
        ),
    )
    assignee = forms.ModelChoiceField(
        label=_("担当者"),
        queryset=Person.objects.filter(is_active=True),
        required=False,
    )
    classification = forms.ModelChoiceField(
        label=_("分類"), queryset=Classification.objects.none(), required=False
    )
    retention_years = retention_field()
    confidential = forms.BooleanField(label=_("秘"), required=False)
    upload = forms.FileField(
        label=_("スキャン・ファイル"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classification"].queryset = _leaves()


class RegisterFilterForm(forms.Form):
    fiscal_year = forms.IntegerField(
        label=_("年度（西暦）"), min_value=1990, max_value=2999, initial=fiscal_year
    )


class CircularForm(forms.Form):
    subject = forms.CharField(label=_("件名"), max_length=200)
    message = forms.CharField(label=_("内容"), widget=forms.Textarea, required=False)
    people = forms.ModelMultipleChoiceField(
        label=_("回覧先（職員）"),
        queryset=Person.objects.filter(is_active=True),
        required=False,
    )
    units = forms.ModelMultipleChoiceField(
        label=_("回覧先（組織）"),
        queryset=OrgUnit.objects.order_by("sort_key", "id"),
        required=False,
    )


class IssuanceForm(forms.Form):
    issued_on = forms.DateField(
        label=_("施行日"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    destination = forms.CharField(label=_("施行先"), max_length=200)
    method = forms.ChoiceField(label=_("発送方法"), choices=Issuance.Method.choices)
    seal_name = forms.CharField(
        label=_("使用する公印"),
        max_length=60,
        required=False,
        help_text=_("例: 区長印。空欄のときは公印を使用しません"),
    )


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("訂正の理由"), widget=forms.Textarea(attrs={"rows": 2})
    )
    content = forms.CharField(
        label=_("訂正の内容"), widget=forms.Textarea(attrs={"rows": 4})
    )


class PaperDecisionForm(forms.Form):
    """紙決裁の登録: a document decided on paper, for a complete register."""

    title = forms.CharField(label=_("件名"), max_length=200)
    applicant = forms.ModelChoiceField(
        label=_("起案者"),
        queryset=Person.objects.filter(is_active=True).order_by("sort_key", "id"),
    )
    document_type = forms.ModelChoiceField(
        label=_("文書の種類"), queryset=DocumentType.objects.all()
    )
    decided_on = forms.DateField(
        label=_("決裁日"), widget=forms.DateInput(attrs={"type": "date"})
    )
    classification = forms.ModelChoiceField(
        label=_("分類"),
        queryset=Classification.objects.none(),
        required=False,
        help_text=_("決裁日の年度の文書分類表から選んでください"),
    )
    retention_years = retention_field()
    confidential = forms.BooleanField(label=_("秘"), required=False)
    scan = forms.FileField(
        label=_("決裁文書のスキャン"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classification"].queryset = (
            Classification.objects.filter(
                level=Classification.Level.MINOR,
                table__in=ClassificationTable.objects.published(),
            )
            .select_related("table")
            .order_by("-table__fiscal_year", "code")
        )
        self.fields["classification"].label_from_instance = lambda leaf: (
            f"{fiscal_year_label(leaf.table.fiscal_year)} {leaf}"
        )

    def clean(self):
        data = super().clean()
        leaf, decided_on = data.get("classification"), data.get("decided_on")
        if leaf is not None and decided_on is not None:
            # Before the first table, the first table serves.
            published = ClassificationTable.objects.published()
            table = published.in_force(fiscal_year(decided_on)) or (
                published.order_by("fiscal_year").first()
            )
            if table is None or leaf.table_id != table.pk:
                self.add_error(
                    "classification",
                    _("決裁日の年度の文書分類表にある分類を選んでください。"),
                )
        return data
