"""What a token may do. ``all`` grants every scope."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    DOCUMENTS_READ = "documents:read", _("文書の閲覧")
    DOCUMENTS_WRITE = "documents:write", _("文書の起案・添付・提出")
    TASKS_READ = "tasks:read", _("処理待ち案件の閲覧")
    TASKS_ACT = "tasks:act", _("案件の承認・差戻し等")
    BOOKINGS_READ = "bookings:read", _("空き状況・予約の閲覧")
    BOOKINGS_WRITE = "bookings:write", _("予約・取消")
    PEOPLE_READ = "people:read", _("職員名簿の閲覧")
    RECORDS_READ = "records:read", _("文書管理台帳の閲覧")


ALL = "all"


def parse_scopes(text: str) -> list[str]:
    """``"all"`` or a comma-separated list of scopes; ValueError names a bad one."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise ValueError("no scopes given")
    if ALL in names:
        return [ALL]
    unknown = [name for name in names if name not in Scope.values]
    if unknown:
        raise ValueError(f"unknown scope(s): {', '.join(unknown)}")
    return sorted(set(names))
