"""提案を書く: the intranet's editor writes Wagtail revisions and submits to the same
workflow; creating a page (here or in the CMS) is idempotent per form."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState

from intranet.notifications.kinds import Kind
from intranet.notifications.models import Notification
from intranet.pages.models import PageCreation
from intranet.proposals.editor import html_to_editable_text, text_to_html
from intranet.proposals.models import ProposalPage
from tests.content.test_publishing import add_url, proposal_form

pytestmark = pytest.mark.django_db

WRITE = "/proposals/write/"


def form(office, pt, **extra):
    return {
        "title": "窓口の呼出し表示",
        "problem": "待ち時間が分からない。\n\n・番号札が紙\n・呼出しは口頭",
        "proposal": "呼出し表示をモニターにします。",
        "effect": "",
        "kpis": "問合せ件数: 半減",
        "sections": [office.units.koseki.pk],
        "owners": [pt.member.pk],
        "tags": "窓口、表示",
        "creation_token": str(uuid.uuid4()),
        **extra,
    }


def test_the_pt_finds_write_a_proposal(client, pt, site, applicant):
    client.force_login(pt.member)
    assert 'data-testid="write-proposal"' in client.get("/proposals/").content.decode()
    assert 'data-testid="home-write-proposal"' in client.get("/").content.decode()
    editor = client.get(WRITE).content.decode()
    assert 'data-testid="proposal-editor"' in editor
    assert 'name="creation_token"' in editor
    client.force_login(applicant)
    assert (
        'data-testid="write-proposal"' not in client.get("/proposals/").content.decode()
    )
    assert client.get(WRITE).status_code == 403


def test_writing_and_submitting_goes_to_the_lead(client, office, pt, site):
    client.force_login(pt.member)
    response = client.post(WRITE, {**form(office, pt), "action": "submit"})
    page = ProposalPage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("proposal_editor:edit", args=[page.pk])
    assert not page.live  # nothing is published outside moderation
    assert page.owner == pt.member
    assert page.slug.isascii()
    assert WorkflowState.objects.get().status == WorkflowState.STATUS_IN_PROGRESS
    draft = page.get_latest_revision_as_object()
    assert draft.problem == (
        "<p>待ち時間が分からない。</p><ul><li>番号札が紙</li><li>呼出しは口頭</li></ul>"
    )
    assert [unit.pk for unit in draft.sections.all()] == [office.units.koseki.pk]
    assert [person.pk for person in draft.owners.all()] == [pt.member.pk]
    assert sorted(tag.name for tag in draft.tags.all()) == ["窓口", "表示"]
    note = Notification.objects.get(recipient=pt.lead, kind=Kind.PAGE_REVIEW)
    assert note.url == reverse("pages:review", args=[page.pk])


def test_the_same_form_twice_makes_one_proposal(client, office, pt, site):
    client.force_login(pt.member)
    data = {**form(office, pt), "action": "save"}
    client.post(WRITE, data)
    client.post(WRITE, {**data, "proposal": "二度目の内容"})
    page = ProposalPage.objects.get()
    assert PageCreation.objects.get().page_id == page.pk
    assert "二度目の内容" in page.get_latest_revision_as_object().proposal


def test_limits_are_refused_with_a_message_and_nothing_is_cut(client, office, pt, site):
    client.force_login(pt.member)
    title = "長" * 256
    response = client.post(WRITE, {**form(office, pt, title=title), "action": "save"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "255文字以内で入力してください（いま256文字です）。" in html
    assert title in html  # what was typed comes back whole
    assert not ProposalPage.objects.exists()


def test_changes_requested_then_resubmitted_from_the_editor(client, office, pt, site):
    client.force_login(pt.member)
    client.post(WRITE, {**form(office, pt), "action": "submit"})
    page = ProposalPage.objects.get()
    client.force_login(pt.lead)
    client.post(
        reverse("pages:review", args=[page.pk]),
        {"action": "request_changes", "comment": "費用を書いてください。"},
    )
    client.force_login(pt.member)
    edit = reverse("proposal_editor:edit", args=[page.pk])
    html = client.get(edit).content.decode()
    assert "費用を書いてください。" in html
    assert "呼出し表示をモニターにします。" in html  # the form holds the draft
    client.post(edit, {**form(office, pt, effect="費用: 30万円"), "action": "submit"})
    assert WorkflowState.objects.get().status == WorkflowState.STATUS_IN_PROGRESS
    assert (
        Notification.objects.filter(recipient=pt.lead, kind=Kind.PAGE_REVIEW).count()
        == 2
    )
    client.force_login(pt.lead)
    client.post(reverse("pages:review", args=[page.pk]), {"action": "publish"})
    page.refresh_from_db()
    assert page.live and "30万円" in page.effect


def test_editing_is_closed_while_in_moderation(client, office, pt, site):
    client.force_login(pt.member)
    client.post(WRITE, {**form(office, pt), "action": "submit"})
    page = ProposalPage.objects.get()
    edit = reverse("proposal_editor:edit", args=[page.pk])
    response = client.post(
        edit, {**form(office, pt, title="横から変更"), "action": "save"}
    )
    assert "公開申請中のため編集できません。" in response.content.decode()
    assert page.get_latest_revision_as_object().title == "窓口の呼出し表示"


def test_paragraphs_round_trip():
    text = "一段落目\n二行目\n\n・項目A\n・項目B\n\n<script>は文字"
    stored = text_to_html(text)
    assert stored == (
        "<p>一段落目<br/>二行目</p><ul><li>項目A</li><li>項目B</li></ul>"
        "<p>&lt;script&gt;は文字</p>"
    )
    assert html_to_editable_text(stored) == text


def test_the_cms_add_view_creates_once_per_form(client, pt, site):
    """Autosave's request and the submit carry the same token: the second finds
    the page the first made (a 307 to its edit view) instead of failing on the slug."""
    client.force_login(pt.member)
    editor = client.get(add_url(site.proposals)).content.decode()
    assert 'name="creation_token"' in editor
    token = str(uuid.uuid4())
    first = client.post(
        add_url(site.proposals), {**proposal_form("自動保存"), "creation_token": token}
    )
    page = ProposalPage.objects.get()
    assert first.status_code == 302
    second = client.post(
        add_url(site.proposals),
        {
            **proposal_form("自動保存", **{"action-submit": "1"}),
            "creation_token": token,
        },
    )
    assert second.status_code == 307
    assert second["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert ProposalPage.objects.count() == 1
    followed = client.post(
        second["Location"],
        {
            **proposal_form("自動保存", **{"action-submit": "1"}),
            "creation_token": token,
        },
    )
    assert followed.status_code == 302
    assert ProposalPage.objects.get().workflow_in_progress


def test_a_refused_cms_form_frees_its_token(client, pt, site):
    client.force_login(pt.member)
    token = str(uuid.uuid4())
    data = {**proposal_form("題名あり"), "creation_token": token, "title": ""}
    client.post(add_url(site.proposals), {**data, "action-submit": "1"})
    assert not PageCreation.objects.exists()
    client.post(add_url(site.proposals), {**data, "title": "直した"})
    assert ProposalPage.objects.get().title == "直した"


def test_the_editor_marks_required_fields_only(client, pt, site):
    """必須 beside 提案の題名 and 現状の課題, and nowhere else."""
    client.force_login(pt.member)
    page = client.get(WRITE).content.decode()
    marks = re.findall(
        r'<label for="id_(\w+)">[^<]*<span class="required" data-testid="required-mark">',
        page,
    )
    assert marks == ["title", "problem"]
