"""Support, comments, reports, moderation and status on a published proposal."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from intranet.notifications.kinds import Kind
from intranet.notifications.models import Notification
from intranet.proposals import services
from intranet.proposals.models import (
    COMMENT_EDIT_WINDOW,
    Comment,
    ProposalPage,
    Status,
    Support,
)

pytestmark = pytest.mark.django_db


def test_staff_read_a_published_proposal(client, applicant, proposal):
    client.force_login(applicant)
    response = client.get(proposal.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "会議資料のペーパーレス化" in html
    assert 'data-testid="support-count"' in html
    assert "起案にする" not in html  # only the PT sees it
    assert 'data-testid="status-form"' not in html


def test_support_and_withdraw_are_explicit_intents(
    client, applicant, stranger, proposal
):
    client.force_login(applicant)
    url = reverse("proposals:support", args=[proposal.pk])
    response = client.post(url, {"intent": "support"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "1人が賛同" in response.content.decode()
    assert 'data-testid="support-withdraw"' in response.content.decode()
    # A double tap or a stale tab repeats the intent: the support stays.
    response = client.post(url, {"intent": "support"}, HTTP_HX_REQUEST="true")
    assert "1人が賛同" in response.content.decode()
    client.force_login(stranger)
    response = client.post(url, {"intent": "support"}, HTTP_HX_REQUEST="true")
    assert "2人が賛同" in response.content.decode()
    response = client.post(url, {"intent": "withdraw"}, HTTP_HX_REQUEST="true")
    assert "1人が賛同" in response.content.decode()
    assert 'data-testid="support-button"' in response.content.decode()
    response = client.post(url, {"intent": "withdraw"}, HTTP_HX_REQUEST="true")
    assert "1人が賛同" in response.content.decode()
    assert list(
        Support.objects.filter(proposal=proposal).values_list("person", flat=True)
    ) == [applicant.pk]


def test_a_form_without_intent_changes_nothing_and_says_so(client, applicant, proposal):
    client.force_login(applicant)
    url = reverse("proposals:support", args=[proposal.pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "操作を判別できませんでした" in response.content.decode()
    assert not Support.objects.exists()


def test_supports_reach_the_author_batched(client, applicant, stranger, pt, proposal):
    """One unread notice per proposal that counts the supporters, not one per tap."""
    services.support_proposal(proposal=proposal, person=applicant)
    services.support_proposal(proposal=proposal, person=stranger)
    note = Notification.objects.get(recipient=pt.member, kind=Kind.PROPOSAL_SUPPORTED)
    assert "賛同が2人になりました" in note.subject
    assert note.actor == stranger
    note.read_at = note.created_at
    note.save()
    services.withdraw_support(proposal=proposal, person=stranger)
    services.support_proposal(proposal=proposal, person=stranger)
    assert (
        Notification.objects.filter(
            recipient=pt.member, kind=Kind.PROPOSAL_SUPPORTED
        ).count()
        == 2
    )


def test_a_status_change_reaches_supporters_and_commenters(
    applicant, stranger, office, pt, proposal
):
    services.support_proposal(proposal=proposal, person=applicant)
    services.add_comment(proposal=proposal, author=stranger, body="賛成です")
    services.change_status(
        proposal=proposal, to=Status.STUDY, by=pt.lead, note="予算要求へ"
    )
    told = Notification.objects.filter(kind=Kind.PROPOSAL_STATUS_CHANGED)
    assert set(told.values_list("recipient", flat=True)) == {applicant.pk, stranger.pk}
    note = told.get(recipient=applicant)
    assert "「検討中」になりました" in note.subject
    assert note.body == "予算要求へ"
    assert not Notification.objects.filter(
        kind=Kind.PROPOSAL_STATUS_CHANGED, recipient=office.kacho
    ).exists()


def test_the_database_refuses_a_second_support(applicant, proposal):
    Support.objects.create(proposal=proposal, person=applicant)
    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.create(proposal=proposal, person=applicant)


def test_support_without_htmx_redirects_back(client, applicant, proposal):
    client.force_login(applicant)
    response = client.post(
        reverse("proposals:support", args=[proposal.pk]), {"intent": "support"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(proposal.url)


def test_support_is_post_only(client, applicant, proposal):
    client.force_login(applicant)
    response = client.get(reverse("proposals:support", args=[proposal.pk]))
    assert response.status_code == 405


def test_unpublished_proposals_are_404(client, applicant, proposal):
    proposal.unpublish()
    client.force_login(applicant)
    for name in ("support", "comment", "status", "draft"):
        response = client.post(reverse(f"proposals:{name}", args=[proposal.pk]))
        assert response.status_code == 404, name


def test_a_comment_notifies_the_pt(client, applicant, pt, proposal):
    client.force_login(applicant)
    response = client.post(
        reverse("proposals:comment", args=[proposal.pk]),
        {"body": "窓口でも困っています。"},
    )
    comment = Comment.objects.get()
    assert response["Location"] == f"{proposal.url}#comment-{comment.pk}"
    notified = set(
        Notification.objects.filter(kind=Kind.PROPOSAL_COMMENTED).values_list(
            "recipient__username", flat=True
        )
    )
    assert notified == {"ito", "watanabe"}
    assert "窓口でも困っています。" in client.get(proposal.url).content.decode()


def test_an_empty_comment_is_refused_with_a_message(client, applicant, proposal):
    client.force_login(applicant)
    response = client.post(
        reverse("proposals:comment", args=[proposal.pk]), {"body": "  "}, follow=True
    )
    assert "コメントを入力してください。" in response.content.decode()
    assert not Comment.objects.exists()


def test_replies_are_one_level_deep(applicant, stranger, pt, proposal):
    top = services.add_comment(proposal=proposal, author=applicant, body="最初")
    reply = services.add_comment(
        proposal=proposal, author=stranger, body="返信", parent=top
    )
    reply_to_reply = services.add_comment(
        proposal=proposal, author=pt.member, body="返信への返信", parent=reply
    )
    assert reply.parent == top
    assert reply_to_reply.parent == top


def test_the_author_edits_within_the_window(client, applicant, stranger, proposal):
    comment = services.add_comment(proposal=proposal, author=applicant, body="誤字")
    url = reverse("proposals:comment_edit", args=[comment.pk])
    client.force_login(stranger)
    assert client.post(url, {"body": "乗っ取り"}).status_code == 403
    client.force_login(applicant)
    assert client.get(url).status_code == 200
    client.post(url, {"body": "修正済み"})
    comment.refresh_from_db()
    assert comment.body == "修正済み"
    assert comment.edited_at is not None


def test_editing_after_the_window_is_refused(client, applicant, proposal):
    comment = services.add_comment(proposal=proposal, author=applicant, body="元の文")
    Comment.objects.filter(pk=comment.pk).update(
        created_at=comment.created_at
        - COMMENT_EDIT_WINDOW
        - datetime.timedelta(seconds=1)
    )
    client.force_login(applicant)
    url = reverse("proposals:comment_edit", args=[comment.pk])
    response = client.post(url, {"body": "遅すぎた修正"}, follow=True)
    assert "編集できる時間を過ぎました。" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "元の文"
    assert (
        'data-testid="comment-edit"'
        not in client.get(comment.proposal.url).content.decode()
    )


def test_reports_reach_the_pt_once_and_the_pt_moderates(
    client, applicant, stranger, pt, proposal
):
    comment = services.add_comment(proposal=proposal, author=stranger, body="不適切")
    client.force_login(applicant)
    url = reverse("proposals:comment_report", args=[comment.pk])
    client.post(url, {"reason": "個人攻撃です"})
    client.post(url, {"reason": "二度目"})
    reports = Notification.objects.filter(kind=Kind.PROPOSAL_COMMENT_REPORTED)
    assert reports.count() == 2  # ito and watanabe, once each
    # Staff cannot hide; the PT can, and can restore.
    hide = reverse("proposals:comment_hide", args=[comment.pk])
    assert client.post(hide).status_code == 403
    client.force_login(pt.member)
    page = client.get(proposal.url).content.decode()
    assert 'data-testid="comment-reported"' in page
    client.post(hide)
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_by == pt.member
    assert not comment.reports.filter(resolved_at__isnull=True).exists()
    client.force_login(applicant)
    page = client.get(proposal.url).content.decode()
    assert "不適切" not in page
    assert "非表示になりました" in page
    client.force_login(pt.lead)
    client.post(reverse("proposals:comment_restore", args=[comment.pk]))
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_status_moves_along_the_lifecycle_by_the_pt(client, applicant, pt, proposal):
    url = reverse("proposals:status", args=[proposal.pk])
    client.force_login(applicant)
    assert client.post(url, {"status": Status.STUDY}).status_code == 403
    client.force_login(pt.member)
    client.post(url, {"status": Status.STUDY, "note": "関係課と協議開始"})
    response = client.post(url, {"status": Status.IDEA}, follow=True)
    assert "この状態には変更できません。" in response.content.decode()
    client.post(url, {"status": Status.TRIAL})
    proposal.refresh_from_db()
    assert proposal.status == Status.TRIAL
    history = [(c.from_status, c.to_status) for c in proposal.status_changes.all()]
    assert history == [(Status.IDEA, Status.STUDY), (Status.STUDY, Status.TRIAL)]
    client.force_login(applicant)
    page = client.get(proposal.url).content.decode()
    assert "関係課と協議開始" in page
    assert "検討中 → <strong>試行</strong>" in page


def test_a_new_revision_keeps_the_status(pt, proposal):
    services.change_status(proposal=proposal, to=Status.STUDY, by=pt.lead)
    proposal = ProposalPage.objects.get(pk=proposal.pk)
    proposal.title = "改題"
    proposal.save_revision(user=pt.lead).publish(user=pt.lead)
    proposal = ProposalPage.objects.get(pk=proposal.pk)
    assert proposal.title == "改題"
    assert proposal.status == Status.STUDY


def test_proposal_page_query_count_is_bounded(
    client, applicant, stranger, pt, proposal, django_assert_max_num_queries
):
    client.force_login(applicant)
    client.get(proposal.url)
    for n in range(10):
        top = services.add_comment(proposal=proposal, author=stranger, body=f"意見{n}")
        services.add_comment(
            proposal=proposal, author=pt.member, body="返信", parent=top
        )
    services.support_proposal(proposal=proposal, person=stranger)
    with django_assert_max_num_queries(25):
        response = client.get(proposal.url)
    assert response.content.decode().count('data-testid="comment"') == 20


def test_proposal_list_query_count_is_bounded(
    client, applicant, site, make_proposal, django_assert_max_num_queries
):
    for n in range(8):
        make_proposal(title=f"提案{n}")
    client.force_login(applicant)
    client.get(site.proposals.url)
    with django_assert_max_num_queries(15):
        response = client.get(site.proposals.url)
    assert response.content.decode().count('data-testid="proposal-item"') == 8


def test_a_first_publication_reaches_the_sections_concerned(
    client, office, pt, site, applicant, stranger
):
    """Its author, owners and the staff of 総務課 (庶務係 below it included) hear of
    it; 戸籍住民課 does not; a later edit tells nobody."""
    from intranet.notifications.kinds import Kind
    from intranet.notifications.models import Notification

    proposal = ProposalPage(
        title="窓口の押印廃止",
        slug="oshiin",
        problem="<p>押印のために出直す区民がいる。</p>",
    )
    proposal.live = False
    proposal.owner = pt.member
    site.proposals.add_child(instance=proposal)
    proposal.sections.set([office.units.somu_ka])
    proposal.owners.set([pt.member])
    proposal.save_revision(user=pt.member).publish(user=pt.lead)
    proposal.refresh_from_db()

    told = Notification.objects.filter(kind=Kind.PROPOSAL_PUBLISHED)
    recipients = set(told.values_list("recipient__username", flat=True))
    assert applicant.username in recipients  # 庶務係, under 総務課
    assert pt.member.username in recipients
    assert stranger.username not in recipients
    first = told.first()
    assert first.subject == "DX推進PTの提案「窓口の押印廃止」が公開されました"
    assert "総務課" in first.body
    assert first.url == proposal.url

    count = told.count()
    proposal.title = "窓口の押印廃止（改訂）"
    proposal.save_revision(user=pt.lead).publish(user=pt.lead)
    assert told.count() == count
