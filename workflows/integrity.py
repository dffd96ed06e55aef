"""What a decision fixed, as one digest, and the check that it still holds.

At 決裁 the ledger's decision entry records ``record``: the SHA-256 of the decided
document's content — title, body, amount, classification, 文書番号, the main route
with every action taken on it (who, as whom, when, what, comment) and the attachments'
SHA-256. The hash chain proves that entry was not altered; ``verify_contents``
recomputes the digest from the tables and names every decided document whose content
no longer matches it (an SQL ``UPDATE`` of a body, a swapped attachment, an edited
seal). Entries written before the record digest existed carry only ``content`` (the
submitted content's digest) and are checked against that.

Steps that may legitimately change after 決裁 (供覧, 後閲) are not part of the record.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Prefetch

from .models import Attachment, Document, LedgerEntry, RouteStep
from .records.lifecycle import Disposition

# A paper 決裁 registered afterwards (workflows.records) records its digest likewise.
DECISION_ACTIONS = (
    LedgerEntry.Action.DECIDE,
    LedgerEntry.Action.DECIDE_ON_BEHALF,
    LedgerEntry.Action.REGISTER_PAPER,
)


def _moment(value) -> str | None:
    if value is None:
        return None
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def record_digest(
    document: Document,
    *,
    steps: Iterable[RouteStep] | None = None,
    attachments: Iterable[Attachment] | None = None,
) -> str:
    """SHA-256 of the decided content; ``steps`` and ``attachments`` may be given
    already loaded (any order; only the main steps of the last round count)."""
    if steps is None:
        steps = RouteStep.objects.filter(document=document)
    if attachments is None:
        attachments = document.attachments.all()
    route = sorted(
        (
            step
            for step in steps
            if step.round == document.round and step.kind in RouteStep.MAIN_KINDS
        ),
        key=lambda step: (step.position, step.pk),
    )
    files = sorted(
        (item for item in attachments if item.removed_at is None),
        key=lambda item: item.pk,
    )
    canonical = {
        "title": document.title,
        "body": document.body,
        "amount": document.amount,
        "type": document.document_type_id,
        "retention": document.retention_years,
        "confidential": document.confidential,
        "applicant": document.applicant_id,
        "number": document.number_label,
        "route": [
            [
                step.kind,
                step.position,
                step.label,
                step.status,
                step.acted_by_id,
                step.on_behalf_of_id,
                step.capacity,
                _moment(step.acted_at),
                step.comment,
            ]
            for step in route
        ],
        "attachments": [[item.original_name, item.sha256] for item in files],
    }
    text = json.dumps(
        canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Mismatch:
    number: str
    document_id: int
    detail: str

    def __str__(self):
        return f"CONTENT {self.number or f'document {self.document_id}'}: {self.detail}"


@dataclass
class ContentReport:
    documents: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def decided_batches(batch: int, *, after: int = 0) -> Iterator[list[Document]]:
    """Decided documents past primary key ``after``, in order, a batch at a time, with
    their steps and attachments: a constant number of queries per batch. Destroyed
    records (廃棄, workflows.records) are left out: their content is gone by design,
    and their 廃棄 is itself a ledger entry."""
    last = after
    base = (
        Document.objects.filter(state=Document.State.DECIDED)
        .exclude(disposition=Disposition.DESTROYED)
        .order_by("pk")
        .prefetch_related(
            Prefetch("steps", queryset=RouteStep.objects.order_by()),
            Prefetch("attachments", queryset=Attachment.objects.order_by()),
        )
    )
    while True:
        chunk = list(base.filter(pk__gt=last)[:batch])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def verify_contents(*, batch: int = 1000) -> ContentReport:
    """Every decided document against its decision entry; every difference named by
    文書番号. A decided document with no decision entry is reported too."""
    report = ContentReport()
    for chunk in decided_batches(batch):
        decisions: dict[int, LedgerEntry] = {}
        for entry in LedgerEntry.objects.filter(
            document_id__in=[document.pk for document in chunk],
            action__in=DECISION_ACTIONS,
        ).only("document_id", "sequence", "data"):
            # The latest decision counts (a corrected revision is decided again).
            known = decisions.get(entry.document_id)
            if known is None or entry.sequence > known.sequence:
                decisions[entry.document_id] = entry
        for document in chunk:
            report.documents += 1
            problem = check_document(document, decisions.get(document.pk))
            if problem:
                report.mismatches.append(
                    Mismatch(document.number_label, document.pk, problem)
                )
    return report


def check_document(document: Document, entry: LedgerEntry | None) -> str:
    """What differs between the document and its decision entry; empty when nothing."""
    if entry is None:
        return "no decision entry in the ledger"
    data = entry.data or {}
    if data.get("number") and data["number"] != document.number_label:
        return (
            f"the ledger (#{entry.sequence}) records number {data['number']!r}, "
            f"the document now shows {document.number_label!r}"
        )
    steps = document.steps.all()
    attachments = document.attachments.all()
    if "record" in data:
        current = record_digest(document, steps=steps, attachments=attachments)
        expected = data["record"]
    else:
        current = document.content_digest(
            attachments=sorted(
                (a for a in attachments if a.removed_at is None), key=lambda a: a.pk
            )
        )
        expected = data.get("content")
    if current != expected:
        return (
            f"content differs from the decision entry #{entry.sequence} "
            f"(recorded {str(expected)[:16]}…, now {current[:16]}…)"
        )
    return ""
