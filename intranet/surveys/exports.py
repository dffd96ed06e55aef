"""The PT's export of survey answers (CMS → フォーム → アンケート名 → CSV / Excel).

- Times in Asia/Tokyo (the date on the screen is the date in the file), to the
  minute: answers are stored to the minute too (models.SurveyPage), so a row cannot
  be matched to the request log's timestamps and so to a person.
- CSV starts with a BOM, so Japanese Excel opens it as UTF-8, not Shift_JIS.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from wagtail.contrib.forms.views import SubmissionsListView

BOM = "\ufeff"
CSV_TIME_FORMAT = "%Y/%m/%d %H:%M"


def local_minute(value: datetime.datetime) -> datetime.datetime:
    """``value`` in the intranet's time zone, seconds dropped, naive (for Excel)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(second=0, microsecond=0, tzinfo=None)


class SurveySubmissionsListView(SubmissionsListView):
    custom_value_preprocess = {
        **SubmissionsListView.custom_value_preprocess,
        datetime.datetime: {
            SubmissionsListView.FORMAT_CSV: lambda value: local_minute(value).strftime(
                CSV_TIME_FORMAT
            ),
            SubmissionsListView.FORMAT_XLSX: local_minute,
        },
    }

    def stream_csv(self, queryset):
        yield BOM
        yield from super().stream_csv(queryset)
