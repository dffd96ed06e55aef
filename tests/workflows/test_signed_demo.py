"""Done when: from a fresh clone with the demo ward, a decided demo document's PDF
downloaded by its applicant is a valid PAdES signature for pdfsig, and verify_ledger
exits non-zero after a decided body is changed directly in the database."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from directory import demo as directory_demo
from intranet.settings import environment
from tests.support.pki import nss_database
from workflows import demo as workflows_demo
from workflows.models import Document, SignedPdf

from .test_integrity import run_verify_ledger
from .test_signing import download, pdfsig

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_signing(settings, monkeypatch, tmp_path):
    """`make demo`'s certificate step, in a var/ of the test's own."""
    monkeypatch.setattr(environment, "DEMO_SIGNING_DIR", tmp_path / "signing")
    for name in (
        "APPROVAL_SIGNING_PKCS12",
        "APPROVAL_SIGNING_PASSWORD_FILE",
        "TSA_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    call_command("create_demo_signing_certificate", stdout=io.StringIO())
    settings.APPROVAL_SIGNING = environment.approval_signing()
    return settings.APPROVAL_SIGNING


def test_a_demo_document_downloaded_by_its_applicant_is_signed(
    client, home_page, settings, demo_signing, tmp_path
):
    settings.DEBUG = True  # as load_demo_data requires
    out = io.StringIO()
    directory_demo.load(stdout=out)
    workflows_demo.load(stdout=out)
    document = Document.objects.filter(state=Document.State.DECIDED).first()
    data = download(client, document.applicant, document)
    assert "デモ用" in SignedPdf.objects.get(document=document).signer
    output = pdfsig(data, tmp_path)
    assert "Signature is Valid" in output
    assert "ETSI.CAdES.detached" in output
    nss = nss_database(tmp_path / "nss", demo_signing["TRUST_ROOTS"][0])
    assert "Certificate is Trusted" in pdfsig(data, tmp_path, nss)
    assert run_verify_ledger()[0] == 0
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE workflows_document SET body = %s WHERE id = %s",
            ["<p>決裁後に書き換えた本文</p>", document.pk],
        )
    code, output = run_verify_ledger()
    assert code == 1
    assert f"CONTENT {document.number_label}" in output


def test_production_refuses_the_demo_certificate(demo_signing):
    with pytest.raises(environment.ConfigurationError, match="デモ用"):
        environment.require_real_signing(demo_signing)


def test_running_the_demo_command_again_keeps_the_certificate(demo_signing):
    before = (environment.DEMO_SIGNING_DIR / "demo-signing.p12").read_bytes()
    out = io.StringIO()
    call_command("create_demo_signing_certificate", stdout=out)
    assert "already" in out.getvalue()
    assert (environment.DEMO_SIGNING_DIR / "demo-signing.p12").read_bytes() == before
