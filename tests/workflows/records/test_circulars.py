"""回覧 with read receipts: 既読/未読 per person, a reminder to the unread, 回覧終了."""

import pytest
from django.urls import reverse

from intranet.notifications.models import Notification
from workflows.errors import ApprovalError, NotAllowed
from workflows.models import LedgerEntry
from workflows.records import services
from workflows.records.models import CircularRecipient

pytestmark = pytest.mark.django_db


def test_circulate_a_decided_document_to_a_unit(
    client, decided, table, applicant, kakaricho, kacho, office
):
    document = decided()
    circular = services.start_circular(
        by=kacho,
        subject="研修の実施について",
        message="各自確認してください。",
        units=[office.units.shomu],
        document=document,
    )
    people = set(circular.recipients.values_list("person__username", flat=True))
    assert people == {"suzuki", "sato"}
    assert Notification.objects.filter(kind="records_circular").count() == 2
    assert LedgerEntry.objects.filter(
        document=document, action=LedgerEntry.Action.CIRCULATE
    ).exists()

    client.force_login(applicant)
    page = client.get(circular.get_absolute_url())
    assert (
        page.status_code == 200 and 'data-testid="mark-read"' in page.content.decode()
    )
    client.post(reverse("records:circular_action", args=[circular.pk, "read"]))
    receipt = CircularRecipient.objects.get(circular=circular, person=applicant)
    first_read = receipt.read_at
    assert first_read is not None
    services.mark_read(circular=circular, by=applicant)  # idempotent
    receipt.refresh_from_db()
    assert receipt.read_at == first_read

    with pytest.raises(NotAllowed):
        services.remind_unread(circular=circular, by=applicant)
    assert services.remind_unread(circular=circular, by=kacho) == 1
    assert (
        Notification.objects.filter(
            recipient=kakaricho, kind="records_circular"
        ).count()
        == 2
    )
    client.force_login(kacho)
    receipts = client.get(circular.get_absolute_url()).content.decode()
    assert "既読 1 / 2人" in receipts
    services.close_circular(circular=circular, by=kacho)
    with pytest.raises(ApprovalError):
        services.remind_unread(circular=circular, by=kacho)


def test_confidential_documents_only_to_readers(
    decided, table, applicant, kacho, stranger
):
    secret = decided(confidential=True)
    with pytest.raises(ApprovalError, match="秘文書"):
        services.start_circular(
            by=kacho, subject="秘", people=[stranger], document=secret
        )
    with pytest.raises(NotAllowed):
        services.start_circular(
            by=stranger, subject="見えない", people=[applicant], document=secret
        )


def test_notice_without_a_document_and_strangers_cannot_open_it(
    client, applicant, kacho, stranger
):
    circular = services.start_circular(
        by=kacho, subject="年末年始の窓口体制", people=[applicant]
    )
    entry = LedgerEntry.objects.get(action=LedgerEntry.Action.CIRCULATE)
    assert entry.document_id is None and entry.data["circular"] == circular.pk
    client.force_login(stranger)
    assert client.get(circular.get_absolute_url()).status_code == 404
    with pytest.raises(ApprovalError, match="回覧先"):
        services.start_circular(by=kacho, subject="宛先なし")
