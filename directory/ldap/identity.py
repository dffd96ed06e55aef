"""Who is who when entries churn: re-hires, user IDs handed on, conflicting claims.

A user ID (compared case aside, ``canonical_username``) and an employee number each
belong to one person. ``resolve_identities`` decides, before anything is written:

- re-hire: a new entry (unknown entryUUID/objectGUID) whose user ID *and* employee
  number both match a person who is inactive — or whose entry is gone in this run —
  is that person: re-linked to the new identity and reactivated, history kept;
- release: a user ID or employee number held by an inactive (or departing) person and
  claimed by someone else is given up by the old holder, who keeps their history under
  a retired user ID (``retired_username``) and no employee number;
- quarantine: two *active* claimants of one user ID or number — entries of this read,
  people not in it, or local accounts — leave every claiming entry of this read
  unapplied, with the reason; the rest of the run goes on.

The sync applies what frees a value (deactivations, releases, renames) before what
takes one (re-links, new people), so no constraint is ever hit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..models import canonical_username
from .mapping import PersonRecord


@dataclass(slots=True)
class Holder:
    """A person already in the database, as the identity rules see them."""

    pk: int
    external_id: str | None
    username: str
    employee_number: str | None
    active: bool
    last_name: str = ""
    first_name: str = ""

    @property
    def label(self) -> str:
        return person_label(self.last_name, self.first_name, self.username)


@dataclass
class Release:
    username: str | None = None  # the retired user ID, when the ID is released
    number: bool = False  # the employee number is released


@dataclass
class Resolution:
    person_for: dict[str, int] = field(default_factory=dict)  # external id → pk
    relinked: dict[str, int] = field(default_factory=dict)  # new external id → pk
    quarantined: dict[str, str] = field(default_factory=dict)  # external id → why
    released: dict[int, Release] = field(default_factory=dict)
    gone: set[int] = field(default_factory=set)  # active people to deactivate


def person_label(last_name: str, first_name: str, username: str) -> str:
    """How output names a person: display name and user ID, 佐藤 花子 (sato)."""
    name = f"{last_name} {first_name}".strip()
    return f"{name} ({username})" if name else username


def record_label(record: PersonRecord) -> str:
    return person_label(record.last_name, record.first_name, record.username)


def retired_username(username: str, pk: int) -> str:
    """The user ID a released account keeps: unique, and still recognisable."""
    suffix = f".retired-{pk}"
    return f"{username[: 150 - len(suffix)]}{suffix}"


# The two values a person holds alone.
USERNAME, NUMBER = "username", "number"


def resolve_identities(
    records: list[PersonRecord],
    people: list[Holder],
    *,
    full: bool,
    still_present: Callable[[list[str]], set[str]] | None = None,
) -> Resolution:
    """Apply the identity rules to the entries of one read (see the module docstring).

    ``records`` are entries with an identity and a user ID; ``people`` every person in
    the database. In a full read, synced people missing from it are gone; in an
    incremental one, ``still_present(external_ids)`` is asked about the active people
    outside the read whose user ID or number an entry claims.
    """
    result = Resolution()
    by_ext = {p.external_id: p for p in people if p.external_id}
    by_pk = {p.pk: p for p in people}
    read_ext = {r.external_id for r in records}
    for record in records:
        holder = by_ext.get(record.external_id)
        if holder is not None:
            result.person_for[record.external_id] = holder.pk
    if full:
        result.gone = {
            p.pk
            for p in people
            if p.external_id and p.active and p.external_id not in read_ext
        }
    new = [
        r for r in records if r.external_id not in by_ext and not r.disabled
    ]  # disabled entries never seen before are not people here
    held = {p.pk: _holder_claims(p) for p in people}
    holders = {USERNAME: defaultdict(list), NUMBER: defaultdict(list)}
    for pk, claims in held.items():
        for kind, value in claims:
            holders[kind][value].append(pk)
    if not full and still_present is not None:
        _verify_unseen(records, holders, by_pk, read_ext, result, still_present)
    # Re-hires: both values match one person who is, or is about to be, inactive.
    for record in new:
        if not record.employee_number:
            continue
        for pk in holders[USERNAME].get(canonical_username(record.username), ()):
            holder = by_pk[pk]
            departed = not holder.active or pk in result.gone
            if (
                holder.external_id
                and holder.external_id not in read_ext
                and departed
                and holder.employee_number == record.employee_number
                and pk not in result.relinked.values()
            ):
                result.relinked[record.external_id] = pk
                result.person_for[record.external_id] = pk
                result.gone.discard(pk)
                break
    _Claims(records, by_pk, held, result).settle()
    return result


def _holder_claims(holder: Holder) -> tuple[tuple[str, str], ...]:
    username = (USERNAME, canonical_username(holder.username))
    if holder.employee_number:
        return (username, (NUMBER, holder.employee_number))
    return (username,)


def _claims(record: PersonRecord) -> tuple[tuple[str, str], ...]:
    username = (USERNAME, canonical_username(record.username))
    if record.employee_number:
        return (username, (NUMBER, record.employee_number))
    return (username,)


def _verify_unseen(records, holders, by_pk, read_ext, result, still_present):
    """An incremental read does not see deletions: ask the server whether the active
    people outside the read whose values an entry claims still exist."""
    unseen = {}
    for record in records:
        for kind, value in _claims(record):
            for pk in holders[kind].get(value, ()):
                holder = by_pk[pk]
                if (
                    holder.active
                    and holder.external_id
                    and holder.external_id not in read_ext
                ):
                    unseen[holder.external_id] = pk
    if unseen:
        present = still_present(sorted(unseen))
        result.gone |= {pk for ext, pk in unseen.items() if ext not in present}


class _Claims:
    """Who would hold each user ID and number after the run, settled by quarantining
    active rivals and releasing values held by the inactive."""

    def __init__(self, records, by_pk, held, result: Resolution):
        self.by_pk, self.held, self.result = by_pk, held, result
        self.claims = {USERNAME: defaultdict(list), NUMBER: defaultdict(list)}
        self.state = {}  # person pk or ("new", identity) → (record or None, active)
        applied = set()
        for record in records:
            pk = result.person_for.get(record.external_id)
            if pk is not None:
                applied.add(pk)
                self._claim(pk, record, not record.disabled)
            elif not record.disabled:
                self._claim(("new", record.external_id), record, True)
        for pk in by_pk:
            if pk not in applied:
                self._claim(pk, None, self._holder_active(pk))

    def _holder_active(self, pk) -> bool:
        return self.by_pk[pk].active and pk not in self.result.gone

    def _values(self, key):
        record = self.state[key][0]
        return _claims(record) if record is not None else self.held[key]

    def _claim(self, key, record, active) -> list:
        self.state[key] = (record, active)
        values = self._values(key)
        for kind, value in values:
            self.claims[kind][value].append(key)
        return list(values)

    def _label(self, key) -> str:
        record = self.state[key][0]
        return record_label(record) if record is not None else self.by_pk[key].label

    def settle(self) -> None:
        queue = [
            (kind, value)
            for kind, by_value in self.claims.items()
            for value, keys in by_value.items()
            if len(keys) > 1
        ]
        while queue:
            kind, value = queue.pop()
            active = [k for k in self.claims[kind][value] if self.state[k][1]]
            if len(active) < 2:
                continue
            reasons = {}
            for key in active:
                record = self.state[key][0]
                if record is not None:
                    others = "、".join(self._label(k) for k in active if k != key)
                    reasons[key] = _reason(kind, value, record, others)
            for key, reason in reasons.items():
                queue.extend(self._quarantine(key, reason))
        self._release()

    def _quarantine(self, key, reason: str) -> list:
        """Leave an entry unapplied; a known person keeps what they hold now."""
        self.result.quarantined[self.state[key][0].external_id] = reason
        for kind, value in self._values(key):
            self.claims[kind][value].remove(key)
        if isinstance(key, tuple):
            del self.state[key]
            return []
        return self._claim(key, None, self._holder_active(key))

    def _release(self) -> None:
        """With one active claimant at most, the inactive holders give the value up."""
        for kind, by_value in self.claims.items():
            for keys in by_value.values():
                if len(keys) < 2:
                    continue
                inactive = [k for k in keys if not self.state[k][1]]
                keep = inactive[0] if len(inactive) == len(keys) else None
                for pk in inactive:
                    if pk == keep:
                        continue
                    release = self.result.released.setdefault(pk, Release())
                    if kind == USERNAME:
                        release.username = retired_username(self.by_pk[pk].username, pk)
                    else:
                        release.number = True


def _reason(kind: str, value: str, record: PersonRecord, others: str) -> str:
    if kind == USERNAME:
        return _(
            "%(person)s：ユーザーID %(value)s を在職中の %(others)s も使っているため、"
            "反映を保留しました。"
        ) % {"person": record_label(record), "value": value, "others": others}
    return _(
        "%(person)s：職員番号 %(value)s を在職中の %(others)s も使っているため、"
        "反映を保留しました。"
    ) % {"person": record_label(record), "value": value, "others": others}
