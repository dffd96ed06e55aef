"""At 満了: 延長, 廃棄 through a 廃棄協議 on the approval engine, 移管 as BagIt."""

import datetime
import json
import os

import bagit
import pytest
from django.contrib.auth.models import Group

from directory import roles
from workflows.errors import ApprovalError, NotAllowed
from workflows.integrity import verify_contents
from workflows.ledger import verify
from workflows.models import Attachment, Document, LedgerEntry
from workflows.records import services
from workflows.records.lifecycle import Disposition
from workflows.records.models import DisposalRequest
from workflows.records.register import register_rows

from .conftest import walk

pytestmark = pytest.mark.django_db


def test_paper_decision_takes_the_series_number_and_is_complete(
    paper_document, applicant
):
    first = paper_document()
    second = paper_document(title="二件目")
    assert first.state == Document.State.DECIDED and first.storage == "paper"
    assert (first.fiscal_year, first.number, second.number) == (2019, 1, 2)
    assert first.completed_on == datetime.date(2019, 6, 14)
    assert first.expires_on == datetime.date(2021, 3, 31)
    assert first.binder.fiscal_year == 2019
    assert first.attachments.count() == 1
    assert LedgerEntry.objects.filter(
        document=first, action=LedgerEntry.Action.REGISTER_PAPER
    ).exists()
    assert verify_contents().ok  # the registration records the paper 決裁's digest


def test_extension_recounts_from_completion(paper_document, records_manager, applicant):
    document = paper_document()
    with pytest.raises(NotAllowed):
        services.extend_retention(
            record=document, years=3, reason="訴訟のため", by=applicant
        )
    with pytest.raises(ApprovalError, match="理由"):
        services.extend_retention(
            record=document, years=3, reason=" ", by=records_manager
        )
    extended = services.extend_retention(
        record=document, years=3, reason="訴訟継続中のため", by=records_manager
    )
    assert extended.expires_on == datetime.date(2024, 3, 31)
    assert extended.disposition == Disposition.EXTENDED
    (row,) = register_rows(fiscal_year=2019)
    assert row[9] == "1年（3年延長）" and row[10] == "2024-03-31"
    entry = LedgerEntry.objects.get(document=document, action=LedgerEntry.Action.EXTEND)
    assert entry.comment == "訴訟継続中のため"


def test_disposal_leaves_the_register_entry_and_nothing_else(
    paper_document,
    disposal_rule,
    records_manager,
    decided,
    table,
    django_capture_on_commit_callbacks,
):
    expired = paper_document()
    Document.objects.filter(pk=expired.pk).update(body="<p>概要</p>")
    scan = expired.attachments.get()
    stored = scan.file.path
    assert os.path.exists(stored)
    current = decided()  # not expired: cannot be listed
    with pytest.raises(ApprovalError, match="満了していません"):
        services.request_disposal(
            section=expired.owner_section, records=[current], by=records_manager
        )
    request = services.request_disposal(
        section=expired.owner_section, records=[expired], by=records_manager
    )
    with pytest.raises(ApprovalError, match="廃棄協議中"):
        services.request_disposal(
            section=expired.owner_section, records=[expired], by=records_manager
        )
    expired.refresh_from_db()
    assert expired.body and Attachment.objects.filter(document=expired).exists()

    with django_capture_on_commit_callbacks(execute=True):
        approval = walk(request.approval)
    assert approval.state == Document.State.DECIDED
    expired.refresh_from_db()
    request.refresh_from_db()
    assert request.state == DisposalRequest.State.APPLIED
    assert expired.is_destroyed and expired.disposal_reference == approval.number_label
    assert expired.body == "" and expired.search_text == ""
    assert not Attachment.objects.filter(document=expired).exists()
    assert not os.path.exists(stored)
    # The register still lists it, with the 廃棄日 and the 協議's number.
    (row,) = register_rows(fiscal_year=2019)
    assert row[1] == expired.number_label and row[2] == expired.title
    assert row[12] == "廃棄" and row[14] == approval.number_label
    assert LedgerEntry.objects.filter(
        document=expired, action=LedgerEntry.Action.DESTROY
    ).exists()
    assert verify().ok
    # verify_ledger's content check leaves destroyed records out, checks the rest.
    report = verify_contents()
    assert report.ok, report.mismatches
    assert report.documents == Document.objects.filter(state="decided").count() - 1


def test_transfer_writes_a_valid_bagit_package(
    paper_document, records_manager, settings, tmp_path
):
    settings.APPROVALS = {**settings.APPROVALS, "TRANSFER_ROOT": str(tmp_path)}
    document = paper_document()
    (folder,) = services.transfer(records=[document], by=records_manager)
    bag = bagit.Bag(str(folder))
    bag.validate()  # raises BagValidationError on any mismatch
    assert "sha256" in bag.algorithms
    payload = set(bag.payload_files())
    assert "data/document.pdf" in payload and "data/metadata.json" in payload
    assert any(name.startswith("data/attachments/") for name in payload)
    metadata = json.loads((folder / "data" / "metadata.json").read_text("utf-8"))
    assert metadata["number"] == document.number_label
    document.refresh_from_db()
    assert document.disposition == Disposition.TRANSFERRED
    assert document.disposal_reference == folder.name
    # A changed payload no longer validates.
    (folder / "data" / "metadata.json").write_text("{}", encoding="utf-8")
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(folder)).validate()


def test_a_transfer_package_names_a_secret_only_to_who_may_know_of_it(
    paper_document, records_manager, stranger, settings, tmp_path
):
    """bag-info.txt names the record through the gate: a 文書管理担当 who is a
    stranger to the 秘 document labels the package （秘）文書; the payload stays whole
    for the archives."""
    settings.APPROVALS = {**settings.APPROVALS, "TRANSFER_ROOT": str(tmp_path)}
    roles.ensure_role_groups()
    Group.objects.get(name=roles.APPROVAL_ADMINS).user_set.add(stranger)
    secret = paper_document(title="職員の懲戒処分について")
    Document.objects.filter(pk=secret.pk).update(confidential=True)
    shared = paper_document(title="庁内報の発行について")
    stranger = type(stranger).objects.get(pk=stranger.pk)  # roles re-read
    folders = services.transfer(records=[secret, shared], by=stranger)
    labels = []
    for folder in folders:
        bag = bagit.Bag(str(folder))
        bag.validate()
        labels.append(bag.info["External-Description"])
    assert labels == ["（秘）文書", "庁内報の発行について"]
    metadata = json.loads((folders[0] / "data" / "metadata.json").read_text("utf-8"))
    assert metadata["title"] == "職員の懲戒処分について"
    # The 文書管理担当 who filed it (its filer) may know of it: marked （秘）.
    again = paper_document(title="職員の懲戒処分について（続）")
    Document.objects.filter(pk=again.pk).update(confidential=True)
    (folder,) = services.transfer(records=[again], by=records_manager)
    label = bagit.Bag(str(folder)).info["External-Description"]
    assert label == "（秘）職員の懲戒処分について（続）"
