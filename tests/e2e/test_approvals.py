"""On a 390 px phone: the 係長 approves from the inbox, the 課長 returns it, the
applicant fixes and resubmits, the route runs again and the 部長 decides; the PDF
downloads with the number and the seals' names in it."""

import io

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import assert_no_horizontal_overflow, log_in, screenshot
from tests.workflows.conftest import rules, zaisei  # noqa: F401 - fixtures
from workflows.models import DelegationRule, Document, DocumentType

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bucho_rule(rules, office):  # noqa: F811
    kind = DocumentType.objects.create(code="policy", name="方針決定", sort_order=0)
    rule = DelegationRule.objects.create(
        rulebook=rules.book, document_type=kind, decider_post=office.posts.bucho
    )
    rule.approver_posts.set([office.posts.kakaricho, office.posts.kacho])
    return kind


def act_from_inbox(page, base, username, title, action, reason=""):
    log_in(page, base, username)
    page.goto(f"{base}/approvals/")
    card = page.get_by_test_id("inbox-item").filter(has_text=title)
    assert_no_horizontal_overflow(page)
    card.get_by_test_id(f"quick-{action}").click()
    dialog = page.get_by_test_id("confirm-dialog")
    if reason:
        dialog.get_by_test_id("confirm-comment").fill(reason)
    dialog.get_by_test_id("confirm-action").click()
    page.wait_for_url(f"{base}/approvals/")
    assert page.get_by_test_id("inbox-item").filter(has_text=title).count() == 0
    page.context.clear_cookies()


def test_phone_approval_round_trip(live, new_page, bucho_rule, applicant, bucho):
    base = live.url
    page = new_page("phone")

    # The applicant drafts and submits.
    log_in(page, base, "sato")
    page.goto(f"{base}/approvals/new/")
    page.get_by_label("件名").fill("窓口の押印廃止について")
    page.get_by_label("文書分類").select_option(label="方針決定")
    page.get_by_test_id("rich-text").fill("窓口で求めている押印を廃止したい。")
    page.get_by_test_id("save-document").click()
    page.get_by_test_id("go-submit").click()
    preview = page.get_by_test_id("route-preview")
    assert "鈴木 一郎" in preview.inner_text() and "田中 誠" in preview.inner_text()
    assert_no_horizontal_overflow(page)
    page.get_by_test_id("submit-document").click()
    assert page.get_by_test_id("document-state").inner_text() == "回議中"
    page.context.clear_cookies()

    title = "窓口の押印廃止について"
    act_from_inbox(page, base, "suzuki", title, "approve")
    act_from_inbox(
        page,
        base,
        "takahashi",
        title,
        "return",
        reason="根拠となる規定を本文に書いてください。",
    )

    # The applicant fixes it and resubmits.
    log_in(page, base, "sato")
    page.goto(f"{base}/approvals/")
    card = page.get_by_test_id("inbox-item").filter(has_text=title)
    card.get_by_role("link", name="修正する").click()
    page.get_by_test_id("rich-text").fill(
        "窓口で求めている押印を廃止したい。根拠: 事務処理規則第5条。"
    )
    page.get_by_test_id("save-document").click()
    page.get_by_test_id("go-submit").click()
    page.get_by_test_id("submit-document").click()
    assert page.get_by_test_id("document-state").inner_text() == "回議中"
    page.context.clear_cookies()

    act_from_inbox(page, base, "suzuki", title, "approve")
    act_from_inbox(page, base, "takahashi", title, "approve")

    # The 部長 decides from the inbox, opens the document and downloads the PDF.
    log_in(page, base, "tanaka")
    page.goto(f"{base}/approvals/")
    screenshot(page, "approvals-inbox-phone")
    card = page.get_by_test_id("inbox-item").filter(has_text=title)
    assert card.get_by_test_id("quick-approve").inner_text() == "決裁"
    card.get_by_test_id("quick-approve").click()
    page.get_by_test_id("confirm-action").click()
    page.wait_for_url(f"{base}/approvals/")
    document = Document.objects.get(title=title)
    assert document.state == Document.State.DECIDED
    page.goto(f"{base}/approvals/{document.pk}/")
    assert (
        page.get_by_test_id("document-number").inner_text() == "令和8年度 千代総第1号"
    )
    assert page.get_by_test_id("seal").count() == 4  # 起案者, 係長, 課長, 部長
    assert_no_horizontal_overflow(page)
    screenshot(page, "approvals-document-phone")
    with page.expect_download() as download_info:
        page.get_by_test_id("download-pdf").click()
    content = open(download_info.value.path(), "rb").read()  # noqa: SIM115
    assert content.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "千代総第1号" in text and "田中 誠" in text and "事務処理規則第5条" in text
