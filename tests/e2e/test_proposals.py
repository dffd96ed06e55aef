"""The DX PT's proposal journey in a real browser: the member writes a proposal in the
CMS and submits it (公開申請), the lead approves it (公開承認), and a staff member opens
it on a phone, supports it and comments."""

import pytest
from playwright.sync_api import expect

from intranet.proposals.models import Comment, ProposalPage, Support
from tests.content.conftest import pt, site  # noqa: F401 - fixtures
from tests.e2e.conftest import assert_no_horizontal_overflow, log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "窓口の押印を廃止する"


def open_action_menu(page):
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()


def test_proposal_from_cms_to_support(live, new_page, pt, site, applicant):  # noqa: F811
    base = live.url
    page = new_page("desktop")

    # 伊藤 (PT member) writes the proposal in the CMS and submits it for review.
    log_in(page, base, "ito")
    page.goto(f"{base}/cms/pages/add/proposals/proposalpage/{site.proposals.pk}/")
    page.locator("#id_title").fill(TITLE)
    page.locator(".public-DraftEditor-content").first.click()
    page.keyboard.type(
        "窓口の申請書で押印を求めているため、印鑑を忘れた区民が出直している。"
    )
    page.locator("#id_kpis").fill("押印を求める申請書: 0件")
    # The slug (on the プロモート tab) is typed, not left to the title's script.
    page.get_by_role("tab", name="プロモート").click()
    page.locator("#id_slug").fill("oshiin-haishi")
    open_action_menu(page)
    submit = page.locator("button[name='action-submit']")
    # 公開申請 to the lead, not a 稟議: Wagtail's 提出 reworded (intranet/locale/ja).
    assert "公開を申請する（公開承認" in submit.inner_text()
    submit.click()
    page.wait_for_url(f"{base}/cms/pages/{site.proposals.pk}/")
    proposal = ProposalPage.objects.get(title=TITLE)
    screenshot(page, "proposal-cms-submitted")
    assert proposal.workflow_in_progress and not proposal.live
    page.context.clear_cookies()

    # 渡辺 (PT lead) approves it: it is published.
    log_in(page, base, "watanabe")
    page.goto(f"{base}/cms/pages/{proposal.pk}/edit/")
    open_action_menu(page)
    with page.expect_navigation():
        page.locator("button[data-workflow-action-name='approve']").first.click()
    page.wait_for_load_state()
    proposal.refresh_from_db()
    assert proposal.live
    page.context.clear_cookies()

    # 佐藤 (staff) finds it on the dashboard, supports it and comments on a phone.
    phone = new_page("phone")
    log_in(phone, base, "sato")
    phone.get_by_test_id("panel-proposals").get_by_role("link", name=TITLE).click()
    phone.wait_for_url(f"{base}{proposal.url}")
    assert phone.get_by_test_id("proposal-status").first.inner_text() == "構想"
    phone.get_by_test_id("support-button").click()
    expect(phone.get_by_test_id("support-state")).to_have_text("賛同しています")
    expect(phone.get_by_test_id("support-count")).to_have_text("1人が賛同")
    phone.get_by_test_id("comment-input").fill("窓口でも困っていました。賛成です。")
    phone.get_by_test_id("comment-submit").click()
    phone.wait_for_url(f"{base}{proposal.url}#comment-*")
    assert "賛成です" in phone.get_by_test_id("comment-body").first.inner_text()
    assert_no_horizontal_overflow(phone)
    screenshot(phone, "proposal-phone")
    assert Support.objects.filter(proposal=proposal, person=applicant).exists()
    assert Comment.objects.filter(proposal=proposal, author=applicant).count() == 1

    # Anyone finds it from the header's search box by a two-character word.
    box = phone.get_by_role("combobox", name="サイト内検索")
    box.fill("押印")
    box.press("Enter")
    phone.wait_for_url(f"{base}/search/?q=*")
    results = phone.get_by_test_id("results-pages")
    expect(results).to_contain_text(TITLE)
    assert results.locator("mark").first.inner_text() == "押印"
    screenshot(phone, "proposal-found-by-search")
