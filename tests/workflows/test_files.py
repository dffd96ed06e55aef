"""Attachments (validation, private storage, download headers), the PDF, sanitising."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from workflows import services
from workflows.errors import InvalidAttachment
from workflows.models import Document
from workflows.sanitize import clean_html, render_html

from .conftest import active_step

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("見積書.pdf", PDF, "application/pdf"),
        ("写真.png", PNG, "image/png"),
        (
            "依頼文.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("明細.csv", "品名,金額\nペン,100\n".encode(), "text/csv"),
        ("メモ.txt", "連絡事項".encode("cp932"), "text/plain"),
    ],
)
def test_accepted_kinds_are_stored_outside_media_root(
    draft, applicant, name, content, content_type
):
    document = draft()
    attachment = services.add_attachment(
        document=document, by=applicant, upload=upload(name, content)
    )
    assert attachment.content_type == content_type
    path = Path(attachment.file.path).resolve()
    assert Path(settings.APPROVALS["FILES_ROOT"]).resolve() in path.parents
    assert Path(settings.MEDIA_ROOT).resolve() not in path.parents
    assert path.read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "invoice.pdf",
            b"MZ\x90\x00" + b"\x00" * 64,
            "この種類のファイルは添付できません",
        ),
        ("page.html", b"<html><script>alert(1)</script></html>", "一致しません"),
        ("image.pdf", PNG, "一致しません"),
        ("empty.pdf", b"", "空のファイル"),
        ("archive.zip", b"PK\x03\x04garbage", "この種類のファイルは添付できません"),
    ],
)
def test_refused_files(draft, applicant, name, content, message):
    document = draft()
    with pytest.raises(InvalidAttachment, match=message):
        services.add_attachment(
            document=document, by=applicant, upload=upload(name, content)
        )
    assert not document.attachments.exists()


def test_size_limit(draft, applicant, settings):
    settings.APPROVALS = {**settings.APPROVALS, "ATTACHMENT_MAX_MB": 1}
    document = draft()
    with pytest.raises(InvalidAttachment, match="大きすぎます"):
        services.add_attachment(
            document=document,
            by=applicant,
            upload=upload("big.pdf", PDF + b"0" * (1024 * 1024)),
        )


def test_download_is_an_attachment_with_nosniff(
    client, draft, applicant, kakaricho, stranger
):
    document = draft()
    attachment = services.add_attachment(
        document=document, by=applicant, upload=upload("見積書.pdf", PDF)
    )
    url = reverse("workflows:attachment", args=[document.pk, attachment.pk])
    client.force_login(kakaricho)  # not yet submitted: a draft is the authors' only
    assert client.get(url).status_code == 404
    services.submit(document=document, by=applicant)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_attachments_of_submitted_documents_are_kept_as_history(
    draft, applicant, kakaricho
):
    document = draft()
    attachment = services.add_attachment(
        document=document, by=applicant, upload=upload("a.pdf", PDF)
    )
    document = services.submit(document=document, by=applicant)
    services.return_document(
        step=active_step(document), by=kakaricho, comment="差替えを"
    )
    services.remove_attachment(attachment=attachment, by=applicant)
    attachment.refresh_from_db()
    assert attachment.removed_at is not None and Path(attachment.file.path).exists()
    assert not document.attachments.current().exists()


def test_pdf_of_the_decided_document_renders_japanese(
    client, draft, applicant, kakaricho, kacho
):
    document = draft(
        title="押印廃止に伴う様式改正について", body="<p>様式第1号を改正する。</p>"
    )
    services.add_attachment(
        document=document, by=applicant, upload=upload("新旧対照表.pdf", PDF)
    )
    document = services.submit(document=document, by=applicant)
    url = reverse("workflows:pdf", args=[document.pk])
    client.force_login(kacho)
    assert client.get(url).status_code == 404  # not decided yet
    services.approve(step=active_step(document), by=kakaricho)
    services.approve(step=active_step(document), by=kacho)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    )
    for expected in (
        "千代総第1号",
        "決裁欄",
        "押印廃止に伴う様式改正について",
        "様式第1号を改正する。",
        "佐藤 花子",
        "鈴木 一郎",
        "高橋 健二",
        "課長（決裁）",
        "新旧対照表.pdf",
        "回議ルート",
    ):
        assert expected in text, expected


def test_body_is_sanitised_in_and_out(draft, applicant):
    dirty = (
        '<p onclick="steal()">本文<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">リンク</a><img src=x onerror=alert(1)>'
        '<a href="https://example.jp/">参考</a>'
    )
    cleaned = clean_html(dirty)
    assert (
        "script" not in cleaned
        and "onclick" not in cleaned
        and "onerror" not in cleaned
    )
    assert "javascript:" not in cleaned and "<img" not in cleaned
    assert 'rel="noopener noreferrer"' in cleaned
    document = draft(body=dirty)
    assert document.body == cleaned
    # A row written around the services is still sanitised when shown.
    Document.objects.filter(pk=document.pk).update(body=dirty)
    assert "<script" not in render_html(Document.objects.get(pk=document.pk).body)
    assert clean_html("一行目\n二行目") == "<p>一行目<br>二行目</p>"
