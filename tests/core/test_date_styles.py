"""西暦 / 和暦 display, deadlines with their weekday, and the 年度 people type."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.urls import reverse

from intranet.core import dates

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def render(source: str, **context) -> str:
    return Template("{% load intranet %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("style", "text"),
    [
        (dates.SEIREKI, "2026年12月2日（水）"),
        (dates.WAREKI, "令和8年12月2日（水）"),
    ],
)
def test_format_date_in_each_style(style, text):
    assert dates.format_date(datetime.date(2026, 12, 2), style=style) == text


def test_first_year_of_an_era_is_gannen():
    day = datetime.date(2019, 5, 1)
    assert dates.format_date(day, style=dates.WAREKI) == "令和元年5月1日（水）"
    assert dates.format_date(datetime.date(2019, 4, 30), style=dates.WAREKI) == (
        "平成31年4月30日（火）"
    )


def test_format_datetime_uses_tokyo_time():
    moment = datetime.datetime(2027, 3, 31, 14, 59, tzinfo=datetime.UTC)
    assert dates.format_datetime(moment, style=dates.WAREKI) == (
        "令和9年3月31日（水）23:59"
    )
    assert dates.format_datetime(moment, year=False) == "3月31日（水）23:59"


def test_style_follows_the_active_style_and_is_restored():
    day = datetime.date(2026, 12, 2)
    assert dates.format_date(day) == "2026年12月2日（水）"
    with dates.style_of(dates.WAREKI):
        assert dates.format_date(day) == "令和8年12月2日（水）"
        assert render("{{ day|jdate }}", day=day) == "令和8年12月2日（水）"
    assert dates.current_style() == dates.SEIREKI
    with dates.style_of("nonsense"):
        assert dates.format_date(day) == "2026年12月2日（水）"


def test_deadline_always_has_its_weekday():
    today = datetime.date(2026, 12, 3)
    assert dates.format_deadline(datetime.date(2026, 1, 5), today=today) == (
        "期限 1月5日（月）"
    )
    # Another calendar year: the year is shown, in the reader's style.
    assert (
        dates.format_deadline(
            datetime.date(2027, 1, 5), today=today, style=dates.WAREKI
        )
        == "期限 令和9年1月5日（火）"
    )
    assert dates.format_deadline(datetime.date(2027, 1, 5), today=today) == (
        "期限 2027年1月5日（火）"
    )


def test_deadline_keeps_a_time_of_day_but_not_midnight_or_end_of_day():
    today = datetime.date(2026, 12, 3)
    at = datetime.datetime(2026, 12, 4, 17, 15, tzinfo=TOKYO)
    assert dates.format_deadline(at, today=today) == "期限 12月4日（金）17:15"
    end = datetime.datetime(2026, 12, 4, 23, 59, tzinfo=TOKYO)
    assert dates.format_deadline(end, today=today) == "期限 12月4日（金）"


def test_filters_render_nothing_for_no_date():
    assert (
        render("{{ day|jdate }}{{ day|jdatetime }}{{ day|deadline }}", day=None) == ""
    )


def test_short_filters_leave_the_year_out():
    moment = datetime.datetime(2026, 12, 2, 9, 5, tzinfo=TOKYO)
    assert render('{{ m|jdatetime:"short" }}', m=moment) == "12月2日（水）09:05"
    assert render('{{ m|jdate:"short" }}', m=moment) == "12月2日（水）"
    assert render("{{ m|jdatetime }}", m=moment) == "2026年12月2日（水）09:05"


@pytest.mark.parametrize(
    ("typed", "year"),
    [
        ("2026", 2026),
        ("２０２６", 2026),
        ("2026年度", 2026),
        ("令和8", 2026),
        ("令和8年度", 2026),
        ("令和８年度", 2026),
        ("R8", 2026),
        ("r8", 2026),
        ("令和元", 2019),
        ("令和元年度", 2019),
        ("平成31", 2019),
        ("H30", 2018),
        ("昭和64", 1989),
    ],
)
def test_parse_fiscal_year(typed, year):
    assert dates.parse_fiscal_year(typed) == year


@pytest.mark.parametrize("typed", ["", "令和", "令和0", "8", "R", "二千二十六", "3000"])
def test_parse_fiscal_year_refuses_what_it_cannot_read(typed):
    with pytest.raises(ValueError):
        dates.parse_fiscal_year(typed)


def test_display_settings_page_saves_the_preference(applicant_client, applicant):
    url = reverse("directory:display_settings")
    page = applicant_client.get(url)
    assert page.status_code == 200
    assert "和暦（令和8年12月2日）" in page.content.decode()
    response = applicant_client.post(url, {"date_style": "wareki"})
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.date_style == "wareki"
    shown = applicant_client.get(url).content.decode()
    assert "現在の表示: 令和" in shown
    # Bad input: a clear error, nothing changed.
    bad = applicant_client.post(url, {"date_style": "meiji"})
    assert bad.status_code == 400
    assert "正しく選択してください" in bad.content.decode()
    applicant.refresh_from_db()
    assert applicant.date_style == "wareki"
