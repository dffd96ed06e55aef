"""The screens over HTTP: who gets what, the actions, and query bounds on every list."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from intranet.core.dates import fiscal_year, fiscal_year_label
from workflows import services
from workflows.models import Document, RouteStep

from .conftest import active_step

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def decided(submitted, applicant, kakaricho, kacho):
    document = submitted(title="押印廃止に伴う様式改正について")
    services.approve(step=active_step(document), by=kakaricho)
    services.approve(step=active_step(document), by=kacho)
    document.refresh_from_db()
    return document


@pytest.fixture
def with_attachment(draft, applicant):
    document = draft(title="添付のある文書")
    attachment = services.add_attachment(
        document=document,
        by=applicant,
        upload=SimpleUploadedFile(
            "見積書.pdf", PDF_BYTES, content_type="application/pdf"
        ),
    )
    document = services.submit(document=document, by=applicant)
    return document, attachment


def document_urls(document, attachment=None, step=None):
    urls = [
        reverse("workflows:document", args=[document.pk]),
        reverse("workflows:edit", args=[document.pk]),
        reverse("workflows:submit", args=[document.pk]),
        reverse("workflows:pdf", args=[document.pk]),
        reverse("workflows:act", args=[document.pk, "approve"])
        + (f"?step={step.pk}" if step else ""),
        reverse("workflows:act", args=[document.pk, "withdraw"]),
    ]
    if attachment:
        urls.append(reverse("workflows:attachment", args=[document.pk, attachment.pk]))
    return urls


def post_urls(document, attachment=None):
    urls = [
        reverse("workflows:delete", args=[document.pk]),
        reverse("workflows:upload", args=[document.pk]),
        reverse("workflows:add_route", args=[document.pk, "circulation"]),
        reverse("workflows:act", args=[document.pk, "approve"]),
        reverse("workflows:act", args=[document.pk, "pull_back"]),
    ]
    if attachment:
        urls.append(
            reverse("workflows:delete_attachment", args=[document.pk, attachment.pk])
        )
    return urls


def test_a_stranger_gets_404_on_every_document_url(
    client, stranger, with_attachment, decided
):
    document, attachment = with_attachment
    client.force_login(stranger)
    for doc, item in ((document, attachment), (decided, None)):
        step = RouteStep.objects.filter(document=doc).first()
        for url in document_urls(doc, item, step):
            assert client.get(url).status_code == 404, url
        for url in post_urls(doc, item):
            assert client.post(url).status_code == 404, url
    # … and nothing of them appears in the lists or the exports.
    for url in (
        reverse("workflows:inbox"),
        reverse("workflows:list"),
        reverse("workflows:mine"),
    ):
        body = client.get(url).content.decode()
        assert document.title not in body and decided.title not in body
    exported = b"".join(
        client.get(reverse("workflows:export", args=["csv"])).streaming_content
    )
    assert document.title.encode() not in exported
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("workflows:export", args=["xlsx"])).content)
    )
    assert workbook.active.max_row == 1  # the header only


def test_admin_pages_are_for_approval_administrators_only(
    client, kakaricho, administrator, submitted
):
    document = submitted()
    step = active_step(document)
    client.force_login(kakaricho)
    assert client.get(reverse("workflows:admin")).status_code == 404
    assert (
        client.post(
            reverse("workflows:admin_step", args=[step.pk, "retry"])
        ).status_code
        == 404
    )
    client.force_login(administrator)
    assert client.get(reverse("workflows:admin")).status_code == 200


def test_route_people_see_the_document(
    client, submitted, applicant, kakaricho, kacho, bucho
):
    document = submitted()
    url = reverse("workflows:document", args=[document.pk])
    for person in (applicant, kakaricho, kacho):  # applicant, current, future step
        client.force_login(person)
        assert client.get(url).status_code == 200
    client.force_login(bucho)  # not on this 課長専決 route
    assert client.get(url).status_code == 404


def test_approve_from_the_inbox_then_next_document(client, submitted, kakaricho, kacho):
    first = submitted(title="一件目")
    submitted(title="二件目")
    client.force_login(kakaricho)
    page = client.get(reverse("workflows:inbox")).content.decode()
    assert "一件目" in page and "二件目" in page
    step = active_step(first)
    response = client.post(
        reverse("workflows:act", args=[first.pk, "approve"]),
        {"step": step.pk, "version": first.version, "comment": "確認しました"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/approvals/{first.pk}/?done=1")
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="next-document"' in page
    assert active_step(first).assignee == kacho


def test_return_requires_a_reason_and_loses_nothing(client, submitted, kakaricho):
    document = submitted()
    step = active_step(document)
    client.force_login(kakaricho)
    response = client.post(
        reverse("workflows:act", args=[document.pk, "return"]),
        {"step": step.pk, "version": document.version, "comment": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert "理由を入力してください" in response.content.decode()
    assert active_step(document).pk == step.pk


def test_a_second_approval_gets_a_clear_message(client, submitted, kakaricho):
    document = submitted()
    step = active_step(document)
    client.force_login(kakaricho)
    data = {"step": step.pk, "version": document.version}
    url = reverse("workflows:act", args=[document.pk, "approve"])
    client.post(url, data)
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "この操作は現在できません" in response.content.decode()


def test_draft_submit_through_the_screens(client, rules, applicant, kakaricho):
    client.force_login(applicant)
    response = client.post(
        reverse("workflows:new"),
        {
            "title": "公用車の配置換えについて",
            "document_type": rules.general.pk,
            "body": "<p>配置換えを行いたい。</p><script>alert(1)</script>",
            "retention_years": 5,
            "applicant": applicant.pk,
        },
    )
    assert response.status_code == 302
    document = Document.objects.get(title="公用車の配置換えについて")
    assert "<script" not in document.body
    preview = client.get(
        reverse("workflows:submit", args=[document.pk])
    ).content.decode()
    assert "鈴木 一郎" in preview and "高橋 健二" in preview
    response = client.post(
        reverse("workflows:submit", args=[document.pk]), {"version": document.version}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.state == Document.State.IN_PROGRESS
    assert active_step(document).assignee == kakaricho


def test_bad_input_is_a_clear_error_not_a_500(client, rules, applicant):
    client.force_login(applicant)
    response = client.post(
        reverse("workflows:new"),
        {"title": "", "document_type": rules.expense.pk, "retention_years": 5},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "この文書分類では金額を入力してください" in body
    assert client.get(reverse("workflows:act", args=[1, "nonsense"])).status_code == 404
    assert client.get(reverse("workflows:export", args=["pdf"])).status_code == 404
    assert client.get(reverse("workflows:list") + "?fiscal_year=abc").status_code == 200


def test_csv_and_excel_exports_of_a_filtered_list(
    client, decided, submitted, kakaricho, kacho
):
    submitted(title="回議中の文書")
    client.force_login(kacho)
    response = client.get(reverse("workflows:export", args=["csv"]) + "?state=decided")
    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["文書ID", "文書番号", "件名"]
    assert [row[2] for row in rows[1:]] == ["押印廃止に伴う様式改正について"]
    # Numbers restart every 年度: the export says which one (令和8年度 千代総第1号).
    assert rows[1][1] == f"{fiscal_year_label(fiscal_year())} 千代総第1号"
    response = client.get(reverse("workflows:export", args=["xlsx"]) + "?state=decided")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(2, 3).value == "押印廃止に伴う様式改正について"


def test_list_views_have_query_bounds(
    client, submitted, rules, kakaricho, django_assert_max_num_queries
):
    for index in range(12):
        submitted(
            title=f"文書{index}",
            document_type=rules.routine if index % 2 else rules.general,
        )
    client.force_login(kakaricho)
    for url in (
        reverse("workflows:inbox"),
        reverse("workflows:list"),
        reverse("workflows:mine"),
        reverse("workflows:list") + "?q=文書&state=in_progress",
        reverse("workflows:delegations"),
    ):
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200


def test_inbox_queries_do_not_grow_with_the_count(
    client, submitted, kakaricho, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(kakaricho)
    submitted(title="最初")
    client.get(reverse("workflows:inbox"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("workflows:inbox"))
    for index in range(10):
        submitted(title=f"追加{index}")
    with CaptureQueriesContext(connection) as many:
        body = client.get(reverse("workflows:inbox")).content.decode()
    assert body.count('data-testid="inbox-item"') == 11
    assert len(many) == len(few)


def test_document_page_query_bound(
    client, decided, kacho, django_assert_max_num_queries
):
    client.force_login(kacho)
    with django_assert_max_num_queries(30):
        assert (
            client.get(reverse("workflows:document", args=[decided.pk])).status_code
            == 200
        )


def test_bulk_approval_reports_each_item(client, submitted, rules, kakaricho, kacho):
    routine = [
        submitted(title=f"定型{n}", document_type=rules.routine) for n in range(3)
    ]
    general = submitted(title="一般")
    client.force_login(kakaricho)
    steps = [active_step(document).pk for document in [*routine, general]]
    response = client.post(reverse("workflows:bulk"), {"steps": steps})
    body = response.content.decode()
    assert body.count('data-ok="true"') == 3
    assert "1 件は一括承認の対象外" in body
    for document in routine:
        assert active_step(document).assignee == kacho
    assert active_step(general).assignee == kakaricho


def test_delegation_screen(client, kakaricho, kacho):
    client.force_login(kakaricho)
    response = client.post(
        reverse("workflows:delegations"),
        {
            "delegate": "takahashi",
            "kind": "proxy",
            "start_date": "2026-01-05",
            "end_date": "2099-01-09",
        },
    )
    assert response.status_code == 302
    assert kakaricho.delegations_given.get().delegate == kacho
    response = client.post(
        reverse("workflows:delegations"),
        {"delegate": "nobody-here", "kind": "proxy", "start_date": "2026-01-05"},
    )
    assert "該当する職員がいません" in response.content.decode()


def test_the_decision_step_is_called_kessai_everywhere(
    client, submitted, kakaricho, kacho
):
    """決裁 for the decision step in the confirmation, the message, the route badge
    and the PDF's route table; the 係長's step stays 承認."""
    document = submitted(title="決裁の言葉")
    services.approve(step=active_step(document), by=kakaricho)
    step = active_step(document)
    assert step.kind == RouteStep.Kind.DECISION
    client.force_login(kacho)
    url = reverse("workflows:act", args=[document.pk, "approve"])
    confirm = client.get(f"{url}?step={step.pk}").content.decode()
    assert "決裁" in confirm
    document.refresh_from_db()
    response = client.post(
        url,
        {"step": step.pk, "version": document.version, "comment": ""},
        follow=True,
    )
    page = response.content.decode()
    assert "「決裁の言葉」の決裁を行いました。" in page
    assert "の承認を行いました" not in page
    step.refresh_from_db()
    assert step.status_label == "決裁"
    assert (
        RouteStep.objects.get(document=document, assignee=kakaricho).status_label
        == "承認"
    )
    badges = re.findall(r'<span class="badge[^"]*">([^<]+)</span>', page)
    assert "決裁" in badges and "承認" in badges


def test_a_returned_document_shows_the_reason_first_and_the_way_to_fix_it(
    client, submitted, kakaricho, applicant
):
    """差戻し: the reason comes first, then 修正する and 再提出; 取下げ is there but no
    longer the big red button at the top."""
    document = submitted(title="差し戻された文書")
    services.return_document(
        step=active_step(document), by=kakaricho, comment="金額の根拠を添付してください"
    )
    client.force_login(applicant)
    page = client.get(
        reverse("workflows:document", args=[document.pk])
    ).content.decode()
    reason = page.index('data-testid="returned-reason"')
    assert "金額の根拠を添付してください" in page
    assert kakaricho.full_name in page[reason : reason + 600]
    fix = page.index('data-testid="returned-edit"')
    assert reason < fix < page.index('data-testid="action-withdraw"')
    assert fix < page.index('data-testid="document-body"')
    withdraw = page[page.rindex("<a", 0, page.index('data-testid="action-withdraw"')) :]
    assert "button--danger" not in withdraw.split(">", 1)[0]
    # The edit page repeats it.
    edit = client.get(reverse("workflows:edit", args=[document.pk])).content.decode()
    assert "金額の根拠を添付してください" in edit
    assert edit.index('data-testid="returned-reason"') < edit.index(
        'data-testid="document-form"'
    )
    # Others on the route see the reason, without the author's buttons.
    client.force_login(kakaricho)
    page = client.get(
        reverse("workflows:document", args=[document.pk])
    ).content.decode()
    assert 'data-testid="returned-reason"' in page
    assert 'data-testid="returned-edit"' not in page
