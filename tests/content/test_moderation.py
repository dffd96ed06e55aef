"""公開申請 answered from the intranet's review screen (公開する / 修正を依頼する), and
told on the bell in Japanese — never by Wagtail's English moderation e-mails."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from wagtail.models import PageViewRestriction, WorkflowState
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected

from directory import roles
from intranet.notifications.kinds import Kind
from intranet.notifications.models import Notification
from intranet.pages import signals
from intranet.pages.review import pages_awaiting_review
from intranet.proposals.models import ProposalPage

pytestmark = pytest.mark.django_db


def submit(site, pt, *, title, slug, restricted_to=None):
    """A proposal 伊藤 writes and submits for 公開承認; with ``restricted_to`` (a
    group) it is behind a view restriction before it is submitted."""
    page = ProposalPage(
        title=title,
        slug=slug,
        problem="<p>窓口の待ち時間が長い。</p>",
        live=False,
        owner=pt.member,
    )
    site.proposals.add_child(instance=page)
    if restricted_to is not None:
        restrict(page, restricted_to)
    page.save_revision(user=pt.member)
    page.get_workflow().start(page, pt.member)
    return ProposalPage.objects.get(pk=page.pk)


def restrict(page, group):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)


@pytest.fixture
def submitted(site, pt):
    """A proposal 伊藤 wrote and submitted for 公開承認."""
    return submit(site, pt, title="窓口予約のオンライン化", slug="online-booking")


def review_url(page):
    return reverse("pages:review", args=[page.pk])


def notes(person, kind):
    return Notification.objects.filter(recipient=person, kind=kind)


def test_our_receivers_take_wagtails_email_slots():
    """Wagtail's e-mail notifiers are never connected: our receivers hold their
    dispatch_uids (intranet.pages comes before wagtail.admin)."""
    receivers = [
        (task_submitted, signals.notify_page_approvers),
        (workflow_rejected, signals.notify_changes_requested),
        (workflow_approved, signals.notify_approved),
    ]
    for signal, ours in receivers:
        # Entries are (key, weak reference to the receiver, is_async).
        live = [entry[1]() for entry in signal.receivers]
        assert ours in live
        assert not any(type(r).__module__ == "wagtail.admin.mail" for r in live)


def test_the_lead_is_told_with_a_link_to_the_review_screen(submitted, pt):
    note = notes(pt.lead, Kind.PAGE_REVIEW).get()
    assert note.url == review_url(submitted)
    assert "窓口予約のオンライン化" in note.subject


def test_request_changes_needs_a_reason_and_tells_the_author(client, submitted, pt):
    client.force_login(pt.lead)
    page = client.get(review_url(submitted)).content.decode()
    assert "このページを公開してよいですか" in page
    assert "窓口の待ち時間が長い。" in page
    assert 'data-testid="review-publish"' in page

    response = client.post(
        review_url(submitted), {"action": "request_changes", "comment": "  "}
    )
    assert response.status_code == 200
    assert "修正してほしい点を入力してください。" in response.content.decode()
    assert WorkflowState.objects.get().status == WorkflowState.STATUS_IN_PROGRESS

    response = client.post(
        review_url(submitted),
        {"action": "request_changes", "comment": "費用の見積もりを書いてください。"},
    )
    assert response.status_code == 302
    assert WorkflowState.objects.get().status == WorkflowState.STATUS_NEEDS_CHANGES
    note = notes(pt.member, Kind.PAGE_CHANGES_REQUESTED).get()
    assert note.body == "費用の見積もりを書いてください。"
    assert "渡辺 大輔さんから修正の依頼" in note.subject
    # No English e-mail from Wagtail beside ours.
    assert not [m for m in mail.outbox if "changes" in m.subject.lower()]


def test_resubmit_then_publish_tells_the_author(client, submitted, pt):
    client.force_login(pt.lead)
    client.post(
        review_url(submitted), {"action": "request_changes", "comment": "見積もりを"}
    )
    state = WorkflowState.objects.get()
    submitted.problem = "<p>待ち時間が長い。見積もり: 50万円。</p>"
    submitted.save_revision(user=pt.member)
    state.resume(user=pt.member)
    assert notes(pt.lead, Kind.PAGE_REVIEW).count() == 2

    response = client.post(review_url(submitted), {"action": "publish"})
    assert response.status_code == 302
    page = ProposalPage.objects.get(pk=submitted.pk)
    assert page.live
    assert "50万円" in page.problem
    note = notes(pt.member, Kind.PAGE_APPROVED).get()
    assert note.url == page.url


def test_only_the_reviewers_answer(client, submitted, pt, applicant):
    client.force_login(applicant)
    assert client.get(review_url(submitted)).status_code == 404
    client.force_login(pt.member)  # the author sees where the request stands
    page = client.get(review_url(submitted))
    assert page.status_code == 200
    assert 'data-testid="review-form"' not in page.content.decode()
    assert "公開の承認を待っています。" in page.content.decode()
    response = client.post(review_url(submitted), {"action": "publish"})
    assert response.status_code == 403
    assert not ProposalPage.objects.get(pk=submitted.pk).live


def test_an_unknown_action_is_refused_with_a_message(client, submitted, pt):
    client.force_login(pt.lead)
    response = client.post(review_url(submitted), {"action": "delete"})
    assert response.status_code == 200
    assert "「公開する」か「修正を依頼する」を選んでください。" in (
        response.content.decode()
    )
    assert WorkflowState.objects.get().status == WorkflowState.STATUS_IN_PROGRESS


def test_a_page_not_in_review_says_so(client, proposal, pt):
    client.force_login(pt.lead)
    response = client.post(review_url(proposal), {"action": "publish"})
    assert response.status_code == 404  # the lead neither asked nor owns it


def test_cancelling_tells_the_reviewers(submitted, pt):
    WorkflowState.objects.get().cancel(user=pt.member)
    assert notes(pt.lead, Kind.PAGE_REVIEW_CANCELLED).exists()


def test_the_pt_sees_the_cms_link_by_permission(client, pt, applicant):
    client.force_login(pt.member)  # not is_staff
    assert 'data-testid="cms-link"' in client.get("/").content.decode()
    client.force_login(applicant)
    assert 'data-testid="cms-link"' not in client.get("/").content.decode()


def test_a_page_behind_a_view_restriction_stays_out_of_the_reviewers_sight(
    client, submitted, pt
):
    """The review screen and the dashboard's 公開承認 list keep Wagtail's view
    restriction: a reviewer outside the page's group learns nothing of it."""
    group = Group.objects.create(name="管理職")
    restrict(submitted, group)
    assert pages_awaiting_review(pt.lead) == []
    client.force_login(pt.lead)
    assert "窓口予約のオンライン化" not in client.get("/").content.decode()
    assert client.get(review_url(submitted)).status_code == 404
    assert client.post(review_url(submitted), {"action": "publish"}).status_code == 404
    assert ProposalPage.objects.get(pk=submitted.pk).live is False

    pt.lead.groups.add(group)
    assert [r.page.pk for r in pages_awaiting_review(pt.lead)] == [submitted.pk]
    assert "窓口予約のオンライン化" in client.get("/").content.decode()
    assert client.get(review_url(submitted)).status_code == 200


def test_the_requester_who_may_no_longer_edit_sees_nothing(client, submitted, pt):
    """Wagtail's page permissions decide: 伊藤, out of the PT, no longer reads the
    request she made."""
    client.force_login(pt.member)
    assert client.get(review_url(submitted)).status_code == 200
    pt.member.groups.remove(Group.objects.get(name=roles.DX_PT))
    assert client.get(review_url(submitted)).status_code == 404


def test_reviewers_outside_a_view_restriction_are_not_told_its_title(site, pt):
    """公開申請 of a page behind a view restriction: the bell names it only to the
    reviewers who pass the restriction."""
    group = Group.objects.create(name="管理職")
    submit(site, pt, title="管理職手当の見直し", slug="allowance", restricted_to=group)
    assert not notes(pt.lead, Kind.PAGE_REVIEW).exists()
    assert not Notification.objects.filter(subject__contains="管理職手当").exists()
