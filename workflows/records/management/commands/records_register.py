"""python manage.py records_register --fiscal-year 2026 --format csv > 文書管理簿.csv"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from intranet.core.dates import fiscal_year_label
from workflows import exports
from workflows.records.register import columns, register_rows


class Command(BaseCommand):
    help = "Write a fiscal year's records register (文書管理簿) to standard output."

    def add_arguments(self, parser):
        parser.add_argument("--fiscal-year", type=int, required=True)
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")

    def handle(self, *args, fiscal_year, format, **options):
        if not 1900 <= fiscal_year <= 2999:
            raise CommandError(_("年度は西暦4桁で指定してください（例: 2026）。"))
        with translation.override("ja"):
            rows = register_rows(fiscal_year=fiscal_year)
            out = getattr(self.stdout, "_out", sys.stdout)
            binary = getattr(out, "buffer", None)
            if format == "xlsx":
                content = exports.xlsx_bytes(
                    rows,
                    columns(),
                    sheet_title=_("%(year)s 文書管理簿")
                    % {"year": fiscal_year_label(fiscal_year)},
                )
                if binary is None:
                    raise CommandError(_("Excel形式はファイルへ出力してください。"))
                binary.write(content)
                binary.flush()
                return
            for line in exports.csv_lines(rows, columns()):
                if binary is not None:
                    binary.write(line.encode("utf-8"))
                else:
                    out.write(line)
            out.flush()
