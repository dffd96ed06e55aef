"""The 文書管理簿: every decided 起案 and every 収受 of a 年度, one row each.

``register_rows`` is the one source of the rows: the management command, the page
for the 文書管理担当 and the API all read it. It streams: each table is read with
``values()`` in chunks, so the number of queries and the memory used do not grow
with the number of records.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import OrgUnit
from workflows import access as document_access
from workflows.models import Document, Retention

from . import access
from .lifecycle import Disposition, Storage
from .models import IncomingDocument

CHUNK = 2000


def columns() -> list[str]:
    return [
        _("区分"),
        _("文書番号"),
        _("件名"),
        _("分類"),
        _("簿冊"),
        _("担当課"),
        _("起案者・担当者"),
        _("決裁日・収受日"),
        _("完結日"),
        _("保存期間"),
        _("保存期間満了日"),
        _("保存場所"),
        _("措置"),
        _("廃棄・移管日"),
        _("廃棄協議・移管の番号"),
    ]


# Machine names of the columns, in the same order (the API's fields).
FIELDS = (
    "category",
    "number",
    "title",
    "classification",
    "binder",
    "section",
    "person",
    "decided_or_received_on",
    "completed_on",
    "retention",
    "expires_on",
    "storage",
    "disposition",
    "disposed_on",
    "disposal_reference",
)


def period_label(retention_years: int, extension_years: int) -> str:
    if not retention_years:
        return str(_("常用（永年）"))
    label = str(Retention(retention_years).label)
    if extension_years:
        label += _("（%(years)s年延長）") % {"years": extension_years}
    return label


def _day(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value).date()
    return value.isoformat()


def _classification(row) -> str:
    code = row["classification__code"]
    return f"{code} {row['classification__name']}" if code else ""


def _name(row, prefix) -> str:
    return f"{row[prefix + '__last_name'] or ''} {row[prefix + '__first_name'] or ''}".strip()


_LABELS: dict = {}


def _label(choices, value) -> str:
    key = (choices, value)
    if key not in _LABELS:
        _LABELS[key] = str(choices(value).label)
    return _LABELS[key]


def _known(queryset, known_q):
    """Annotate ``known``: may the reader know of each row (its title)."""
    if isinstance(known_q, Q) and not known_q:
        # An auditor knows of everything; When() refuses an empty condition.
        return queryset.annotate(known=Value(True, output_field=BooleanField()))
    return queryset.annotate(
        known=Case(When(known_q, then=True), default=False, output_field=BooleanField())
    )


COMMON = (
    "number_label",
    "title",
    "confidential",
    "classification__code",
    "classification__name",
    "binder__name",
    "completed_on",
    "retention_years",
    "extension_years",
    "expires_on",
    "storage",
    "disposition",
    "disposed_on",
    "disposal_reference",
    "known",
)


def _row(kind: str, row: dict, section: str, person: str, day) -> list:
    return [
        kind,
        row["number_label"],
        document_access.shown_title(
            row["title"], confidential=row["confidential"], known=row["known"]
        ),
        _classification(row),
        row["binder__name"] or "",
        section,
        person,
        _day(day),
        _day(row["completed_on"]),
        period_label(row["retention_years"], row["extension_years"]),
        _day(row["expires_on"]),
        _label(Storage, row["storage"]),
        _label(Disposition, row["disposition"]),
        _day(row["disposed_on"]),
        row["disposal_reference"],
    ]


def register_rows(
    *,
    fiscal_year: int,
    user=None,
    section: OrgUnit | None = None,
    retention_years: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> Iterator[list]:
    """The register of ``fiscal_year``: decided 起案 (by series and number), then
    収受 (likewise). With ``user``, each title is shown as the one gate allows
    (``workflows.access``: marked （秘）, or withheld as （秘）文書 from someone who
    may not know of the record); without one (the published register) every 秘
    title is withheld. ``section`` and ``retention_years`` (保存期間, 0 for 常用)
    narrow it; ``offset`` and ``limit`` give one window of it, cut in SQL."""
    documents = Document.objects.filter(
        state=Document.State.DECIDED, fiscal_year=fiscal_year
    )
    incoming = IncomingDocument.objects.filter(fiscal_year=fiscal_year)
    if section is not None:
        documents = documents.filter(owner_section=section)
        incoming = incoming.filter(section=section)
    if retention_years is not None:
        documents = documents.filter(retention_years=retention_years)
        incoming = incoming.filter(retention_years=retention_years)
    if user is not None:
        knowable = document_access.knowable_documents_for(user)
        documents = _known(documents, Exists(knowable.filter(pk=OuterRef("pk"))))
        incoming = _known(incoming, access.knowable_incoming_q(user))
    else:
        # The published register: every title but the 秘 ones.
        documents = _known(documents, Q(confidential=False))
        incoming = _known(incoming, Q(confidential=False))
    documents = documents.order_by("number_series_id", "number").values(
        *COMMON,
        "owner_section__name",
        "applicant__last_name",
        "applicant__first_name",
        "decided_at",
    )
    incoming = incoming.order_by("series_id", "number").values(
        *COMMON,
        "section__name",
        "assignee__last_name",
        "assignee__first_name",
        "received_on",
    )
    if offset or limit is not None:
        documents, incoming = _window(documents, incoming, offset, limit)
    kind_document, kind_incoming = str(_("起案")), str(_("収受"))
    for row in documents.iterator(chunk_size=CHUNK):
        yield _row(
            kind_document,
            row,
            row["owner_section__name"],
            _name(row, "applicant"),
            row["decided_at"],
        )
    for row in incoming.iterator(chunk_size=CHUNK):
        yield _row(
            kind_incoming,
            row,
            row["section__name"],
            _name(row, "assignee"),
            row["received_on"],
        )


def _window(documents, incoming, offset: int, limit: int | None):
    """Rows ``offset`` to ``offset + limit`` of the 起案 followed by the 収受."""
    end = None if limit is None else offset + limit
    counted = documents.count()
    later = max(0, offset - counted)
    later_end = None if end is None else max(0, end - counted)
    return (
        documents[offset:end] if offset < counted else documents.none(),
        incoming[later:later_end]
        if later_end is None or later_end > later
        else incoming.none(),
    )
