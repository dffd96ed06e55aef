"""Records at 満了: the lists for the 文書管理担当 and the notice in the 年度's last
quarter (1月〜3月), sent by ``manage.py records_expiring`` (run it daily)."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Group
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from directory import roles
from intranet.core.dates import fiscal_year, fiscal_year_label
from intranet.notifications.kinds import Kind
from intranet.notifications.services import notify
from workflows.models import Document

from ..lifecycle import Disposition
from ..models import IncomingDocument

OPEN = (Disposition.KEPT, Disposition.EXTENDED)


def year_end(day: datetime.date) -> datetime.date:
    return datetime.date(fiscal_year(day) + 1, 3, 31)


def expiring(*, until: datetime.date, section=None):
    """(documents, incoming) kept or extended whose 満了日 is on or before ``until``."""
    documents = Document.objects.filter(
        state=Document.State.DECIDED, expires_on__lte=until, disposition__in=OPEN
    )
    incoming = IncomingDocument.objects.filter(
        expires_on__lte=until, disposition__in=OPEN
    )
    if section is not None:
        documents = documents.filter(owner_section=section)
        incoming = incoming.filter(section=section)
    return documents, incoming


def notify_expiring(*, day: datetime.date | None = None, force: bool = False) -> int:
    """In the 年度's last quarter, tell every 文書管理担当 how many records of each
    課 reach their 満了日 by 3月31日. Returns the number of records announced."""
    day = day or timezone.localdate()
    if day.month not in (1, 2, 3) and not force:
        return 0
    until = year_end(day)
    documents, incoming = expiring(until=until)
    counts: dict[str, int] = {}
    for rows in (
        documents.values("owner_section__name").annotate(n=Count("pk")),
        incoming.values("section__name").annotate(n=Count("pk")),
    ):
        for row in rows:
            name = row.get("owner_section__name") or row.get("section__name")
            counts[name] = counts.get(name, 0) + row["n"]
    total = sum(counts.values())
    if not total:
        return 0
    managers = Group.objects.get(name=roles.APPROVAL_ADMINS).user_set.filter(
        is_active=True
    )
    notify(
        recipients=list(managers),
        kind=Kind.RECORDS_EXPIRING,
        subject=_("%(year)s末に保存期間が満了する文書が%(count)s件あります")
        % {"year": fiscal_year_label(fiscal_year(day)), "count": total},
        body="、".join(f"{name} {n}件" for name, n in sorted(counts.items())),
        url=reverse("records:expiring"),
        group_key=f"records-expiring:{until.isoformat()}",
    )
    return total
