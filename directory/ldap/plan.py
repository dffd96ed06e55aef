"""What one run would change, computed from a read without writing anything.

``build_plan()`` loads what the database holds, applies the identity rules
(identity.py), and lists every change — with the lines ``--dry-run`` and ``-v 2``
print, people named as 佐藤 花子 (sato) and units by name.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..models import (
    Membership,
    OrgUnit,
    Person,
    Post,
    canonical_username,
)
from .config import LdapConfig
from .identity import Holder, Release, record_label, resolve_identities
from .mapping import (
    PERSON_FIELDS,
    PersonRecord,
    UnitRecord,
    group_record,
    person_record,
    unit_path,
    unit_record,
)
from .source import (
    Marks,
    ReadResult,
    normalize_dn,
)

BATCH = 1000  # rows per statement (IN lists, bulk writes)


@dataclass
class Counts:
    entries_read: int = 0
    created: int = 0
    updated: int = 0
    moved: int = 0
    deactivated: int = 0
    reactivated: int = 0
    units_changed: int = 0
    groups_changed: int = 0
    relinked: int = 0
    released: int = 0
    quarantined: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


@dataclass
class Plan:
    """Everything a run would change, computed without writing (the dry run prints it)."""

    full: bool
    marks: Marks
    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    new_posts: list[str] = field(default_factory=list)
    unit_creates: list[UnitRecord] = field(default_factory=list)
    unit_updates: list[tuple[int, dict]] = field(default_factory=list)
    unit_closes: list[int] = field(default_factory=list)
    dept_units: list[tuple] = field(default_factory=list)  # path, name, kind, parent
    person_creates: list[PersonRecord] = field(default_factory=list)
    person_updates: list[tuple[int, PersonRecord, bool]] = field(default_factory=list)
    deactivate_ids: list[int] = field(default_factory=list)
    # (person key, unit key, post key, open membership id or None)
    appointments: list[tuple] = field(default_factory=list)
    group_adds: list[tuple[int, object]] = field(default_factory=list)
    group_removes: list[tuple[int, object]] = field(default_factory=list)
    people_seen: int = 0  # entries with an identity and a user ID
    # Identity churn (see identity.py), applied before anything takes a value.
    relinks: list[tuple[int, str]] = field(default_factory=list)  # pk, new identity
    releases: list[tuple[int, Release]] = field(default_factory=list)
    identity_frees: list[int] = field(default_factory=list)  # user ID/number change
    quarantine: list[str] = field(default_factory=list)  # reasons, by name
    note: str = ""


# --- planning --------------------------------------------------------------------------


class _Planner:
    def __init__(
        self, read: ReadResult, config: LdapConfig, day: datetime.date, still_present
    ):
        self.read, self.config, self.day = read, config, day
        self.still_present = still_present
        self.attrs = config.attributes
        self.plan = Plan(full=read.full, marks=read.marks, note=read.note)
        if read.note:
            self.plan.warnings.append(read.note)

    def build(self) -> Plan:
        self._load()
        self._plan_units()
        self._plan_people()
        self._plan_groups()
        return self.plan

    def _load(self):
        self.posts = {}
        for pk, code, name in Post.objects.values_list("id", "code", "name"):
            self.posts.setdefault(name, ("id", pk))
            self.posts.setdefault(code, ("id", pk))
        self.unit_names = {}
        units = OrgUnit.objects.values_list(
            "id",
            "external_id",
            "code",
            "name",
            "name_kana",
            "short_name",
            "kind",
            "parent_id",
            "valid_from",
            "valid_until",
        )
        self.units_by_ext = {}
        self.current_by_code = {}
        self.current_by_name = {}
        self.current_children = {}  # (parent id, name) → row
        self.dept_keys = {}  # department path → unit key
        for row in units:
            pk, ext, code, name = row[:4]
            valid_from, valid_until = row[8], row[9]
            if ext:
                self.units_by_ext[ext] = row
            current = valid_from <= self.day and (
                valid_until is None or valid_until > self.day
            )
            if current:
                self.current_by_code.setdefault(code, row)
                self.current_by_name.setdefault(name, row)
                self.current_children.setdefault((row[7], name), row)
            self.unit_names[pk] = name

    # units ----------------------------------------------------------------------------

    def _plan_units(self):
        plan = self.plan
        self.unit_key_by_dn: dict[str, tuple] = {}
        self.unit_key_by_code: dict[str, tuple] = {}
        if self.read.units is None:
            return
        records = [unit_record(entry, self.config) for entry in self.read.units]
        # The base entry is a container (ou=people), never a unit — unless it says
        # what kind of unit it is, as a ward's own entry may (businessCategory: ward).
        base = normalize_dn(self.config.units_base or self.config.people_base)
        records = [r for r in records if r.dn != base or r.declared]
        records.sort(key=lambda r: r.dn.count(","))
        dns = {record.dn for record in records}
        seen_ext = set()
        adopted = set()
        for record in records:
            if not record.external_id or not record.code:
                plan.warnings.append(
                    _("組織 %(dn)s に識別子またはコードがないため読み飛ばしました。")
                    % {"dn": record.dn}
                )
                continue
            seen_ext.add(record.external_id)
            parent_key = (
                self.unit_key_by_dn.get(record.parent_dn)
                if record.parent_dn in dns
                else None
            )
            row = self.units_by_ext.get(record.external_id)
            if row is None:
                candidate = self.current_by_code.get(record.code)
                if (
                    candidate is not None
                    and not candidate[1]
                    and candidate[0] not in adopted
                ):
                    row = candidate  # a unit prepared in the intranet: adopt it
                    adopted.add(row[0])
            if row is None:
                key = ("new", record.external_id)
                plan.unit_creates.append((record, parent_key))
                plan.lines.append(f"+ unit {record.code} {record.name}")
                plan.counts.units_changed += 1
            else:
                key = ("id", row[0])
                changes = {}
                wanted = {
                    "external_id": record.external_id,
                    "code": record.code,
                    "name": record.name,
                    "name_kana": record.name_kana or row[4],
                    "short_name": record.short_name or row[5],
                    "kind": record.kind,
                }
                current = dict(
                    zip(
                        [
                            "external_id",
                            "code",
                            "name",
                            "name_kana",
                            "short_name",
                            "kind",
                        ],
                        row[1:7],
                        strict=True,
                    )
                )
                for name, value in wanted.items():
                    if current[name] != value:
                        changes[name] = value
                if row[9] is not None and row[9] <= self.day:
                    changes["valid_until"] = None  # the OU is back
                parent_changed = parent_key != (("id", row[7]) if row[7] else None)
                if parent_changed:
                    changes["parent"] = parent_key
                if changes:
                    plan.unit_updates.append((row[0], changes, record))
                    plan.counts.units_changed += 1
                    described = ", ".join(sorted(changes))
                    plan.lines.append(
                        f"~ unit {record.code} {record.name}: {described}"
                    )
            self.unit_key_by_dn[record.dn] = key
            self.unit_key_by_code.setdefault(record.code, key)
        for ext, row in self.units_by_ext.items():
            if ext not in seen_ext and (row[9] is None or row[9] > self.day):
                plan.unit_closes.append(row[0])
                plan.counts.units_changed += 1
                plan.lines.append(f"- unit {row[2]} {row[3]} (closed on {self.day})")

    def _unit_for(self, record: PersonRecord):
        if self.config.units_from == "department":
            return self._unit_for_path(unit_path(record, self.config))
        if record.department:
            key = self.unit_key_by_code.get(record.department)
            if key is None:
                row = self.current_by_code.get(record.department)
                key = ("id", row[0]) if row else None
            if key is not None:
                return key
        dn = record.dn
        while dn:
            dn = dn.partition(",")[2]
            key = self.unit_key_by_dn.get(dn)
            if key is not None:
                return key
        return None

    def _unit_for_path(self, path: list[str]):
        """The unit at the end of ``path`` (部 → 課 → 係), each level found among the
        current units under the level above, or planned as a new unit there."""
        key = None
        for level, name in enumerate(path):
            full = self.config.units_path_separator.join(path[: level + 1]) or name
            found = self.dept_keys.get(full)
            if found is None:
                row = None
                if key is None:
                    row = self.current_by_code.get(full) or self.current_by_name.get(
                        name
                    )
                elif key[0] == "id":
                    row = self.current_children.get((key[1], name))
                if row is not None:
                    found = ("id", row[0])
                else:
                    found = ("dept", full)
                    kind = self.config.unit_kind(name, level)
                    self.plan.dept_units.append((full, name, kind, key))
                    self.plan.lines.append(
                        f"+ unit {full} ({kind}, from the department attribute)"
                    )
                    self.plan.counts.units_changed += 1
                    if key is None:
                        self.plan.warnings.append(
                            _(
                                "部署「%(name)s」を新しい組織として作成します。上位組織を設定してください。"
                            )
                            % {"name": name}
                        )
                self.dept_keys[full] = found
            key = found
        return key

    def _post_for(self, title: str):
        title = title.strip()
        if not title:
            title = _("職員")
        key = self.posts.get(title)
        if key is None:
            key = ("new", title)
            self.posts[title] = key
            self.plan.new_posts.append(title)
            self.plan.lines.append(f"+ post {title}")
            self.plan.warnings.append(
                _("職位「%(title)s」を新しく作成します。序列を設定してください。")
                % {"title": title}
            )
        return key

    def _unit_label(self, key) -> str:
        if key is None:
            return "-"
        kind, value = key
        if kind == "id":
            return self.unit_names.get(value, str(value))
        return str(value)

    # people ---------------------------------------------------------------------------

    def _plan_people(self):
        plan, attrs = self.plan, self.attrs
        upper = (
            self.config.units_upper_attributes
            if self.config.units_from == "department"
            else ()
        )
        self.records = [
            person_record(entry, attrs, upper) for entry in self.read.people
        ]
        valid = []
        for entry, record in zip(self.read.people, self.records, strict=True):
            if not record.external_id or not record.username:
                plan.warnings.append(
                    _("%(dn)s に識別子またはユーザーIDがないため読み飛ばしました。")
                    % {"dn": entry.dn}
                )
                continue
            valid.append(record)
        plan.people_seen = len(valid)
        holders = [
            Holder(*row)
            for row in Person.objects.values_list(
                "id",
                "external_id",
                "username",
                "employee_number",
                "is_active",
                "last_name",
                "first_name",
            )
        ]
        labels = {holder.pk: holder.label for holder in holders}
        self.labels = labels
        resolution = resolve_identities(
            valid, holders, full=self.read.full, still_present=self.still_present
        )
        self.resolution = resolution
        self._plan_identity(resolution, labels)
        columns = ("id", "external_id", *PERSON_FIELDS, "is_active")
        synced = Person.objects.filter(external_id__isnull=False)
        if self.read.full:
            rows = list(synced.values_list(*columns))
        else:
            # An incremental run loads only the people it read.
            wanted = sorted(set(resolution.person_for.values()))
            rows = [
                row
                for start in range(0, len(wanted), BATCH)
                for row in Person.objects.filter(
                    pk__in=wanted[start : start + BATCH]
                ).values_list(*columns)
            ]
        existing = {row[0]: row for row in rows}
        open_primary = Membership.objects.filter(
            is_primary=True, valid_until__isnull=True
        ).values_list("id", "person_id", "unit_id", "post_id")
        if self.read.full:
            membership_rows = open_primary.filter(person__external_id__isnull=False)
        else:
            ids = list(existing)
            membership_rows = [
                item
                for start in range(0, len(ids), BATCH)
                for item in open_primary.filter(
                    person_id__in=ids[start : start + BATCH]
                )
            ]
        memberships = {}
        for pk, person_id, unit_id, post_id in membership_rows:
            memberships[person_id] = (pk, unit_id, post_id)
        self.person_id_by_dn = {}
        count = len(PERSON_FIELDS)
        for record in valid:
            if record.external_id in resolution.quarantined:
                continue
            pk = resolution.person_for.get(record.external_id)
            release = resolution.released.get(pk) if pk is not None else None
            if release is not None:
                # A departed holder keeps the retired ID it gives up now.
                if release.username:
                    record.username = release.username
                if release.number:
                    record.employee_number = None
            label = record_label(record)
            if pk is None:
                if record.disabled:
                    continue
                plan.person_creates.append(record)
                plan.counts.created += 1
                person_key = ("new", record.external_id)
                plan.lines.append(f"+ person {label}")
                membership = None
            else:
                row = existing[pk]
                active = row[-1]
                person_key = ("id", pk)
                self.person_id_by_dn[record.dn] = pk
                old = row[2 : 2 + count]
                new = record.values()
                changed = [PERSON_FIELDS[i] for i in range(count) if old[i] != new[i]]
                if identity_changed(old, new):
                    plan.identity_frees.append(pk)
                relinked = record.external_id in resolution.relinked
                if record.disabled:
                    if active:
                        plan.deactivate_ids.append(pk)
                        plan.counts.deactivated += 1
                        plan.lines.append(
                            f"- deactivate {label} (disabled in the directory)"
                        )
                    if changed:
                        plan.person_updates.append((pk, record, False))
                    continue
                reactivate = not active
                if reactivate:
                    plan.counts.reactivated += 1
                    if not relinked:
                        plan.lines.append(f"+ reactivate {label}")
                if changed or reactivate or relinked:
                    plan.person_updates.append((pk, record, reactivate))
                    if set(changed) - {"ldap_dn"}:  # a DN alone: a rename or move
                        plan.counts.updated += 1
                        details = "; ".join(
                            f"{name}: {old[PERSON_FIELDS.index(name)]!r} → "
                            f"{new[PERSON_FIELDS.index(name)]!r}"
                            for name in changed
                        )
                        plan.lines.append(f"~ person {label}: {details}")
                membership = None if reactivate else memberships.get(pk)
            unit_key = self._unit_for(record)
            if unit_key is None:
                if membership is None:
                    plan.warnings.append(
                        _("%(person)s の所属組織が分かりません（%(dn)s）。")
                        % {"person": label, "dn": record.ldap_dn}
                    )
                continue
            post_key = self._post_for(record.title)
            if membership is not None and (
                ("id", membership[1]) == unit_key and ("id", membership[2]) == post_key
            ):
                continue
            plan.appointments.append(
                (person_key, unit_key, post_key, membership[0] if membership else None)
            )
            if membership is not None:
                if ("id", membership[1]) != unit_key:
                    plan.counts.moved += 1
                    plan.lines.append(
                        f"→ move {label}: {self._unit_label(('id', membership[1]))}"
                        f" → {self._unit_label(unit_key)}"
                    )
                else:
                    plan.counts.updated += 1
                    plan.lines.append(f"~ post {label}: {record.title}")
        for pk in sorted(resolution.gone):
            plan.deactivate_ids.append(pk)
            plan.counts.deactivated += 1
            plan.lines.append(f"- deactivate {labels[pk]} (no longer in the directory)")

    def _plan_identity(self, resolution, labels: dict[int, str]) -> None:
        """Re-links, releases and quarantines: listed first, as they are applied."""
        plan = self.plan
        for record in self.records:
            pk = resolution.relinked.get(record.external_id)
            if pk is not None:
                plan.relinks.append((pk, record.external_id))
                plan.counts.relinked += 1
                plan.lines.append(
                    f"↺ re-link {labels[pk]} → {record_label(record)}: "
                    f"re-hired with new identity {record.external_id}"
                )
        for pk, release in sorted(resolution.released.items()):
            plan.releases.append((pk, release))
            plan.counts.released += 1
            freed = []
            if release.username:
                freed.append(f"user ID → {release.username}")
            if release.number:
                freed.append("employee number released")
            plan.lines.append(f"⇢ release {labels[pk]}: {', '.join(freed)}")
        for reason in resolution.quarantined.values():
            plan.quarantine.append(reason)
            plan.counts.quarantined += 1
            plan.lines.append(f"! quarantine {reason}")
            plan.warnings.append(reason)

    # groups ---------------------------------------------------------------------------

    def _plan_groups(self):
        from ..models import GroupMapping

        plan = self.plan
        mappings = defaultdict(set)
        for ldap_group, group_id in GroupMapping.objects.values_list(
            "ldap_group", "group_id"
        ):
            mappings[ldap_group.strip().lower()].add(group_id)
        if not mappings:
            return
        mapped_ids = {gid for ids in mappings.values() for gid in ids}
        group_names = dict(
            GroupMapping.objects.values_list("group_id", "group__name").distinct()
        )
        through = Person.groups.through
        current = defaultdict(set)  # person id → mapped group ids
        for person_id, group_id in through.objects.filter(
            group_id__in=mapped_ids, person__external_id__isnull=False
        ).values_list("person_id", "group_id"):
            current[person_id].add(group_id)

        def groups_for(record_dn: str, names) -> set[int]:
            found = set()
            for name in (record_dn, *names):
                found |= mappings.get(name, set())
            return found

        def person_key(dn: str, ext: str | None = None):
            pk = self.person_id_by_dn.get(dn)
            if pk is not None:
                return ("id", pk)
            return ("new", ext) if ext else None

        new_by_dn = {r.dn: r.external_id for r in plan.person_creates}
        new_labels = {r.external_id: record_label(r) for r in plan.person_creates}
        deactivated = set(plan.deactivate_ids)
        if self.attrs.member_of:
            for record in self.records:
                want = set()
                for dn in record.groups:
                    first_rdn = dn.partition(",")[0].partition("=")[2]
                    want |= groups_for(dn, (first_rdn,))
                key = person_key(record.dn, new_by_dn.get(record.dn))
                if (
                    key is None
                    or (key[0] == "id" and key[1] in deactivated)
                    or record.external_id in self.resolution.quarantined
                ):
                    continue
                have = current.get(key[1], set()) if key[0] == "id" else set()
                self._diff_groups(key, have, want, group_names, record_label(record))
            return
        if self.read.groups is None:
            return
        # Group entries: the members of each mapped group that changed.
        desired = defaultdict(set)
        touched = set()
        for entry in self.read.groups:
            group = group_record(entry, self.attrs)
            ids = groups_for(group.dn, group.names)
            if not ids:
                continue
            touched |= ids
            for member_dn in group.members:
                key = person_key(member_dn, new_by_dn.get(member_dn))
                if key is None:
                    pk = self._person_id_for_dn(member_dn)
                    key = ("id", pk) if pk else None
                if key is not None:
                    desired[key] |= ids
        people = set(desired) | {("id", pk) for pk in current}
        for key in people:
            have = current.get(key[1], set()) if key[0] == "id" else set()
            want = (desired.get(key, set()) & touched) | (have - touched)
            label = (
                self.labels.get(key[1], str(key[1]))
                if key[0] == "id"
                else new_labels.get(key[1], str(key[1]))
            )
            self._diff_groups(key, have, want, group_names, label)

    def _person_id_for_dn(self, dn: str):
        if not hasattr(self, "_ids_by_dn"):
            self._ids_by_dn = {
                normalize_dn(ldap_dn): pk
                for pk, ldap_dn in Person.objects.filter(
                    external_id__isnull=False
                ).values_list("id", "ldap_dn")
                if ldap_dn
            }
        return self._ids_by_dn.get(dn)

    def _diff_groups(self, key, have, want, group_names, label):
        plan = self.plan
        for group_id in sorted(want - have):
            plan.group_adds.append((group_id, key))
            plan.lines.append(f"+ group {group_names.get(group_id)}: {label}")
            plan.counts.groups_changed += 1
        for group_id in sorted(have - want):
            plan.group_removes.append((group_id, key))
            plan.lines.append(f"- group {group_names.get(group_id)}: {label}")
            plan.counts.groups_changed += 1


def build_plan(
    read: ReadResult, *, config: LdapConfig, effective_date, still_present=None
) -> Plan:
    """The plan of one run. ``still_present(external_ids)`` answers, in an incremental
    run, which people outside the read still have an entry (see identity.py)."""
    return _Planner(read, config, effective_date, still_present).build()


_IDENTITY_FIELDS = (
    PERSON_FIELDS.index("username"),
    PERSON_FIELDS.index("employee_number"),
)


def identity_changed(old: tuple, new: tuple) -> bool:
    """Whether a person gives up a user ID (case aside) or an employee number."""
    username, number = _IDENTITY_FIELDS
    return (
        canonical_username(old[username]) != canonical_username(new[username])
        or old[number] != new[number]
    )
