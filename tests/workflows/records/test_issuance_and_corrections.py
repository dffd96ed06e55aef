"""施行 with a 公印 (a short flow on the approval engine, logged in the 公印使用簿)
and 訂正 after 決裁 (approved by the decider, the original unchanged)."""

import datetime
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from intranet.notifications.models import Notification
from tests.support.programs import require_program
from tests.workflows.test_signing import download, pdfsig, pyhanko_status
from workflows import signing
from workflows.errors import ApprovalError, NotAllowed
from workflows.ledger import verify
from workflows.models import Document, LedgerEntry, SignedPdf
from workflows.records import services
from workflows.records.models import Correction, Issuance, SealUse

from .conftest import walk

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_issue_with_seal_waits_for_the_seal_approval(
    decided, table, seal_rule, applicant, kacho, stranger
):
    document = decided()
    Document.objects.filter(pk=document.pk).update(
        requires_issuance=True, completed_on=None, expires_on=None
    )
    document.refresh_from_db()
    with pytest.raises(NotAllowed):
        services.issue(
            document=document,
            by=stranger,
            issued_on=TODAY,
            destination="東京都総務局",
            method=Issuance.Method.POST,
        )
    issuance = services.issue(
        document=document,
        by=applicant,
        issued_on=TODAY,
        destination="東京都総務局",
        method=Issuance.Method.POST,
        seal_name="区長印",
    )
    assert issuance.state == Issuance.State.AWAITING_SEAL
    document.refresh_from_db()
    assert document.completed_on is None  # not yet issued
    approval = walk(issuance.seal_approval)
    assert approval.state == Document.State.DECIDED
    issuance.refresh_from_db()
    assert issuance.state == Issuance.State.ISSUED
    seal = SealUse.objects.get(issuance=issuance)
    assert seal.seal_name == "区長印" and seal.approved_by == kacho
    assert seal.approval_number == approval.number_label
    assert document.number_label in seal.sealed_document
    document.refresh_from_db()
    assert document.completed_on == TODAY
    actions = set(
        LedgerEntry.objects.filter(document=document).values_list("action", flat=True)
    )
    assert {"seal", "issue", "complete"} <= actions
    assert verify().ok


def test_issue_without_seal_and_bad_input(decided, table, applicant):
    document = decided()
    with pytest.raises(ApprovalError, match="施行先"):
        services.issue(
            document=document,
            by=applicant,
            issued_on=TODAY,
            destination=" ",
            method=Issuance.Method.POST,
        )
    with pytest.raises(ApprovalError, match="決裁日以後"):
        services.issue(
            document=document,
            by=applicant,
            issued_on=TODAY - datetime.timedelta(days=30),
            destination="区民",
            method=Issuance.Method.HAND,
        )
    issuance = services.issue(
        document=document,
        by=applicant,
        issued_on=TODAY,
        destination="区民",
        method=Issuance.Method.HAND,
    )
    assert issuance.state == Issuance.State.ISSUED and issuance.seal_approval is None


def test_correction_approved_by_the_decider_and_kept_beside_the_original(
    client, decided, table, applicant, kacho, kakaricho
):
    document = decided(body="<p>開催日は12月10日</p>")
    original = (document.body, document.content_digest())
    with pytest.raises(ApprovalError, match="理由"):
        services.request_correction(
            document=document, by=applicant, reason="", content="x"
        )
    correction = services.request_correction(
        document=document,
        by=applicant,
        reason="開催日の誤記",
        content="開催日は12月11日",
    )
    assert correction.approver == kacho  # the 課長 decided it
    assert Notification.objects.filter(
        recipient=kacho, kind="records_correction"
    ).exists()
    with pytest.raises(NotAllowed):
        services.decide_correction(correction=correction, by=kakaricho, approve=True)
    services.decide_correction(correction=correction, by=kacho, approve=True)
    correction.refresh_from_db()
    assert correction.state == Correction.State.APPROVED
    document.refresh_from_db()
    assert (document.body, document.content_digest()) == original
    assert (
        LedgerEntry.objects.filter(
            document=document, action=LedgerEntry.Action.CORRECT
        ).count()
        == 2
    )
    client.force_login(applicant)
    page = client.get(document.get_absolute_url())
    assert "開催日は12月11日" in page.content.decode()
    pdf = client.get(reverse("workflows:pdf", args=[document.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert verify().ok


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "text.pdf"
    path.write_bytes(data)
    return subprocess.run(
        [require_program("pdftotext"), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_an_approved_correction_is_a_new_revision_signed_again(
    client,
    decided,
    table,
    applicant,
    kacho,
    signed_with_tsa,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    document = decided(body="<p>開催日は12月10日</p>")
    original = download(client, applicant, document)
    correction = services.request_correction(
        document=document,
        by=applicant,
        reason="開催日の誤記",
        content="開催日は12月11日",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_correction(correction=correction, by=kacho, approve=True)
    first, second = SignedPdf.objects.filter(document=document).order_by("revision")
    assert bytes(first.content) == original  # the 決裁's signed bytes never change
    assert second.revision == 2
    assert second.reason == f"{document.number_label} 訂正（第1号）"
    corrected = download(client, applicant, document)
    assert corrected == bytes(second.content) != original
    assert "12月11日" in pdf_text(corrected, tmp_path)
    assert "12月11日" not in pdf_text(original, tmp_path)
    output = pdfsig(corrected, tmp_path)
    assert "Signature is Valid" in output
    assert "ETSI.CAdES.detached" in output
    assert pyhanko_status(corrected, signed_with_tsa).bottom_line
    # A retried task finds the revision signed and signs nothing more.
    signing.sign_revision_once(document=document, reason=second.reason)
    assert SignedPdf.objects.filter(document=document).count() == 2


@pytest.mark.usefixtures("table", "signed_with_tsa")
def test_a_rejected_correction_signs_nothing(
    client, decided, applicant, kacho, django_capture_on_commit_callbacks
):
    document = decided()
    download(client, applicant, document)
    correction = services.request_correction(
        document=document, by=applicant, reason="誤記", content="訂正後の文"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_correction(correction=correction, by=kacho, approve=False)
    assert SignedPdf.objects.filter(document=document).count() == 1


def test_correction_goes_to_the_successor(decided, table, applicant, kacho, office):
    from tests.factories import MembershipFactory, PersonFactory

    document = decided()
    # 人事異動: 高橋 leaves the post; 井上 is the new 課長.
    kacho.memberships.update(valid_until=TODAY)
    successor = PersonFactory(username="inoue", last_name="井上", first_name="聡")
    MembershipFactory(
        person=successor,
        unit=office.units.somu_ka,
        post=office.posts.kacho,
        valid_from=TODAY,
    )
    correction = services.request_correction(
        document=document, by=applicant, reason="誤記", content="訂正後の文"
    )
    assert correction.approver == successor
