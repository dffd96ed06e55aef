import datetime

import pytest

from intranet.core import dates
from intranet.core.models import ClosureDay

D = datetime.date


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (D(2026, 11, 27), "令和8年11月27日"),
        (D(2019, 5, 1), "令和元年5月1日"),
        (D(2019, 4, 30), "平成31年4月30日"),
        (D(1989, 1, 8), "平成元年1月8日"),
        (D(1989, 1, 7), "昭和64年1月7日"),
    ],
)
def test_wareki(day, text):
    assert dates.wareki(day) == text


def test_fiscal_year_runs_april_to_march():
    assert dates.fiscal_year(D(2026, 4, 1)) == 2026
    assert dates.fiscal_year(D(2027, 3, 31)) == 2026
    assert dates.fiscal_year_label(2026) == "令和8年度"
    assert dates.fiscal_year_label(2019) == "令和元年度"


@pytest.mark.django_db
def test_business_days_skip_golden_week():
    # 2026-04-28 (Tue) + 3 business days: 4/29 昭和の日, 5/2-6 holidays and weekend.
    assert dates.add_business_days(D(2026, 4, 28), 1) == D(2026, 4, 30)
    assert dates.add_business_days(D(2026, 4, 28), 3) == D(2026, 5, 7)


@pytest.mark.django_db
def test_business_days_skip_new_year_closure_and_ward_closure_days():
    assert dates.add_business_days(D(2026, 12, 28), 1) == D(2027, 1, 4)
    ClosureDay.objects.create(date=D(2027, 1, 4), name="庁舎設備点検")
    assert dates.add_business_days(D(2026, 12, 28), 1) == D(2027, 1, 5)
    assert dates.closure_reason(D(2027, 1, 4)) == "閉庁日"
    assert dates.closure_reason(D(2027, 1, 2)) is not None
    assert dates.business_days_between(D(2026, 12, 25), D(2027, 1, 5)) == 2
