"""Document numbers (文書番号): one series per section, restarting every fiscal year.

The counter row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
transactions serialise writers) and incremented in the same transaction as the
decision, so a number is never used twice and never skipped: a rolled-back decision
rolls its number back too. A unique constraint on the document backs this up.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction

from directory.models import OrgUnit
from intranet.core.dates import fiscal_year

from .models import Document, DocumentCounter, DocumentSeries


def default_prefix(section: OrgUnit) -> str:
    """「千代総」: the ward's abbreviation (two characters) and the section's first."""
    root_id = section.ancestor_ids()[0] if section.path else section.pk
    root = OrgUnit.objects.filter(pk=root_id).first() or section
    ward = (root.short_name or root.name).removesuffix("区")[:2]
    own = (section.short_name or section.name)[:1]
    return f"{ward}{own}"


def series_for(section: OrgUnit) -> DocumentSeries:
    series = DocumentSeries.objects.filter(unit=section).first()
    if series is not None:
        return series
    try:
        with transaction.atomic():
            return DocumentSeries.objects.create(
                unit=section, prefix=default_prefix(section)
            )
    except IntegrityError:
        return DocumentSeries.objects.get(unit=section)


def locked_counter(model, **keys):
    """The counter row of ``model`` for ``keys``, created if missing and locked for
    the rest of the transaction. Any counter model with ``last_number`` will do
    (文書番号 here, 収受番号 in workflows.records)."""
    counter = model.objects.select_for_update().filter(**keys).first()
    if counter is not None:
        return counter
    try:
        with transaction.atomic():
            model.objects.create(**keys)
    except IntegrityError:
        pass  # created by a concurrent writer; lock the existing row below
    return model.objects.select_for_update().get(**keys)


def assign_number(document: Document, day: datetime.date) -> str:
    """Give ``document`` the next number of its section's series for ``day``'s 年度."""
    series = series_for(document.owner_section)
    year = fiscal_year(day)
    counter = locked_counter(DocumentCounter, series=series, fiscal_year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    document.number_series = series
    document.fiscal_year = year
    document.number = counter.last_number
    document.number_label = series.label(counter.last_number)
    return document.number_label
