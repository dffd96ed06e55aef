import datetime

from django import template
from django.utils import timezone

from intranet.core import dates

register = template.Library()


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).date()
            if timezone.is_aware(value)
            else value.date()
        )
    return value


@register.filter
def wareki(value):
    """{{ day|wareki }} → 令和8年11月27日"""
    day = _as_date(value)
    return dates.wareki(day) if day else ""


@register.filter
def jdate(value, arg=""):
    """{{ day|jdate }} → 2026年11月27日（金） or 令和8年11月27日（金）, as the reader
    chose (``Person.date_style``); ``|jdate:"short"`` leaves the year out."""
    if not value:
        return ""
    return dates.format_date(value, year=arg != "short")


@register.filter
def jdatetime(value, arg=""):
    """{{ moment|jdatetime }} → 令和8年11月27日（金）10:32 (local time, reader's style);
    ``|jdatetime:"short"`` leaves the year out."""
    if not value:
        return ""
    if not isinstance(value, datetime.datetime):
        return dates.format_date(value, year=arg != "short")
    return dates.format_datetime(value, year=arg != "short")


@register.filter
def deadline(value):
    """{{ step.due_date|deadline }} → 期限 1月5日（火） (always with the weekday)."""
    return dates.format_deadline(value) if value else ""


@register.filter
def fiscal_year_label(value):
    """{{ day|fiscal_year_label }} → 令和8年度"""
    day = _as_date(value)
    return dates.fiscal_year_label(dates.fiscal_year(day)) if day else ""


@register.inclusion_tag("components/icon.html")
def icon(name, label=""):
    return {"name": name, "label": label}
