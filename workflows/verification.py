"""Is this PDF an authentic decided document of this ward? Four checks, in order:

1. 署名: the PDF has a PAdES signature that is intact and cryptographically valid, and
   nothing but validation data and timestamps was added after it;
2. 署名者: the signer's certificate chains to the ward's trust roots and is the ward's
   own signing certificate (not another organisation under the same CA);
3. 文書: the signed file is one this intranet issued, for a decided document whose
   文書番号 exists;
4. 内容: that document's content still matches the digest its 決裁 entry in the ledger
   recorded.

Each check says what failed; later checks are skipped when an earlier one fails.
Used by the upload page (/approvals/verify/) and `manage.py verify_pdf FILE`.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature

from . import integrity, signing
from .models import LedgerEntry, SignedPdf

logger = logging.getLogger(__name__)


@dataclass
class Check:
    name: str  # signature, signer, document, content
    label: str
    ok: bool | None  # None: not checked (an earlier check failed)
    message: str


@dataclass
class Verdict:
    checks: list[Check] = field(default_factory=list)
    number: str = ""
    signer: str = ""
    signed_at: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)


LABELS = {
    "signature": gettext_lazy("電子署名"),
    "signer": gettext_lazy("署名者"),
    "document": gettext_lazy("文書番号"),
    "content": gettext_lazy("内容"),
}


def _verdict(results: list[tuple[str, bool, str]], **kwargs) -> Verdict:
    verdict = Verdict(**kwargs)
    for name, ok, message in results:
        verdict.checks.append(Check(name, str(LABELS[name]), ok, message))
    for name in LABELS:
        if name not in {check.name for check in verdict.checks}:
            verdict.checks.append(
                Check(name, str(LABELS[name]), None, _("前の確認が通らないため未確認"))
            )
    return verdict


def verify_pdf(data: bytes) -> Verdict:
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = [
            sig for sig in reader.embedded_regular_signatures if sig.byte_range
        ]
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError):
        return _verdict(
            [("signature", False, _("PDFとして読み取れません。"))],
        )
    if not signatures:
        return _verdict([("signature", False, _("電子署名がありません。"))])
    embedded = signatures[0]
    try:
        status = validate_pdf_signature(embedded, signing.validation_context())
    except Exception as error:  # pyHanko raises many kinds on malformed input
        logger.info("signature validation failed: %s", error)
        return _verdict(
            [
                (
                    "signature",
                    False,
                    _("電子署名を検証できません（%(error)s）。") % {"error": error},
                )
            ]
        )
    signer_name = status.signing_cert.subject.human_friendly
    when = status.timestamp_validity.timestamp if status.timestamp_validity else None
    context = {
        "signer": signer_name,
        "signed_at": when.isoformat() if when else "",
    }
    results = []
    if not (status.intact and status.valid):
        results.append(
            (
                "signature",
                False,
                _("署名の対象範囲が改変されています（署名が一致しません）。"),
            )
        )
        return _verdict(results, **context)
    if (
        status.modification_level is not None
        and status.modification_level > ModificationLevel.LTA_UPDATES
    ):
        results.append(("signature", False, _("署名の後に文書が変更されています。")))
        return _verdict(results, **context)
    results.append(("signature", True, _("署名は有効です（改変なし）。")))
    if not status.trusted:
        results.append(
            (
                "signer",
                False,
                _(
                    "署名者の証明書（%(signer)s）は区の信頼する認証局のものではありません。"
                )
                % {"signer": signer_name},
            )
        )
        return _verdict(results, **context)
    if not _is_the_wards(status.signing_cert):
        results.append(
            (
                "signer",
                False,
                _("署名者（%(signer)s）は区の署名用証明書ではありません。")
                % {"signer": signer_name},
            )
        )
        return _verdict(results, **context)
    results.append(("signer", True, signer_name))
    signed_bytes = data[: embedded.byte_range[2] + embedded.byte_range[3]]
    issued = (
        SignedPdf.objects.select_related("document")
        .filter(sha256=hashlib.sha256(signed_bytes).hexdigest())
        .first()
    )
    if issued is None:
        results.append(
            (
                "document",
                False,
                _("この区の電子決裁で発行された署名済みPDFではありません。"),
            )
        )
        return _verdict(results, **context)
    document = issued.document
    context["number"] = document.number_label
    latest = document.signed_pdfs.order_by("-revision").first()
    message = _("%(number)s（%(year)s年度）") % {
        "number": document.number_label,
        "year": document.fiscal_year,
    }
    if latest.pk != issued.pk:
        message += _(" — 第%(revision)s版があります（このPDFは第%(old)s版）。") % {
            "revision": latest.revision,
            "old": issued.revision,
        }
    results.append(("document", True, message))
    entry = (
        LedgerEntry.objects.filter(
            document=document, action__in=integrity.DECISION_ACTIONS
        )
        .order_by("-sequence")
        .first()
    )
    problem = integrity.check_document(document, entry)
    results.append(
        (
            "content",
            not problem,
            _("処理履歴（決裁の記録）の内容と一致します。")
            if not problem
            else _("処理履歴（決裁の記録）の内容と一致しません: %(problem)s")
            % {"problem": problem},
        )
    )
    return _verdict(results, **context)


def _is_the_wards(certificate) -> bool:
    """The configured signing certificate, or one that signed a PDF here before (a
    renewed certificate leaves the older ones valid for what they signed)."""
    if (
        signing.is_configured()
        and signing.signer().signing_cert.dump() == certificate.dump()
    ):
        return True
    return SignedPdf.objects.filter(signer=certificate.subject.human_friendly).exists()
