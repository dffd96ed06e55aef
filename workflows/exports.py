"""CSV and Excel exports of a filtered list of the documents a user may see."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .models import Document

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 50_000


def headers() -> list[str]:
    return [
        _("文書ID"),
        _("文書番号"),
        _("件名"),
        _("文書分類"),
        _("状態"),
        _("起案者"),
        _("主管課"),
        _("起案日"),
        _("決裁日"),
        _("金額（円）"),
        _("保存年限"),
        _("秘"),
    ]


def _day(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d") if moment else ""


def rows(documents) -> Iterator[list]:
    documents = documents.select_related(
        "document_type", "applicant", "owner_section"
    ).order_by("-updated_at", "-pk")[:MAX_ROWS]
    for document in documents.iterator(chunk_size=2000):
        yield [
            document.pk,
            document.number_with_year,
            document.title,
            document.document_type.name,
            str(Document.State(document.state).label),
            document.applicant.full_name,
            document.owner_section.name,
            _day(document.submitted_at),
            _day(document.decided_at),
            document.amount if document.amount is not None else "",
            str(document.retention_label),
            str(_("秘")) if document.confidential else "",
        ]


class _Echo:
    def write(self, value):
        return value


def _safe(value):
    # Cells starting with = + - @ are formulas in spreadsheets (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_lines(data: Iterable[list], columns: list[str] | None = None) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # BOM: Excel opens UTF-8 correctly
    yield "\ufeff" + writer.writerow(columns or headers())
    for row in data:
        yield writer.writerow([_safe(value) for value in row])


def xlsx_bytes(
    data: Iterable[list], columns: list[str] | None = None, sheet_title: str = ""
) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title or _("起案文書"))
    bold = Font(bold=True)
    header_cells = []
    for title in columns or headers():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in data:
        sheet.append([_safe(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
