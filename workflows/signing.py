"""PAdES signatures on decided PDFs (ETSI EN 319 142), made with pyHanko.

A decided document is signed once, at 決裁, with the ward's organisation certificate
(``APPROVAL_SIGNING``: a PKCS#12 file and its password). With ``TSA_URL`` the
signature carries an RFC 3161 timestamp (B-T, else B-B); where the certificate names a
CRL or OCSP responder, the certificates and revocation data are embedded (B-LT). The
signed bytes are stored (``SignedPdf``) and every later download returns them; a 訂正
calls :func:`sign_document` again for a new revision, never editing signed bytes.
:func:`add_archive_timestamp` appends a document timestamp (B-LTA) so the signature
stays verifiable after the certificate expires (docs/operations.md).
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

from . import pdf
from .models import Document, SignedPdf

logger = logging.getLogger(__name__)
FIELD_NAME = "WardSignature"
# Top left of the first page, beside the 決裁欄 (A4 portrait, points from bottom left).
SIGNATURE_BOX = (40, 760, 265, 806)


class SigningUnavailable(Exception):
    """No signing certificate is configured (development without `make demo`)."""


def is_configured() -> bool:
    return bool(settings.APPROVAL_SIGNING["PKCS12"])


@lru_cache(maxsize=4)
def _load_signer(path: str, password: str, mtime: float) -> signers.SimpleSigner:
    signer = signers.SimpleSigner.load_pkcs12(
        pfx_file=path, passphrase=password.encode() or None
    )
    if signer is None:
        raise SigningUnavailable(f"{path}: cannot be opened with the password given")
    return signer


def signer() -> signers.SimpleSigner:
    config = settings.APPROVAL_SIGNING
    if not config["PKCS12"]:
        raise SigningUnavailable("APPROVAL_SIGNING_PKCS12 is not set")
    path = config["PKCS12"]
    return _load_signer(path, config["PASSWORD"], Path(path).stat().st_mtime)


def trust_roots() -> list[asn1_x509.Certificate]:
    """The CA certificates named by APPROVAL_SIGNING_TRUST_ROOTS (PEM or DER)."""
    roots = []
    for name in settings.APPROVAL_SIGNING["TRUST_ROOTS"]:
        data = Path(name).read_bytes()
        if pem.detect(data):
            roots += [
                asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, True)
            ]
        else:
            roots.append(asn1_x509.Certificate.load(data))
    return roots


def validation_context(*, fetch: bool = False) -> ValidationContext:
    return ValidationContext(
        trust_roots=trust_roots(),
        allow_fetching=fetch,
        revocation_mode="soft-fail",
    )


def timestamper() -> HTTPTimeStamper | None:
    config = settings.APPROVAL_SIGNING
    if not config["TSA_URL"]:
        return None
    return HTTPTimeStamper(config["TSA_URL"], timeout=config["TSA_TIMEOUT"])


def _offers_revocation(certificate: asn1_x509.Certificate) -> bool:
    return bool(certificate.crl_distribution_points or certificate.ocsp_urls)


@lru_cache(maxsize=1)
def _stamp_style() -> TextStampStyle:
    font = settings.APPROVALS["PDF_FONT"]
    box = (
        TextBoxStyle(font=GlyphAccumulatorFactory(font, font_size=7))
        if font and Path(font).is_file()
        else TextBoxStyle(font_size=7)
    )
    return TextStampStyle(
        stamp_text="電子署名\n署名者: %(signer)s\n日時: %(ts)s",
        text_box_style=box,
        timestamp_format="%Y-%m-%d %H:%M %Z",
        border_width=1,
        background=None,
    )


@dataclass
class Signed:
    content: bytes
    level: str
    signer: str


def sign_pdf(content: bytes, *, reason: str) -> Signed:
    """Sign ``content`` (a PDF) with the ward's certificate; the strongest level the
    configuration allows (B-LT > B-T > B-B)."""
    ward = signer()
    stamper = timestamper()
    certificate = ward.signing_cert
    embed = _offers_revocation(certificate)
    try:
        return _sign(content, ward, stamper, reason=reason, embed=embed)
    except Exception as error:
        if not embed:
            raise
        # The CA's CRL/OCSP could not be reached: sign without it rather than not at
        # all; the archive timestamp run adds validation data later.
        logger.warning("B-LT failed (%s); signing without revocation data", error)
        return _sign(content, ward, stamper, reason=reason, embed=False)


def _sign(content, ward, stamper, *, reason: str, embed: bool) -> Signed:
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        reason=reason,
        location=settings.APPROVAL_SIGNING["LOCATION"]
        or settings.INTRANET_ORGANISATION,
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=embed,
        validation_context=validation_context(fetch=True) if embed else None,
    )
    pdf_signer = signers.PdfSigner(
        metadata,
        signer=ward,
        timestamper=stamper,
        stamp_style=_stamp_style(),
        new_field_spec=fields.SigFieldSpec(
            sig_field_name=FIELD_NAME, on_page=0, box=SIGNATURE_BOX
        ),
    )
    output = pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(content)))
    level = SignedPdf.Level.B_B
    if stamper is not None:
        level = SignedPdf.Level.B_LT if embed else SignedPdf.Level.B_T
    return Signed(
        content=output.getvalue(),
        level=level,
        signer=ward.signing_cert.subject.human_friendly,
    )


def decision_reason(document: Document) -> str:
    return f"{document.number_label} 決裁"


@transaction.atomic
def sign_document(*, document: Document, reason: str = "") -> SignedPdf:
    """Render the decided document and sign it as a new revision (the first at 決裁;
    a 訂正 signs its corrected content again). Raises SigningUnavailable when no
    certificate is configured."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.state != Document.State.DECIDED:
        raise ValueError("only decided documents are signed")
    signed = sign_pdf(pdf.render(document), reason=reason or decision_reason(document))
    last = document.signed_pdfs.order_by("-revision").first()
    return SignedPdf.objects.create(
        document=document,
        revision=last.revision + 1 if last else 1,
        reason=reason or decision_reason(document),
        content=signed.content,
        sha256=hashlib.sha256(signed.content).hexdigest(),
        level=signed.level,
        signer=signed.signer,
        signed_at=timezone.now(),
    )


def signed_pdf_for(document: Document) -> SignedPdf | None:
    """The latest signed revision; signed now if 決裁 left it to the task worker and
    the worker has not run yet. None when signing is not configured."""
    latest = document.signed_pdfs.order_by("-revision").first()
    if latest is not None or not is_configured():
        return latest
    with transaction.atomic():
        Document.objects.select_for_update().get(pk=document.pk)
        latest = document.signed_pdfs.order_by("-revision").first()
        return latest or sign_document(document=document)


def sign_after_decision(document_id: int) -> None:
    """At 決裁 (after commit): sign in the task worker, so the decision never waits
    for the TSA."""
    if not is_configured():
        return
    from .tasks import sign_decided_document

    sign_decided_document.enqueue(document_id)


def sign_revision_once(*, document: Document, reason: str) -> SignedPdf:
    """Sign the document's current content as a new revision for ``reason`` (a
    訂正), unless a revision was already signed for it: a retried task signs once."""
    with transaction.atomic():
        Document.objects.select_for_update().get(pk=document.pk)
        done = document.signed_pdfs.filter(reason=reason).order_by("-revision").first()
        return done or sign_document(document=document, reason=reason)


def sign_after_revision(document_id: int, reason: str) -> None:
    """After an approved 訂正 commits: sign the corrected content again, in the task
    worker like a decision (the signed bytes of earlier revisions never change)."""
    if not is_configured():
        return
    from .tasks import sign_document_revision

    sign_document_revision.enqueue(document_id, reason)


def add_archive_timestamp(signed: SignedPdf) -> SignedPdf:
    """Append validation data and a document timestamp (PAdES B-LTA) as an incremental
    update: the bytes signed before stay an unchanged prefix."""
    stamper = timestamper()
    if stamper is None:
        raise SigningUnavailable("TSA_URL is not set")
    before = bytes(signed.content)
    output = io.BytesIO()
    timestamp_signer = signers.PdfTimeStamper(stamper)
    reader = PdfFileReader(io.BytesIO(before))
    if signed.level == SignedPdf.Level.B_LTA:
        timestamp_signer.update_archival_timestamp_chain(
            reader, validation_context(fetch=True), in_place=False, output=output
        )
    else:
        timestamp_signer.timestamp_pdf(
            IncrementalPdfFileWriter(io.BytesIO(before)),
            "sha256",
            validation_context(fetch=True),
            output=output,
        )
    after = output.getvalue()
    if not after.startswith(before):
        raise RuntimeError("an archive timestamp must only append to the signed file")
    signed.content = after
    signed.level = SignedPdf.Level.B_LTA
    signed.archived_at = timezone.now()
    signed.save(update_fields=["content", "level", "archived_at"])
    return signed
