"""The append-only, hash-chained ledger of approval actions.

Every entry's hash covers its sequence number, its fields and the previous entry's
hash; ``LedgerHead`` remembers the last sequence and hash. Appending takes a row lock
on the head, so the chain is one line even with many writers. ``verify`` walks the
chain and names every altered, inserted or deleted entry.

A database trigger (migration 0002) also refuses UPDATE (and on PostgreSQL DELETE) of
ledger rows, so the application cannot change history by accident; the hash chain is
what detects a deliberate change made around it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import LedgerEntry, LedgerHead

GENESIS = hashlib.sha256(b"ward-intranet approval ledger").hexdigest()


def entry_digest(
    *,
    sequence: int,
    document_id: int | None,
    action: str,
    actor_id: int | None,
    on_behalf_of_id: int | None,
    at,
    from_step: str,
    to_step: str,
    comment: str,
    data: dict,
    previous_hash: str,
) -> str:
    canonical = json.dumps(
        {
            "sequence": sequence,
            "document": document_id,
            "action": action,
            "actor": actor_id,
            "on_behalf_of": on_behalf_of_id,
            "at": at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            "from": from_step,
            "to": to_step,
            "comment": comment,
            "data": data,
            "previous": previous_hash,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def digest_of(entry: LedgerEntry) -> str:
    return entry_digest(
        sequence=entry.sequence,
        document_id=entry.document_id,
        action=entry.action,
        actor_id=entry.actor_id,
        on_behalf_of_id=entry.on_behalf_of_id,
        at=entry.at,
        from_step=entry.from_step,
        to_step=entry.to_step,
        comment=entry.comment,
        data=entry.data,
        previous_hash=entry.previous_hash,
    )


def _locked_head() -> LedgerHead:
    head = LedgerHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            LedgerHead.objects.create(pk=1, sequence=0, entry_hash=GENESIS)
    except IntegrityError:
        pass  # another writer created it first
    return LedgerHead.objects.select_for_update().get(pk=1)


def append(
    *,
    document,
    action: LedgerEntry.Action,
    actor=None,
    on_behalf_of=None,
    from_step: str = "",
    to_step: str = "",
    comment: str = "",
    data: dict | None = None,
) -> LedgerEntry:
    """Append one entry after the current head, inside the caller's transaction."""
    head = _locked_head()
    at = timezone.now()
    entry = LedgerEntry(
        sequence=head.sequence + 1,
        document_id=getattr(document, "pk", None),
        action=LedgerEntry.Action(action).value,
        actor_id=getattr(actor, "pk", None),
        on_behalf_of_id=getattr(on_behalf_of, "pk", None),
        at=at,
        from_step=str(from_step)[:100],
        to_step=str(to_step)[:100],
        comment=comment,
        data=json.loads(json.dumps(data or {}, ensure_ascii=False)),
        previous_hash=head.entry_hash,
    )
    entry.entry_hash = digest_of(entry)
    entry.save(force_insert=True)
    head.sequence = entry.sequence
    head.entry_hash = entry.entry_hash
    head.save(update_fields=["sequence", "entry_hash"])
    return entry


@dataclass
class Problem:
    sequence: int | None
    kind: str  # "altered", "inserted", "deleted", "head"
    detail: str

    def __str__(self):
        where = f"#{self.sequence}" if self.sequence is not None else "head"
        return f"{self.kind.upper()} {where}: {self.detail}"


@dataclass
class Report:
    entries: int = 0
    head_sequence: int = 0
    head_hash: str = GENESIS
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _entries(batch: int = 2000) -> Iterator[LedgerEntry]:
    last = 0
    while True:
        chunk = list(
            LedgerEntry.objects.filter(sequence__gt=last).order_by("sequence")[:batch]
        )
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].sequence


def verify(*, anchors: dict[int, str] | None = None) -> Report:
    """Walk the whole chain; every problem found is reported, not only the first.

    ``anchors`` maps sequence numbers to hashes recorded elsewhere earlier (see
    docs/operations.md): a chain rewritten wholesale still differs from them.
    """
    report = Report()
    head = LedgerHead.objects.filter(pk=1).first()
    expected_sequence = 1
    previous_hash = GENESIS
    for entry in _entries():
        report.entries += 1
        if entry.sequence > expected_sequence:
            report.problems.append(
                Problem(
                    entry.sequence,
                    "deleted",
                    f"entries #{expected_sequence}–#{entry.sequence - 1} are missing",
                )
            )
        recomputed = digest_of(entry)
        if recomputed != entry.entry_hash:
            report.problems.append(
                Problem(entry.sequence, "altered", "content does not match its hash")
            )
        elif (
            entry.previous_hash != previous_hash and entry.sequence == expected_sequence
        ):
            report.problems.append(
                Problem(
                    entry.sequence,
                    "inserted",
                    "does not chain to the entry before it",
                )
            )
        if (
            anchors
            and entry.sequence in anchors
            and anchors[entry.sequence] != entry.entry_hash
        ):
            report.problems.append(
                Problem(entry.sequence, "altered", "differs from the recorded anchor")
            )
        previous_hash = entry.entry_hash
        expected_sequence = entry.sequence + 1
    last_sequence = expected_sequence - 1
    report.head_sequence = last_sequence
    report.head_hash = previous_hash
    if head is None:
        if report.entries:
            report.problems.append(Problem(None, "head", "the ledger head is missing"))
    elif head.sequence != last_sequence or head.entry_hash != previous_hash:
        kind = "inserted" if last_sequence > head.sequence else "deleted"
        report.problems.append(
            Problem(
                last_sequence if kind == "inserted" else head.sequence,
                kind,
                f"the head records #{head.sequence} but the chain ends at #{last_sequence}"
                if head.sequence != last_sequence
                else "the last entry differs from the one the head records",
            )
        )
    if anchors:
        for sequence in sorted(s for s in anchors if s > last_sequence):
            report.problems.append(
                Problem(
                    sequence, "deleted", "an anchored entry is beyond the chain's end"
                )
            )
    return report
