"""/approvals/verify/ and `verify_pdf FILE`: signature, signer, document number and
content against the ledger — or exactly which of these fails."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from tests.support.pki import make_pki
from workflows import pdf, signing
from workflows.verification import verify_pdf

from .test_signing import download, flip_a_signed_byte

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward(settings, tmp_path):
    pki = make_pki(tmp_path / "ward")
    settings.APPROVAL_SIGNING = pki.settings()
    return pki


def outcome(verdict):
    return {check.name: check.ok for check in verdict.checks}


def run_command(path):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_pdf", str(path), stdout=out, stderr=err)
    except SystemExit as exit_info:
        return exit_info.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def test_an_authentic_decided_document_passes_every_check(
    client, decided, applicant, stranger, ward, tmp_path
):
    document = decided()
    data = download(client, applicant, document)
    verdict = verify_pdf(data)
    assert outcome(verdict) == {
        "signature": True,
        "signer": True,
        "document": True,
        "content": True,
    }
    assert verdict.ok and verdict.number == document.number_label
    path = tmp_path / "received.pdf"
    path.write_bytes(data)
    code, output = run_command(path)
    assert code == 0 and f"authentic ({document.number_label})" in output
    # Any staff member may check, even one who may not open the document.
    client.force_login(stranger)
    response = client.post(
        "/approvals/verify/",
        {"file": SimpleUploadedFile("received.pdf", data, "application/pdf")},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "真正な決裁文書です" in page
    assert 'data-testid="check-content" data-ok="true"' in page


def test_a_changed_byte_fails_the_signature_and_skips_the_rest(
    client, decided, applicant, ward, tmp_path
):
    data = flip_a_signed_byte(download(client, applicant, decided()))
    verdict = verify_pdf(data)
    assert outcome(verdict) == {
        "signature": False,
        "signer": None,
        "document": None,
        "content": None,
    }
    path = tmp_path / "changed.pdf"
    path.write_bytes(data)
    code, output = run_command(path)
    assert code == 1 and "NG signature" in output


def test_another_organisation_under_the_same_ca_is_not_the_ward(
    decided, settings, ward, tmp_path
):
    document = decided()
    other = make_pki(tmp_path / "other", organisation="港区", ca=ward.ca)
    settings.APPROVAL_SIGNING = other.settings()
    forged = signing.sign_pdf(pdf.render(document), reason="決裁").content
    settings.APPROVAL_SIGNING = {**ward.settings(), "TRUST_ROOTS": [str(ward.ca_pem)]}
    verdict = verify_pdf(forged)
    assert outcome(verdict)["signature"] is True
    assert outcome(verdict)["signer"] is False
    assert "港区" in verdict.checks[1].message


def test_a_certificate_from_an_untrusted_ca_fails_the_signer_check(
    decided, settings, ward, tmp_path
):
    document = decided()
    stranger_pki = make_pki(tmp_path / "self-made")  # its own CA, same names
    settings.APPROVAL_SIGNING = stranger_pki.settings()
    forged = signing.sign_pdf(pdf.render(document), reason="決裁").content
    settings.APPROVAL_SIGNING = ward.settings()
    assert outcome(verify_pdf(forged))["signer"] is False


def test_a_pdf_signed_by_the_ward_but_never_issued_here_fails_the_document_check(
    decided, ward
):
    document = decided()
    made_elsewhere = signing.sign_pdf(pdf.render(document), reason="決裁").content
    verdict = verify_pdf(made_elsewhere)
    assert outcome(verdict) == {
        "signature": True,
        "signer": True,
        "document": False,
        "content": None,
    }


def test_content_changed_in_the_database_fails_the_content_check(
    client, decided, applicant, ward
):
    document = decided()
    data = download(client, applicant, document)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE workflows_document SET body = %s WHERE id = %s",
            ["<p>後から書き換えた本文</p>", document.pk],
        )
    verdict = verify_pdf(data)
    assert outcome(verdict)["document"] is True
    assert outcome(verdict)["content"] is False
    assert "content differs" in verdict.checks[3].message


def test_a_superseded_revision_is_said_so(client, decided, applicant, ward):
    document = decided()
    data = download(client, applicant, document)
    signing.sign_document(document=document, reason="訂正")
    verdict = verify_pdf(data)
    assert verdict.ok
    assert "第2版があります" in verdict.checks[2].message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a pdf at all", "PDFファイルを選んでください。"),
        (b"%PDF-1.7\n garbage", "PDFとして読み取れません。"),
    ],
)
def test_bad_uploads_get_a_clear_message(client, applicant, ward, content, message):
    client.force_login(applicant)
    response = client.post(
        "/approvals/verify/",
        {"file": SimpleUploadedFile("x.pdf", content, "application/pdf")},
    )
    assert response.status_code in (200, 400)
    assert message in response.content.decode()


def test_an_unsigned_pdf_is_reported_as_unsigned(decided, ward):
    verdict = verify_pdf(pdf.render(decided()))
    assert not verdict.ok
    assert verdict.checks[0].message == "電子署名がありません。"


def test_verify_pdf_command_names_a_missing_file(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"missing\.pdf"):
        call_command("verify_pdf", str(tmp_path / "missing.pdf"))
