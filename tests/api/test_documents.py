"""Documents and tasks through the API: the pages' visibility and the pages' actions."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from workflows.models import Document, LedgerEntry, RouteStep

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


def test_sato_never_sees_the_confidential_document(
    office, submitted, api_as, kakaricho
):
    secret = submitted(
        applicant=kakaricho, title="人事異動の内示について", confidential=True
    )
    own = submitted(title="庁内報の発行について")
    sato = api_as(office.applicant, "documents:read")
    listed = sato.get("/api/v1/documents").json()
    assert [item["id"] for item in listed["items"]] == [own.pk]
    for path in ("", "/route", "/history"):
        response = sato.get(f"/api/v1/documents/{secret.pk}{path}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert "人事異動" not in response.content.decode()
    auditor = api_as(office.auditor, "documents:read")
    seen = auditor.get(f"/api/v1/documents/{secret.pk}").json()
    assert seen["title"] == "人事異動の内示について"
    assert seen["confidential"] is True


def test_document_list_pages_with_a_cursor_in_bounded_queries(
    applicant, draft, api_as, django_assert_max_num_queries
):
    made = [draft(title=f"起案{n}") for n in range(5)]
    client = api_as(applicant, "documents:read")
    with django_assert_max_num_queries(8):
        first = client.get("/api/v1/documents", {"limit": 2}).json()
    assert [d["id"] for d in first["items"]] == [made[4].pk, made[3].pk]
    second = client.get(
        "/api/v1/documents", {"limit": 2, "cursor": first["next_cursor"]}
    ).json()
    third = client.get(
        "/api/v1/documents", {"limit": 2, "cursor": second["next_cursor"]}
    ).json()
    assert [d["id"] for d in second["items"] + third["items"]] == [
        made[2].pk,
        made[1].pk,
        made[0].pk,
    ]
    assert third["next_cursor"] is None
    drafts = client.get("/api/v1/documents", {"state": "decided"}).json()
    assert drafts["items"] == []


def test_etag_and_if_none_match(applicant, draft, api_as):
    document = draft()
    client = api_as(applicant)
    first = client.get(f"/api/v1/documents/{document.pk}")
    etag = first["ETag"]
    assert first.status_code == 200 and etag
    again = client.get(
        f"/api/v1/documents/{document.pk}", headers={"If-None-Match": etag}
    )
    assert again.status_code == 304
    assert again.content == b""
    client.upload(
        f"/api/v1/documents/{document.pk}/attachments",
        {"file": SimpleUploadedFile("見積書.pdf", PDF, content_type="application/pdf")},
    )
    changed = client.get(
        f"/api/v1/documents/{document.pk}", headers={"If-None-Match": etag}
    )
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert [a["name"] for a in changed.json()["attachments"]] == ["見積書.pdf"]


def test_a_service_account_files_on_behalf_of_the_applicant(
    office, rules, service_account, api_as
):
    """The 財務会計 system drafts, attaches and submits for sato: 代理起案."""
    zaimu = api_as(service_account, "documents:write,documents:read")
    created = zaimu.post(
        "/api/v1/documents",
        {
            "title": "消耗品の購入について",
            "body": "<p>支出負担行為</p><script>alert(1)</script>",
            "document_type": "expense",
            "amount": 52_800,
            "applicant": "sato",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["applicant"]["username"] == "sato"
    assert body["filer"]["username"] == "zaimu-system"
    assert body["filed_on_behalf"] is True
    assert "<script>" not in body["body"]
    pk = body["id"]
    attached = zaimu.upload(
        f"/api/v1/documents/{pk}/attachments",
        {"file": SimpleUploadedFile("見積書.pdf", PDF, content_type="application/pdf")},
    )
    assert attached.status_code == 201
    assert attached.json()["size"] == len(PDF)
    refused = zaimu.upload(
        f"/api/v1/documents/{pk}/attachments",
        {"file": SimpleUploadedFile("a.exe", b"MZ\x90\x00", content_type="x/y")},
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "approval_error"

    submitted = zaimu.post(f"/api/v1/documents/{pk}/submit", {"version": 2})
    assert submitted.status_code in (200, 409)
    if submitted.status_code == 409:  # the version moved with the attachment
        current = zaimu.get(f"/api/v1/documents/{pk}").json()["version"]
        submitted = zaimu.post(f"/api/v1/documents/{pk}/submit", {"version": current})
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == "in_progress"
    entry = LedgerEntry.objects.get(document_id=pk, action=LedgerEntry.Action.SUBMIT)
    assert entry.actor == service_account
    assert entry.on_behalf_of == office.applicant
    again = zaimu.post(f"/api/v1/documents/{pk}/submit")
    assert again.status_code == 403
    assert again.json()["code"] == "not_allowed"

    tasks = api_as(office.kakaricho, "tasks:read").get("/api/v1/tasks").json()
    assert [t["document"]["id"] for t in tasks["items"]] == [pk]


def test_filing_for_someone_follows_the_pages_rules(
    office, rules, service_account, api_as
):
    sato = api_as(office.applicant, "documents:write")
    other_section = sato.post(
        "/api/v1/documents", {"title": "代理", "applicant": "kobayashi"}
    )
    assert other_section.status_code == 403
    assert other_section.json()["code"] == "not_allowed"
    unknown = sato.post("/api/v1/documents", {"title": "x", "applicant": "nobody"})
    assert unknown.json()["code"] == "unknown_applicant"
    zaimu = api_as(service_account, "documents:write")
    itself = zaimu.post("/api/v1/documents", {"title": "自分名義"})
    assert itself.status_code == 403
    bad_type = sato.post("/api/v1/documents", {"title": "x", "document_type": "nope"})
    assert bad_type.json()["code"] == "unknown_document_type"
    blank = sato.post("/api/v1/documents", {"title": "   "})
    assert blank.status_code == 422
    assert blank.json()["detail"] == "件名を入力してください。"
    assert not Document.objects.filter(title__in=["x", "   ", "代理"]).exists()


def test_a_stranger_cannot_read_or_submit_someone_elses_draft(office, draft, api_as):
    document = draft()
    stranger = api_as(office.stranger)
    assert stranger.get(f"/api/v1/documents/{document.pk}").status_code == 404
    assert stranger.post(f"/api/v1/documents/{document.pk}/submit").status_code == 404
    document.refresh_from_db()
    assert document.state == Document.State.DRAFT


def test_read_only_token_cannot_act(office, submitted, api_as):
    document = submitted()
    reader = api_as(office.kakaricho, "documents:read,tasks:read")
    offered = reader.get(f"/api/v1/documents/{document.pk}/actions").json()
    assert [a["name"] for a in offered] == ["approve", "return", "reject"]
    response = reader.post(
        f"/api/v1/documents/{document.pk}/actions", {"action": "approve"}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    writer = api_as(office.kakaricho, "documents:write")
    assert (
        writer.post(
            f"/api/v1/documents/{document.pk}/actions", {"action": "approve"}
        ).status_code
        == 403
    )
    assert (
        RouteStep.objects.filter(
            document=document, status=RouteStep.Status.APPROVED
        ).count()
        == 0
    )


def test_approve_return_and_decide_through_the_api(
    office, submitted, api_as, django_assert_max_num_queries
):
    document = submitted()
    suzuki = api_as(office.kakaricho, "tasks:read,tasks:act,documents:read")
    with django_assert_max_num_queries(12):
        waiting = suzuki.get("/api/v1/tasks").json()
    assert waiting["items"][0]["document"]["id"] == document.pk
    step = waiting["items"][0]["step"]
    # Not her turn: the 課長 cannot approve the 係長's step.
    takahashi = api_as(office.kacho, "tasks:act,documents:read")
    early = takahashi.post(
        f"/api/v1/documents/{document.pk}/actions", {"action": "approve"}
    )
    assert early.status_code == 409
    assert early.json()["code"] == "action_not_available"

    approved = suzuki.post(
        f"/api/v1/documents/{document.pk}/actions",
        {"action": "approve", "step": step, "comment": "確認しました"},
    )
    assert approved.status_code == 200, approved.content
    no_reason = takahashi.post(
        f"/api/v1/documents/{document.pk}/actions", {"action": "return"}
    )
    assert no_reason.status_code == 422
    assert "差戻し" in no_reason.json()["detail"]
    returned = takahashi.post(
        f"/api/v1/documents/{document.pk}/actions",
        {"action": "return", "comment": "金額を確認してください", "to_step": step},
    )
    assert returned.status_code == 200, returned.content
    history = suzuki.get(f"/api/v1/documents/{document.pk}/history").json()
    assert [h["action"] for h in history] == ["submit", "approve", "return"]
    again = suzuki.post(
        f"/api/v1/documents/{document.pk}/actions", {"action": "approve"}
    )
    assert again.status_code == 200
    decided = takahashi.post(
        f"/api/v1/documents/{document.pk}/actions", {"action": "approve"}
    )
    assert decided.status_code == 200
    assert decided.json()["state"] == "decided"
    assert decided.json()["number_label"]
    route = suzuki.get(f"/api/v1/documents/{document.pk}/route").json()
    assert [s["status"] for s in route] == ["approved", "approved"]
    pdf = suzuki.get(f"/api/v1/documents/{document.pk}/pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_pdf_of_an_undecided_document_is_404(applicant, draft, api_as):
    document = draft()
    response = api_as(applicant).get(f"/api/v1/documents/{document.pk}/pdf")
    assert response.status_code == 404
    assert response.json()["code"] == "not_decided"
