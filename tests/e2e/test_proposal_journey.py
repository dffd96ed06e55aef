"""Issue 22's publishing journey in real Chromium, with Wagtail's autosave left on:
伊藤 writes a proposal in the intranet's editor and asks for it to be published; 渡辺
asks for changes with a comment and 伊藤's bell rings with it; she corrects it and asks
again; 渡辺 publishes it; 佐藤 supports it on a phone and comments."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from intranet.proposals.models import Comment, ProposalPage, Support
from tests.content.conftest import pt, site  # noqa: F401 - fixtures
from tests.e2e.conftest import assert_no_horizontal_overflow, log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "窓口の呼出しを画面で知らせる"
REASON = "効果の欄に、待ち時間がどれだけ減るかの見込みを書いてください。"


def test_write_review_resubmit_publish_support(
    live,
    new_page,
    pt,  # noqa: F811 - the fixture imported above
    site,  # noqa: F811
    applicant,
):
    assert getattr(settings, "WAGTAIL_AUTOSAVE_INTERVAL", None) != 0
    base = live.url

    # 伊藤 (PT member) writes from /proposals/ in the intranet's editor, on a phone.
    ito = new_page("phone")
    log_in(ito, base, "ito")
    ito.goto(f"{base}/proposals/")
    ito.get_by_test_id("write-proposal").click()
    ito.wait_for_url(f"{base}/proposals/write/")
    ito.get_by_label("提案の題名").fill(TITLE)
    ito.get_by_label("現状の課題").fill(
        "窓口の呼出しが口頭のため、待っている区民が聞き逃す。\n\n・番号札が紙\n・呼出しは口頭"
    )
    ito.get_by_label("提案内容").fill("呼出し番号をモニターに表示します。")
    assert_no_horizontal_overflow(ito)
    ito.get_by_test_id("editor-submit").click()
    ito.wait_for_url(f"{base}/proposals/*/edit/")
    expect(ito.get_by_role("status").first).to_contain_text("公開を申請しました")
    proposal = ProposalPage.objects.get(title=TITLE)
    assert proposal.workflow_in_progress and not proposal.live

    # 渡辺 (PT lead) finds it on his home page and asks for changes with a reason.
    lead = new_page("desktop")
    log_in(lead, base, "watanabe")
    lead.get_by_test_id("panel-page-review").get_by_role("link", name=TITLE).click()
    lead.wait_for_url(f"{base}/pages/{proposal.pk}/review/")
    expect(lead.get_by_test_id("review-title")).to_have_text(TITLE)
    # The reason is required: without it nothing happens but a message.
    lead.get_by_test_id("review-request-changes").click()
    expect(lead.get_by_role("status").first).to_contain_text(
        "修正してほしい点を入力してください"
    )
    proposal.refresh_from_db()
    assert proposal.workflow_in_progress
    lead.get_by_test_id("review-comment").fill(REASON)
    lead.get_by_test_id("review-request-changes").click()
    expect(lead.get_by_role("status").first).to_contain_text("修正を依頼しました")

    # 伊藤's bell rings with the comment; the editor shows it.
    ito.goto(f"{base}/")
    expect(ito.get_by_test_id("bell-count")).to_have_text("1")
    ito.get_by_test_id("bell").click()
    notice = ito.get_by_test_id("notification").first
    expect(notice).to_contain_text(TITLE)
    expect(notice).to_contain_text(REASON)
    ito.goto(f"{base}/proposals/{proposal.pk}/edit/")
    expect(ito.get_by_test_id("editor-changes-requested")).to_contain_text(REASON)
    ito.get_by_label("期待される効果").fill(
        "窓口の待ち時間の問合せが半分になる見込み。"
    )
    ito.get_by_test_id("editor-submit").click()
    expect(ito.get_by_role("status").first).to_contain_text("公開を申請しました")
    proposal.refresh_from_db()
    assert proposal.workflow_in_progress and not proposal.live

    # 渡辺 sees the corrected text and publishes it.
    lead.goto(f"{base}/pages/{proposal.pk}/review/")
    expect(
        lead.get_by_text("窓口の待ち時間の問合せが半分になる見込み。")
    ).to_be_visible()
    lead.get_by_test_id("review-publish").click()
    lead.wait_for_load_state()
    proposal.refresh_from_db()
    assert proposal.live
    assert "半分になる見込み" in proposal.effect

    # 佐藤 (staff) supports it on a phone and comments.
    sato = new_page("phone")
    log_in(sato, base, "sato")
    sato.get_by_test_id("panel-proposals").get_by_role("link", name=TITLE).click()
    sato.wait_for_url(f"{base}{proposal.url}")
    sato.get_by_test_id("support-button").click()
    expect(sato.get_by_test_id("support-state")).to_have_text("賛同しています")
    expect(sato.get_by_test_id("support-count")).to_have_text("1人が賛同")
    sato.get_by_test_id("comment-input").fill(
        "番号札の読み上げを聞き逃す方をよく見ます。"
    )
    sato.get_by_test_id("comment-submit").click()
    sato.wait_for_url(f"{base}{proposal.url}#comment-*")
    comment = sato.get_by_test_id("comment-body").first
    expect(comment).to_contain_text("聞き逃す方")
    expect(comment).to_be_in_viewport()
    assert_no_horizontal_overflow(sato)
    screenshot(sato, "proposal-journey-phone")
    assert Support.objects.filter(proposal=proposal, person=applicant).exists()
    assert Comment.objects.filter(proposal=proposal, author=applicant).count() == 1
