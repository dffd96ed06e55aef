"""起案にする: an adopted proposal becomes a 起案 draft, linked both ways."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from intranet.core.links import absolute_url
from intranet.proposals.models import ProposalPage, Status
from tests.workflows.conftest import rules, zaisei  # noqa: F401 - fixtures
from workflows.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def adopted(make_proposal, pt):
    from intranet.proposals import services

    proposal = make_proposal(
        title="窓口申請書の押印廃止",
        proposal="<p>署名で足りるようにします。</p>",
        effect="<p>出直しがなくなります。</p>",
        kpis="押印を求める申請書: 0件\n出直し件数: 0件",
    )
    for status in (Status.STUDY, Status.ADOPTED):
        services.change_status(proposal=proposal, to=status, by=pt.lead)
    return ProposalPage.objects.get(pk=proposal.pk)


def test_the_pt_turns_a_proposal_into_a_linked_draft(client, rules, pt, adopted):  # noqa: F811
    client.force_login(pt.member)
    page = client.get(adopted.url).content.decode()
    assert 'data-testid="make-draft"' in page
    response = client.post(reverse("proposals:draft", args=[adopted.pk]))
    document = Document.objects.get()
    assert response["Location"] == document.get_absolute_url()
    assert document.applicant == pt.member
    assert document.state == Document.State.DRAFT
    assert document.title == "窓口申請書の押印廃止"
    for text in (
        "会議のたびに資料を印刷",
        "署名で足りる",
        "出直しがなくなります",
        "出直し件数: 0件",
    ):
        assert text in document.body
    # The link is built from BASE_URL, not from the request's host.
    assert document.source_url == absolute_url(adopted.url)
    assert document.source_url.startswith(settings.WAGTAILADMIN_BASE_URL)
    adopted.refresh_from_db()
    assert adopted.document == document
    # The document shows where it came from, by title; the proposal links to it.
    html = client.get(document.get_absolute_url()).content.decode()
    assert (
        f'<a href="{document.source_url}" data-testid="document-source">'
        "窓口申請書の押印廃止</a>"
    ) in html
    assert document.get_absolute_url() in client.get(adopted.url).content.decode()
    # Asking again does not make a second document.
    client.post(reverse("proposals:draft", args=[adopted.pk]))
    assert Document.objects.count() == 1


def test_staff_cannot_make_a_draft(client, rules, applicant, adopted):  # noqa: F811
    client.force_login(applicant)
    response = client.post(reverse("proposals:draft", args=[adopted.pk]))
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_a_dropped_proposal_is_refused_with_a_message(client, rules, pt, proposal):  # noqa: F811
    from intranet.proposals import services

    services.change_status(proposal=proposal, to=Status.DROPPED, by=pt.lead)
    client.force_login(pt.lead)
    response = client.post(reverse("proposals:draft", args=[proposal.pk]), follow=True)
    assert "見送りの提案は起案にできません。" in response.content.decode()
    assert not Document.objects.exists()


def test_without_document_types_the_pt_gets_a_clear_message(client, pt, adopted):
    client.force_login(pt.lead)
    response = client.post(reverse("proposals:draft", args=[adopted.pk]), follow=True)
    assert response.status_code == 200
    assert "文書分類が登録されていません" in response.content.decode()
