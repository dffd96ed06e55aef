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
    holders = _index(people)
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
    _quarantine_and_release(records, people, by_pk, result)
    return result


def _index(people: list[Holder]) -> dict[str, dict[str, list[int]]]:
    index = {USERNAME: defaultdict(list), NUMBER: defaultdict(list)}
    for p in people:
        index[USERNAME][canonical_username(p.username)].append(p.pk)
        if p.employee_number:
            index[NUMBER][p.employee_number].append(p.pk)
    return index


def _claims(record: PersonRecord):
    yield USERNAME, canonical_username(record.username)
    if record.employee_number:
        yield NUMBER, record.employee_number


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


def _quarantine_and_release(records, people, by_pk, result: Resolution) -> None:
    record_for_pk = {
        result.person_for[r.external_id]: r
        for r in records
        if r.external_id in result.person_for
    }
    newcomers = [
        r for r in records if r.external_id not in result.person_for and not r.disabled
    ]
    while True:
        # What each person and newcomer would hold after this run.
        claims = {USERNAME: defaultdict(list), NUMBER: defaultdict(list)}
        state = {}
        for p in people:
            record = record_for_pk.get(p.pk)
            if record is not None and record.external_id not in result.quarantined:
                active = not record.disabled
                values = dict(_claims(record))
                label = record_label(record)
            else:
                record = None
                active = p.active and p.pk not in result.gone
                values = {USERNAME: canonical_username(p.username)}
                if p.employee_number:
                    values[NUMBER] = p.employee_number
                label = p.label
            state[p.pk] = (record, active, label)
            for kind, value in values.items():
                claims[kind][value].append(p.pk)
        for record in newcomers:
            if record.external_id in result.quarantined:
                continue
            key = ("new", record.external_id)
            state[key] = (record, True, record_label(record))
            for kind, value in _claims(record):
                claims[kind][value].append(key)
        changed = False
        for kind, by_value in claims.items():
            for value, keys in by_value.items():
                active = [key for key in keys if state[key][1]]
                if len(keys) < 2 or len(active) < 2:
                    continue
                for key in active:
                    record = state[key][0]
                    if record is None or record.external_id in result.quarantined:
                        continue
                    others = "、".join(state[k][2] for k in active if k != key)
                    result.quarantined[record.external_id] = _reason(
                        kind, value, record, others
                    )
                    changed = True
        if not changed:
            break
    # One active claimant at most: the inactive ones give the value up.
    for kind, by_value in claims.items():
        for keys in by_value.values():
            if len(keys) < 2:
                continue
            active = [key for key in keys if state[key][1]]
            inactive = [k for k in keys if not state[k][1] and not isinstance(k, tuple)]
            keep = None if active else inactive[0]
            for pk in inactive:
                if pk == keep:
                    continue
                release = result.released.setdefault(pk, Release())
                if kind == USERNAME:
                    release.username = retired_username(by_pk[pk].username, pk)
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
