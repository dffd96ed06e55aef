"""The 分類表 as CSV (UTF-8 with BOM), for the 文書管理担当 to edit in Excel.

Columns: 分類記号, 名称, 階層 (1 大分類, 2 中分類, 3 小分類), 上位の分類記号, 課コード,
保存期間 (1, 3, 5, 10, 30; 0 = 常用), 文書種別コード (separated by spaces). An import
goes into an unpublished table only, all rows or none, and names each bad row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.db import transaction
from django.utils.translation import gettext as _

from directory.models import OrgUnit
from workflows.errors import ApprovalError, NotAllowed
from workflows.models import DocumentType, Retention

from . import access
from .models import Classification, ClassificationTable

HEADER = [
    "分類記号",
    "名称",
    "階層",
    "上位の分類記号",
    "課コード",
    "保存期間",
    "文書種別コード",
]
MAX_BYTES = 2 * 1024 * 1024


def export_lines(table: ClassificationTable) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for node in (
        table.classifications.select_related("parent", "section")
        .prefetch_related("document_types")
        .order_by("code")
    ):
        writer.writerow(
            [
                node.code,
                node.name,
                node.level,
                node.parent.code if node.parent else "",
                node.section.code if node.section else "",
                "" if node.retention_years is None else node.retention_years,
                " ".join(sorted(t.code for t in node.document_types.all())),
            ]
        )
    yield "\ufeff" + buffer.getvalue()


def _fail(line: int, message) -> ApprovalError:
    return ApprovalError(
        _("%(line)s行目: %(message)s") % {"line": line, "message": message}
    )


@transaction.atomic
def import_csv(*, table: ClassificationTable, data: bytes, by) -> int:
    """Replace the classifications of an unpublished table with the CSV's rows."""
    if not access.is_records_manager(by):
        raise NotAllowed()
    if table.is_published:
        raise ApprovalError(_("公開済みの分類表は変更できません。"))
    if len(data) > MAX_BYTES:
        raise ApprovalError(_("ファイルが大きすぎます（上限2MB）。"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApprovalError(_("UTF-8のCSVファイルを指定してください。")) from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [cell.strip() for cell in rows[0][: len(HEADER)]] != HEADER:
        raise ApprovalError(
            _("1行目は見出し（%(header)s）にしてください。")
            % {"header": ",".join(HEADER)}
        )
    units = {unit.code: unit for unit in OrgUnit.objects.all()}
    types = {kind.code: kind for kind in DocumentType.objects.all()}
    for level in (3, 2, 1):  # children first: a parent is protected
        table.classifications.filter(level=level).delete()
    nodes: dict[str, Classification] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = [cell.strip() for cell in row] + [""] * len(HEADER)
        code, name, level, parent, unit, years, kinds = cells[: len(HEADER)]
        if not code or not name:
            raise _fail(line, _("分類記号と名称は必須です。"))
        if code in nodes:
            raise _fail(
                line, _("分類記号 %(code)s が重複しています。") % {"code": code}
            )
        if level not in ("1", "2", "3"):
            raise _fail(line, _("階層は1・2・3のいずれかです。"))
        level = int(level)
        parent_node = nodes.get(parent) if parent else None
        if (level == 1) != (parent_node is None) or (
            parent_node is not None and parent_node.level != level - 1
        ):
            raise _fail(
                line,
                _("上位の分類記号が正しくありません（上の行で定義してください）。"),
            )
        retention = None
        if level == 3:
            if not years.isdigit() or int(years) not in Retention.values:
                raise _fail(
                    line,
                    _("小分類の保存期間は1・3・5・10・30・0（常用）のいずれかです。"),
                )
            retention = int(years)
        if unit and unit not in units:
            raise _fail(
                line, _("課コード %(code)s は名簿にありません。") % {"code": unit}
            )
        unknown = [k for k in kinds.split() if k not in types]
        if unknown:
            raise _fail(
                line, _("文書種別コード %(code)s はありません。") % {"code": unknown[0]}
            )
        nodes[code] = Classification.objects.create(
            table=table,
            parent=parent_node,
            level=level,
            code=code[:30],
            name=name[:100],
            section=units.get(unit),
            retention_years=retention,
        )
        nodes[code].document_types.set([types[k] for k in kinds.split()])
    return len(nodes)
