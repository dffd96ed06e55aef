"""Forms for the approval screens. Validation that needs the database stays in services."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Membership, OrgUnit, Person
from directory.text import normalize_name, query_words
from intranet.core.dates import parse_fiscal_year
from intranet.core.text import SingleLineField

from .attachments import ACCEPT
from .models import Delegation, Document, DocumentType, Retention
from .routing import owner_section
from .search import matching_any


def find_person(text: str) -> Person:
    """A person by user ID, employee number or a name that matches exactly one person."""
    text = (text or "").strip()
    if not text:
        raise forms.ValidationError(_("職員を入力してください。"))
    active = Person.objects.filter(is_active=True)
    exact = active.filter(Q(username=text) | Q(employee_number=text)).first()
    if exact:
        return exact
    terms = normalize_name(text).split()
    matches = active
    for term in terms:
        matches = matches.filter(search_text__contains=term)
    found = list(matches[:6])
    if len(found) == 1:
        return found[0]
    if not found:
        raise forms.ValidationError(_("該当する職員がいません。"))
    raise forms.ValidationError(
        _("候補が複数あります（%(names)s）。ユーザーIDで指定してください。")
        % {"names": "、".join(f"{p.full_name}（{p.username}）" for p in found[:5])}
    )


class PersonField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault(
            "help_text", _("ユーザーID、職員番号または氏名（ひらがな・ローマ字可）")
        )
        super().__init__(**kwargs)

    def clean(self, value):
        return find_person(super().clean(value))


class DocumentForm(forms.Form):
    title = SingleLineField(label=_("件名"), max_length=200)
    document_type = forms.ModelChoiceField(
        label=_("文書分類"), queryset=DocumentType.objects.none(), empty_label=None
    )
    body = forms.CharField(
        label=_("本文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "data-rich-text": "true"}),
        help_text=_("太字・箇条書き・見出し・表を使えます。"),
    )
    amount = forms.IntegerField(
        label=_("金額（円）"),
        required=False,
        min_value=0,
        max_value=10**15,
        help_text=_("支出を伴う文書では必須です。"),
    )
    retention_years = forms.TypedChoiceField(
        label=_("保存年限"), choices=Retention.choices, coerce=int
    )
    confidential = forms.BooleanField(
        label=_("秘（回議ルート上の職員と監査担当だけが閲覧）"), required=False
    )
    applicant = forms.ModelChoiceField(
        label=_("起案者"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("同じ課の職員の代理で起案するとき（代理起案）に選びます。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, document: Document | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        types = DocumentType.objects.filter(is_active=True)
        if document is not None:
            types = DocumentType.objects.filter(
                Q(is_active=True) | Q(pk=document.document_type_id)
            )
        self.fields["document_type"].queryset = types
        if document is not None:
            del self.fields["applicant"]
            return
        membership = user.primary_membership() if user else None
        if membership is None:
            del self.fields["applicant"]
            return
        section = owner_section(membership.unit)
        colleagues = Person.objects.filter(
            is_active=True,
            memberships__in=Membership.objects.on().filter(
                is_primary=True, unit__path__startswith=section.path
            ),
        ).distinct()
        self.fields["applicant"].queryset = colleagues
        self.fields["applicant"].initial = user.pk

    def clean(self):
        data = super().clean()
        document_type = data.get("document_type")
        if (
            document_type
            and document_type.requires_amount
            and data.get("amount") is None
        ):
            self.add_error("amount", _("この文書分類では金額を入力してください。"))
        return data


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("意見・理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    step = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReturnForm(CommentForm):
    to_step = forms.TypedChoiceField(label=_("差戻し先"), coerce=int, required=False)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_step"].choices = [(0, _("起案者"))] + [
            (step.pk, f"{step.label}（{step.acted_by or step.assignee or ''}）")
            for step in targets
        ]


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("添付ファイル"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


class VerifyPdfForm(forms.Form):
    file = forms.FileField(
        label=_("確認するPDF"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.APPROVALS["ATTACHMENT_MAX_MB"] * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(
                _("%(mb)sMBを超えるファイルは確認できません。")
                % {"mb": settings.APPROVALS["ATTACHMENT_MAX_MB"]}
            )
        head = upload.read(1024)
        upload.seek(0)
        if b"%PDF-" not in head:
            raise forms.ValidationError(_("PDFファイルを選んでください。"))
        return upload


class ConsultationForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("合議先の課"), queryset=OrgUnit.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            OrgUnit.objects.on(timezone.localdate())
            .filter(kind__in=[OrgUnit.Kind.SECTION, OrgUnit.Kind.OFFICE])
            .order_by("sort_key", "id")
        )


class CirculationForm(forms.Form):
    person = PersonField(label=_("供覧先の職員"))


class ReassignForm(forms.Form):
    person = PersonField(label=_("新しい担当者"))
    reason = forms.CharField(label=_("理由"), max_length=500)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500)


class DelegationForm(forms.Form):
    delegate = PersonField(label=_("代理者"))
    kind = forms.ChoiceField(label=_("種別"), choices=Delegation.Kind.choices)
    start_date = forms.DateField(
        label=_("開始日"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("終了日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("代理承認は必須。代決者は空欄で期限なし。"),
    )
    note = forms.CharField(label=_("備考"), required=False, max_length=200)


class DocumentFilterForm(forms.Form):
    q = forms.CharField(label=_("キーワード"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("状態"),
        required=False,
        choices=[("", _("すべて")), *list(Document.State.choices)],
    )
    document_type = forms.ModelChoiceField(
        label=_("文書分類"),
        required=False,
        queryset=DocumentType.objects.all(),
        empty_label=_("すべて"),
    )
    fiscal_year = forms.CharField(
        label=_("年度"),
        required=False,
        max_length=20,
        help_text=_("令和8、R8、2026 のいずれの形でも入力できます。"),
    )
    decided_from = forms.DateField(
        label=_("決裁日（から）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    decided_until = forms.DateField(
        label=_("決裁日（まで）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_fiscal_year(self) -> int | None:
        value = self.cleaned_data["fiscal_year"].strip()
        if not value:
            return None
        try:
            return parse_fiscal_year(value)
        except ValueError:
            raise forms.ValidationError(
                _("年度は「令和8」「R8」「2026」のように入力してください。"),
                code="fiscal_year",
            ) from None

    def filter(self, documents):
        if not self.is_valid():
            return documents.none()
        data = self.cleaned_data
        for word_forms in query_words(data.get("q") or "")[:5]:
            documents = documents.filter(matching_any(word_forms))
        if data.get("state"):
            documents = documents.filter(state=data["state"])
        if data.get("document_type"):
            documents = documents.filter(document_type=data["document_type"])
        if data.get("fiscal_year"):
            documents = documents.filter(fiscal_year=data["fiscal_year"])
        if data.get("decided_from"):
            documents = documents.filter(decided_at__date__gte=data["decided_from"])
        if data.get("decided_until"):
            documents = documents.filter(decided_at__date__lte=data["decided_until"])
        return documents
