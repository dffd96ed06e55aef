"""Decided PDFs carry a PAdES signature (B-B, B-T with the tests' own TSA, B-LT with a
CRL), checked by two independent verifiers: pyHanko's validator and poppler's pdfsig."""

import io
import subprocess

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.core.management import call_command
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext

from tests.support.pki import local_tsa, make_pki, nss_database
from tests.support.programs import require_program
from workflows import signing
from workflows.models import SignedPdf

pytestmark = pytest.mark.django_db


def download(client, person, document) -> bytes:
    client.force_login(person)
    response = client.get(f"/approvals/{document.pk}/pdf/")
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == "application/pdf"
    return response.content


def trust(pki) -> ValidationContext:
    root = asn1_x509.Certificate.load(
        pki.ca.certificate.public_bytes(serialization.Encoding.DER)
    )
    return ValidationContext(trust_roots=[root])


def pyhanko_status(data: bytes, pki):
    reader = PdfFileReader(io.BytesIO(data))
    return validate_pdf_signature(reader.embedded_signatures[0], trust(pki))


def pdfsig(data: bytes, tmp_path, nssdir: str | None = None) -> str:
    path = tmp_path / "checked.pdf"
    path.write_bytes(data)
    command = [require_program("pdfsig")]
    if nssdir:
        command += ["-nssdir", nssdir]
    result = subprocess.run(
        [*command, str(path)], capture_output=True, text=True, check=False
    )
    return result.stdout + result.stderr


def flip_a_signed_byte(data: bytes) -> bytes:
    """One byte of the first signed range changed (in the Producer string)."""
    at = data.index(b"ReportLab")
    changed = bytearray(data)
    changed[at] = ord("r")
    return bytes(changed)


def test_the_decided_pdf_is_signed_b_t_and_both_verifiers_accept_it(
    client, decided, applicant, signed_with_tsa, tsa, tmp_path
):
    document = decided()
    data = download(client, applicant, document)
    record = SignedPdf.objects.get(document=document)
    assert record.level == SignedPdf.Level.B_T and record.revision == 1
    assert tsa.served["requests"] >= 1
    assert "千代田区長" in record.signer
    status = pyhanko_status(data, signed_with_tsa)
    assert status.intact and status.valid and status.trusted
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.intact and status.timestamp_validity.trusted
    assert status.bottom_line
    output = pdfsig(data, tmp_path)
    assert "Signature is Valid" in output
    assert "ETSI.CAdES.detached" in output
    trusted = pdfsig(
        data, tmp_path, nss_database(tmp_path / "nss", signed_with_tsa.ca_pem)
    )
    assert "Signature is Valid" in trusted
    assert "Certificate is Trusted" in trusted
    # Every later download returns the same signed bytes.
    assert download(client, applicant, document) == data == bytes(record.content)


def test_one_changed_byte_in_the_signed_range_fails_both_verifiers(
    client, decided, applicant, signed_with_tsa, tmp_path
):
    data = download(client, applicant, decided())
    changed = flip_a_signed_byte(data)
    status = pyhanko_status(changed, signed_with_tsa)
    assert not status.intact and not status.bottom_line
    output = pdfsig(changed, tmp_path)
    assert "Signature is Valid" not in output
    assert "Digest Mismatch" in output or "Signature is Invalid" in output


def test_without_a_tsa_the_signature_is_b_b(client, decided, applicant, settings, pki):
    settings.APPROVAL_SIGNING = pki.settings(tsa_url=None)
    data = download(client, applicant, decided())
    assert SignedPdf.objects.get().level == SignedPdf.Level.B_B
    status = pyhanko_status(data, pki)
    assert status.bottom_line and status.timestamp_validity is None


def test_a_ca_with_a_crl_gives_b_lt(client, decided, applicant, settings, tmp_path):
    first = make_pki(tmp_path / "ca")
    with local_tsa(first) as endpoint:
        pki = make_pki(tmp_path / "crl", ca=first.ca, crl_url=endpoint.crl_url)
        settings.APPROVAL_SIGNING = pki.settings(tsa_url=endpoint.url)
        data = download(client, applicant, decided())
    assert SignedPdf.objects.get().level == SignedPdf.Level.B_LT
    reader = PdfFileReader(io.BytesIO(data))
    dss = reader.root["/DSS"]
    assert len(dss["/CRLs"]) >= 1 and len(dss["/Certs"]) >= 2
    assert pyhanko_status(data, pki).bottom_line


def test_signing_at_the_decision_runs_after_commit(
    decided, signed_with_tsa, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = decided()
    signed = SignedPdf.objects.get(document=document)
    assert signed.reason == f"{document.number_label} 決裁"


def test_a_correction_is_a_new_revision_signed_again(decided, signed_with_tsa):
    document = decided()
    first = signing.signed_pdf_for(document)
    second = signing.sign_document(document=document, reason="訂正（誤字）")
    assert (first.revision, second.revision) == (1, 2)
    assert signing.signed_pdf_for(document) == second
    assert second.content != first.content
    assert second.sha256 != first.sha256


def test_without_a_certificate_the_pdf_is_served_unsigned(client, decided, applicant):
    data = download(client, applicant, decided())
    assert not SignedPdf.objects.exists()
    assert not PdfFileReader(io.BytesIO(data)).embedded_signatures


def test_an_unreachable_tsa_gives_a_clear_error_not_a_500(
    client, decided, applicant, settings, pki
):
    settings.APPROVAL_SIGNING = pki.settings(tsa_url="http://127.0.0.1:9/")
    client.force_login(applicant)
    response = client.get(f"/approvals/{decided().pk}/pdf/")
    assert response.status_code == 503
    assert "署名済みPDFを作成できませんでした" in response.content.decode()
    assert not SignedPdf.objects.exists()


def test_archive_timestamps_add_b_lta_and_keep_the_signature(
    decided, signed_with_tsa, tmp_path
):
    document = decided()
    first = bytes(signing.signed_pdf_for(document).content)
    out = io.StringIO()
    call_command("add_archive_timestamps", stdout=out)
    assert "1" in out.getvalue()
    signed = SignedPdf.objects.get(document=document)
    after = bytes(signed.content)
    assert signed.level == SignedPdf.Level.B_LTA and signed.archived_at
    assert after.startswith(first) and len(after) > len(first)
    reader = PdfFileReader(io.BytesIO(after))
    signature, timestamp = reader.embedded_signatures
    assert validate_pdf_signature(signature, trust(signed_with_tsa)).bottom_line
    assert validate_pdf_timestamp(timestamp, trust(signed_with_tsa)).valid
    assert "Signature is Valid" in pdfsig(after, tmp_path)
    # Run again: a fresh timestamp over the chain, still appending only.
    call_command("add_archive_timestamps", "--all", stdout=io.StringIO())
    again = bytes(SignedPdf.objects.get(document=document).content)
    assert again.startswith(after) and len(again) > len(after)
