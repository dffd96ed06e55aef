"""分類, 簿冊, 完結 and the 保存期間満了日 rule."""

import datetime

import pytest
from django.utils import timezone

from workflows.errors import ApprovalError, NotAllowed
from workflows.ledger import verify
from workflows.models import LedgerEntry
from workflows.records import services
from workflows.records.lifecycle import expiry_date
from workflows.records.models import Binder

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("completed", "years", "expires"),
    [
        # 令和8年度 (FY2026) runs 2026-04-01 … 2027-03-31.
        (datetime.date(2026, 4, 1), 5, datetime.date(2032, 3, 31)),
        (datetime.date(2026, 11, 27), 5, datetime.date(2032, 3, 31)),
        (datetime.date(2027, 3, 31), 5, datetime.date(2032, 3, 31)),
        # The next day is 令和9年度: one more year.
        (datetime.date(2027, 4, 1), 5, datetime.date(2033, 3, 31)),
        (datetime.date(2027, 1, 15), 1, datetime.date(2028, 3, 31)),
        (datetime.date(2026, 6, 1), 30, datetime.date(2057, 3, 31)),
        (datetime.date(2026, 6, 1), 0, None),  # 常用 never expires
    ],
)
def test_expiry_counts_from_the_next_fiscal_year(completed, years, expires):
    assert expiry_date(completed, years) == expires


def test_decision_completes_and_files_the_document(decided, table, applicant):
    document = decided()
    today = timezone.localdate()
    assert document.completed_on == today
    assert document.expires_on == expiry_date(today, 5)
    assert document.classification == table.jimu  # suggested by 一般文書
    binder = document.binder
    assert (binder.section, binder.fiscal_year) == (
        document.owner_section,
        document.fiscal_year,
    )
    assert binder.name == "文書事務"
    # The next one of the same 分類, 課 and 年度 goes into the same 簿冊.
    assert decided(title="二件目").binder == binder
    assert Binder.objects.count() == 1
    actions = list(
        LedgerEntry.objects.filter(document=document).values_list("action", flat=True)
    )
    # The 決裁 entry records the 完結 made with it; no second entry.
    assert actions[-1] == LedgerEntry.Action.DECIDE
    assert verify().ok


def test_reclassify_by_author_or_records_manager(
    decided, table, applicant, stranger, records_manager
):
    document = decided()
    with pytest.raises(NotAllowed):
        services.classify(record=document, classification=table.koho, by=stranger)
    with pytest.raises(ApprovalError, match="小分類"):
        services.classify(record=document, classification=table.bunsho, by=applicant)
    moved = services.classify(
        record=document, classification=table.koho, by=records_manager
    )
    assert moved.binder.name == "庁内報"
    assert LedgerEntry.objects.filter(
        document=document, action=LedgerEntry.Action.FILE
    ).exists()


def test_no_table_in_force_leaves_the_document_unfiled(decided, rules):
    document = decided()
    assert document.classification is None
    assert document.completed_on is not None
