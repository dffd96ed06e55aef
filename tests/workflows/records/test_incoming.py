"""収受: gapless numbers per 年度 and series, the 担当 told, a reply linked."""

import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection
from django.utils import timezone

from intranet.notifications.models import Notification
from workflows.errors import ApprovalError, InvalidAttachment
from workflows.models import LedgerEntry
from workflows.records import services
from workflows.records.access import can_view_incoming
from workflows.records.models import IncomingDocument

TODAY = timezone.localdate()


def _register(office, by, **kwargs):
    fields = {
        "by": by,
        "received_on": TODAY,
        "channel": IncomingDocument.Channel.MAIL,
        "sender": "東京都総務局",
        "title": "文書事務研修の開催について（通知）",
        "section": office.units.shomu,  # a 係: numbered in its 課's series
    }
    fields.update(kwargs)
    return services.register_incoming(**fields)


@pytest.mark.django_db
def test_register_numbers_notifies_and_links_a_reply(
    office, rules, applicant, kakaricho, stranger
):
    pdf = SimpleUploadedFile(
        "通知.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n%%EOF\n"
    )
    first = _register(office, kakaricho, assignee=applicant, upload=pdf)
    second = _register(office, kakaricho, title="二通目")
    assert first.section == office.units.somu_ka
    assert (first.number, second.number) == (1, 2)
    assert first.number_label.endswith("収第1号")
    assert first.sha256 and first.file.read().startswith(b"%PDF")
    note = Notification.objects.get(recipient=applicant)
    assert note.kind == "incoming_assigned"
    assert first.title in note.subject
    entry = LedgerEntry.objects.get(
        action=LedgerEntry.Action.RECEIVE, data__incoming=first.pk
    )
    assert entry.document_id is None
    assert can_view_incoming(applicant, first)
    assert not can_view_incoming(stranger, first)

    reply = services.start_reply(incoming=first, by=applicant)
    first.refresh_from_db()
    assert first.reply == reply
    assert reply.title == "文書事務研修の開催について（回答）"
    with pytest.raises(ApprovalError):
        services.start_reply(incoming=first, by=applicant)


@pytest.mark.django_db
def test_numbers_restart_each_fiscal_year(office, rules, kakaricho):
    last_year = _register(
        office, kakaricho, received_on=datetime.date(2026, 3, 31), title="前年度"
    )
    this_year = _register(
        office, kakaricho, received_on=datetime.date(2026, 4, 1), title="新年度"
    )
    assert (last_year.fiscal_year, last_year.number) == (2025, 1)
    assert (this_year.fiscal_year, this_year.number) == (2026, 1)


@pytest.mark.django_db
def test_bad_input_is_refused_and_uses_no_number(office, rules, kakaricho):
    with pytest.raises(ApprovalError, match="差出人"):
        _register(office, kakaricho, sender="  ")
    with pytest.raises(ApprovalError, match="未来"):
        _register(office, kakaricho, received_on=TODAY + datetime.timedelta(days=1))
    with pytest.raises(InvalidAttachment):
        _register(
            office,
            kakaricho,
            upload=SimpleUploadedFile("virus.exe", b"MZ\x90\x00binary"),
        )
    assert _register(office, kakaricho).number == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_gapless_numbers(office, rules, kakaricho):
    count = 6
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        try:
            barrier.wait(timeout=30)
            results[index] = _register(office, kakaricho, title=f"同時{index}").number
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    assert sorted(results) == list(range(1, count + 1))
    assert sorted(IncomingDocument.objects.values_list("number", flat=True)) == list(
        range(1, count + 1)
    )
