"""通報されたコメント: the PT's list of reports still open; the reporter's name only
for the lead (the report form says so); empty once the PT has hidden the comment."""

from __future__ import annotations

import pytest
from django.urls import reverse

from intranet.proposals import services

pytestmark = pytest.mark.django_db

URL = reverse("proposals:comment_reports")


def test_the_pt_lists_open_reports_and_only_the_lead_sees_who(
    client, applicant, kakaricho, stranger, pt, proposal, django_assert_max_num_queries
):
    rude = services.add_comment(proposal=proposal, author=stranger, body="不適切な投稿")
    fine = services.add_comment(proposal=proposal, author=kakaricho, body="賛成です")
    services.report_comment(comment=rude, by=applicant, reason="個人攻撃です")
    services.report_comment(comment=rude, by=kakaricho, reason="")

    client.force_login(applicant)
    assert client.get(URL).status_code == 403
    assert (
        'data-testid="comment-reports-link"'
        not in client.get("/proposals/").content.decode()
    )

    client.force_login(pt.member)
    assert (
        'data-testid="comment-reports-link"'
        in client.get("/proposals/").content.decode()
    )
    page = client.get(URL).content.decode()
    assert page.count('data-testid="comment-report-item"') == 1
    assert "不適切な投稿" in page and fine.body not in page
    assert f"{proposal.url}#comment-{rude.pk}" in page
    assert "個人攻撃です" in page and "（理由の記入なし）" in page
    assert applicant.full_name not in page  # a member is not told who reported

    client.force_login(pt.lead)
    page = client.get(URL).content.decode()
    assert applicant.full_name in page and kakaricho.full_name in page

    # The query count does not grow with the reports.
    for number in range(5):
        other = services.add_comment(
            proposal=proposal, author=stranger, body=f"投稿{number}"
        )
        services.report_comment(comment=other, by=applicant, reason="重複")
    with django_assert_max_num_queries(12):
        page = client.get(URL).content.decode()
    assert page.count('data-testid="comment-report-item"') == 6

    # Hidden: its reports are dealt with and it leaves the list.
    client.post(reverse("proposals:comment_hide", args=[rude.pk]))
    page = client.get(URL).content.decode()
    assert "不適切な投稿" not in page
