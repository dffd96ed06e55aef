"""The intranet's own proposal editor (提案を書く): the proposal's fields in the
intranet's layout, for PT members who do not know the CMS.

It writes what the CMS writes — a Wagtail revision of the ProposalPage — and
公開を申請する starts (or resumes) the page's Wagtail workflow, so the lead reviews it
the same way whichever editor was used, and nothing is published outside
moderation. The rich text is written as plain paragraphs: a blank line starts a new
paragraph, a line starting with 「・」 or 「- 」 is a bullet (stored as <p> and <ul>);
formatting beyond that is for the CMS.
"""

from __future__ import annotations

import html
import re
import secrets
import uuid

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import WorkflowState

from directory import roles
from directory.models import OrgUnit
from intranet.pages.models import PageCreation
from intranet.pages.text import html_to_text

from .models import ProposalIndexPage, ProposalPage

TITLE_MAX_CHARS = 255
TEXT_MAX_CHARS = 10_000
BULLETS = ("・", "- ", "* ", "• ")
_BLOCK = re.compile(r"<(p|li|h[1-6])[^>]*>(.*?)</\1>", re.S | re.I)


def text_to_html(text: str) -> str:
    """Plain paragraphs (blank-line separated; 「・」 lines as bullets) as rich text."""
    parts: list[str] = []
    for block in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith(BULLETS) for line in lines):
            items = "".join(
                f"<li>{html.escape(_unbullet(line), quote=False)}</li>"
                for line in lines
            )
            parts.append(f"<ul>{items}</ul>")
        else:
            body = "<br/>".join(html.escape(line, quote=False) for line in lines)
            parts.append(f"<p>{body}</p>")
    return "".join(parts)


def html_to_editable_text(value: str) -> str:
    """Stored rich text back as the editor's plain paragraphs and bullets."""
    blocks = []
    for tag, inner in _BLOCK.findall(value or ""):
        text = html_to_text(re.sub(r"<br\s*/?>", "\n", inner, flags=re.I))
        blocks.append(("・" + text) if tag.lower() == "li" else text)
    text, previous = "", ""
    for block in blocks:
        bullet = block.startswith("・")
        joiner = "\n" if bullet and previous.startswith("・") else "\n\n"
        text = f"{text}{joiner}{block}" if text else block
        previous = block
    return text if blocks else html_to_text(value)


def _unbullet(line: str) -> str:
    for bullet in BULLETS:
        if line.startswith(bullet):
            return line[len(bullet) :].strip()
    return line


class ProposalForm(forms.Form):
    """What a PT member writes. Limits are checked, never cut: the counter shows
    them and an over-long text comes back with a message, as typed."""

    title = forms.CharField(label=gettext_lazy("提案の題名"))
    problem = forms.CharField(
        label=gettext_lazy("現状の課題"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "空行で段落を分けます。「・」で始まる行は箇条書きになります。"
        ),
    )
    proposal = forms.CharField(
        label=gettext_lazy("提案内容"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    effect = forms.CharField(
        label=gettext_lazy("期待される効果"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    kpis = forms.CharField(
        label=gettext_lazy("KPI（成果指標）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("1行に1つずつ書いてください。"),
    )
    sections = forms.ModelMultipleChoiceField(
        label=gettext_lazy("関係する課"),
        queryset=OrgUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    owners = forms.ModelMultipleChoiceField(
        label=gettext_lazy("担当者"),
        queryset=ProposalPage._meta.get_field("owners").related_model.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("DX推進PTのメンバーから選びます。"),
    )
    tags = forms.CharField(
        label=gettext_lazy("タグ"),
        required=False,
        help_text=gettext_lazy(
            "読点（、）かカンマで区切ります。例: ペーパーレス、窓口"
        ),
    )
    creation_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    LIMITS = {
        "title": TITLE_MAX_CHARS,
        "problem": TEXT_MAX_CHARS,
        "proposal": TEXT_MAX_CHARS,
        "effect": TEXT_MAX_CHARS,
        "kpis": 2000,
        "tags": 255,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].queryset = OrgUnit.objects.filter(
            kind__in=["department", "section", "office"], valid_until__isnull=True
        ).order_by("sort_key", "id")
        self.fields["owners"].queryset = (
            self.fields["owners"]
            .queryset.model.objects.filter(is_active=True, groups__name=roles.DX_PT)
            .order_by("sort_key", "pk")
            .distinct()
        )
        self.fields["owners"].label_from_instance = lambda person: (
            person.get_full_name()
        )
        for name, limit in self.LIMITS.items():
            self.fields[name].widget.attrs.update({"data-maxchars": limit})
            self.fields[name].max_chars = limit

    def clean(self):
        cleaned = super().clean()
        for name, limit in self.LIMITS.items():
            value = cleaned.get(name) or ""
            if len(value) > limit:
                self.add_error(
                    name,
                    _("%(max)d文字以内で入力してください（いま%(count)d文字です）。")
                    % {"max": limit, "count": len(value)},
                )
        return cleaned

    def tag_names(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        return [name.strip() for name in re.split(r"[、,，]", raw) if name.strip()]

    @classmethod
    def initial_for(cls, page: ProposalPage) -> dict:
        return {
            "title": page.title,
            "problem": html_to_editable_text(page.problem),
            "proposal": html_to_editable_text(page.proposal),
            "effect": html_to_editable_text(page.effect),
            "kpis": page.kpis,
            "sections": list(page.sections.all()),
            "owners": list(page.owners.all()),
            "tags": "、".join(tag.name for tag in page.tags.all()),
        }


def _apply(page: ProposalPage, form: ProposalForm) -> None:
    data = form.cleaned_data
    page.title = data["title"].strip()
    page.draft_title = page.title
    page.problem = text_to_html(data["problem"])
    page.proposal = text_to_html(data["proposal"])
    page.effect = text_to_html(data["effect"])
    page.kpis = data["kpis"].strip()
    page.sections.set(list(data["sections"]))
    page.owners.set(list(data["owners"]))
    page.tags.set(form.tag_names())


def can_write_proposals(user) -> bool:
    index = ProposalIndexPage.objects.first()
    return bool(
        index
        and user.is_authenticated
        and index.permissions_for_user(user).can_add_subpage()
    )


def in_moderation(page: ProposalPage) -> bool:
    state = page.current_workflow_state
    return state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS


def _submit(page: ProposalPage, by) -> None:
    """公開を申請する: resume a request sent back for changes, else start one."""
    state = page.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user=by)
    else:
        page.get_workflow().start(page, by)


@transaction.atomic
def create_proposal(*, by, form: ProposalForm, submit: bool) -> ProposalPage:
    """A new proposal (a draft page and its first revision), submitted if asked.

    Idempotent per editor form (its ``creation_token``): a double submit, or a save
    racing another, returns the page the first one made instead of a second page
    or a duplicate slug.
    """
    index = ProposalIndexPage.objects.select_for_update().first()
    if index is None or not index.permissions_for_user(by).can_add_subpage():
        raise PermissionDenied
    token = form.cleaned_data.get("creation_token") or uuid.uuid4()
    try:
        with transaction.atomic():
            claim = PageCreation.objects.create(token=token, created_by=by)
    except IntegrityError:
        existing = PageCreation.objects.get(token=token)
        if existing.page_id is None or existing.created_by_id != by.pk:
            raise PermissionDenied from None
        return save_proposal(
            page=existing.page.specific, by=by, form=form, submit=submit
        )
    page = ProposalPage(
        slug=f"{timezone.localdate():%Y%m%d}-{secrets.token_hex(3)}",
        owner=by,
        live=False,
        title="",
    )
    _apply(page, form)
    index.add_child(instance=page)
    page.save_revision(user=by, log_action=True)
    claim.page = page
    claim.save(update_fields=["page"])
    if submit:
        _submit(page, by)
    return page


@transaction.atomic
def save_proposal(
    *, page: ProposalPage, by, form: ProposalForm, submit: bool
) -> ProposalPage:
    """A new revision of ``page`` from the editor, submitted if asked. The live
    page does not change until the lead publishes."""
    page = ProposalPage.objects.select_for_update().get(pk=page.pk)
    if not page.permissions_for_user(by).can_edit():
        raise PermissionDenied
    if in_moderation(page):
        raise EditorError(
            _("公開申請中のため編集できません。承認か修正依頼を待ってください。")
        )
    draft = page.get_latest_revision_as_object()
    _apply(draft, form)
    draft.save_revision(user=by, log_action=True)
    if submit:
        _submit(draft, by)
    return draft


class EditorError(Exception):
    def __init__(self, message=""):
        super().__init__(str(message))
        self.message = str(message)
