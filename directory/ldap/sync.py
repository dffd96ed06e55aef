"""The directory sync: read everything first, diff in memory, write in one transaction.

``run_sync()`` is what the command, the background task and the demo call. It fails
closed — nothing is written — when the server is unreachable or a search is partial,
when LDAP returns no people at all, or when the run would deactivate more people than
the threshold allows (unless forced). Every run except a dry run is recorded as a
``SyncRun``; the partial unique index on running runs is the lock that keeps two runs
from overlapping.
"""

from __future__ import annotations

import datetime
import gc
import math
import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..managed import directory_writes
from ..models import (
    SEARCH_INPUTS,
    Membership,
    OrgUnit,
    Person,
    Post,
    SyncRun,
    search_fields,
)
from ..signals import accounts_synced, group_memberships_synced
from .config import LdapConfig
from .mapping import (
    PERSON_FIELDS,
    PersonRecord,
    UnitRecord,
    group_record,
    guess_kind,
    person_record,
    unit_record,
)
from .source import (
    DirectoryUnavailable,
    IncompleteRead,
    LdapSource,
    LdifSource,
    Marks,
    ReadResult,
    normalize_dn,
)

STALE_RUN = datetime.timedelta(hours=6)

DEFAULT_POST_RANK = 90
BATCH = 1000


class SyncAborted(Exception):
    """A safety check stopped the run before anything was written."""


class SyncAlreadyRunning(Exception):
    """Another sync holds the lock (a run is RUNNING)."""


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
    dept_units: list[str] = field(default_factory=list)
    person_creates: list[PersonRecord] = field(default_factory=list)
    person_updates: list[tuple[int, PersonRecord, bool]] = field(default_factory=list)
    deactivate_ids: list[int] = field(default_factory=list)
    # (person key, unit key, post key, open membership id or None)
    appointments: list[tuple] = field(default_factory=list)
    group_adds: list[tuple[int, object]] = field(default_factory=list)
    group_removes: list[tuple[int, object]] = field(default_factory=list)
    people_seen: int = 0  # entries with an identity and a user ID
    note: str = ""


@dataclass
class SyncResult:
    ok: bool
    message: str
    run: SyncRun | None = None
    plan: Plan | None = None


Progress = Callable[[str, int], None]


# --- the lock and the record -----------------------------------------------------------


def _start_run(*, mode: str, trigger: str, forced: bool, source: str) -> SyncRun:
    SyncRun.objects.filter(
        status=SyncRun.Status.RUNNING, started_at__lt=timezone.now() - STALE_RUN
    ).update(
        status=SyncRun.Status.FAILED,
        finished_at=timezone.now(),
        error=_("中断された実行（6時間以上終了しなかったため打ち切り）"),
    )
    try:
        with transaction.atomic():
            return SyncRun.objects.create(
                mode=mode, trigger=trigger, forced=forced, source=source[:500]
            )
    except IntegrityError:
        raise SyncAlreadyRunning(_("別の名簿同期が実行中です。")) from None


def _finish_run(run: SyncRun, status: str, *, plan=None, error="", read=0) -> None:
    run.status = status
    run.finished_at = timezone.now()
    run.error = error
    run.entries_read = read
    if plan is not None:
        for name, value in plan.counts.as_dict().items():
            setattr(run, name, value)
        run.warnings = "\n".join(plan.warnings)[:20000]
        if status == SyncRun.Status.SUCCEEDED:
            run.high_water = plan.marks.high_water
            run.invocation_id = plan.marks.invocation_id
            if run.mode == SyncRun.Mode.INCREMENTAL and plan.full:
                run.mode = SyncRun.Mode.FULL  # no usable mark: it read everything
    run.save()


def last_marks() -> Marks | None:
    """The high-water marks of the latest successful LDAP run."""
    run = (
        SyncRun.objects.filter(status=SyncRun.Status.SUCCEEDED)
        .exclude(mode=SyncRun.Mode.LDIF)
        .exclude(high_water="")
        .order_by("-started_at", "-id")
        .first()
    )
    return Marks(run.high_water, run.invocation_id) if run else None


# --- the run ---------------------------------------------------------------------------


def run_sync(
    *,
    config: LdapConfig | None = None,
    full: bool = False,
    ldif: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    trigger: str = "command",
    effective_date: datetime.date | None = None,
    progress: Progress | None = None,
) -> SyncResult:
    """Sync people, units and groups from LDAP/AD (or ``ldif``) into the directory.

    ``full`` reads everything and deactivates people who are gone; otherwise only
    what changed since the last successful run. Returns a SyncResult; raises
    SyncAlreadyRunning when another run holds the lock. A dry run computes and returns
    the plan and writes nothing, not even a record.
    """
    # Tens of thousands of long-lived entries and records: the cyclic garbage
    # collector would otherwise re-scan them again and again while they pile up.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run_sync(
            config=config,
            full=full,
            ldif=ldif,
            dry_run=dry_run,
            force=force,
            trigger=trigger,
            effective_date=effective_date,
            progress=progress,
        )
    finally:
        if was_enabled:
            gc.enable()


def _run_sync(
    *,
    config: LdapConfig | None = None,
    full: bool = False,
    ldif: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    trigger: str = "command",
    effective_date: datetime.date | None = None,
    progress: Progress | None = None,
) -> SyncResult:
    config = config or LdapConfig.from_settings()
    effective_date = effective_date or timezone.localdate()
    if ldif:
        source = LdifSource(ldif, config)
        mode = SyncRun.Mode.LDIF
    else:
        source = LdapSource(config, progress)
        mode = SyncRun.Mode.FULL if full else SyncRun.Mode.INCREMENTAL
    run = None
    if not dry_run:
        run = _start_run(
            mode=mode, trigger=trigger, forced=force, source=source.describe()
        )
    read_count = 0
    plan = None
    try:
        if not ldif and not config.enabled:
            raise DirectoryUnavailable(_("LDAP_URIS が設定されていません。"))
        read = source.read(previous=None if full else last_marks(), full=full)
        read_count = len(read.people) + len(read.units or []) + len(read.groups or [])
        if progress is not None:
            progress("diff", read_count)
        plan = build_plan(read, config=config, effective_date=effective_date)
        plan.counts.entries_read = read_count
        check_safety(plan, read, config=config, force=force)
        if dry_run:
            return SyncResult(True, _("ドライラン：何も変更していません。"), plan=plan)
        with transaction.atomic(), directory_writes():
            apply_plan(plan, effective_date=effective_date, progress=progress)
    except SyncAborted as error:
        if run is not None:
            _finish_run(
                run,
                SyncRun.Status.ABORTED,
                plan=plan,
                error=str(error),
                read=read_count,
            )
        return SyncResult(False, str(error), run=run, plan=plan)
    except (DirectoryUnavailable, IncompleteRead) as error:
        message = _(
            "LDAP から読み込めませんでした（何も変更していません）: %(error)s"
        ) % {"error": error}
        if run is not None:
            _finish_run(
                run, SyncRun.Status.FAILED, plan=plan, error=message, read=read_count
            )
        return SyncResult(False, message, run=run, plan=plan)
    except Exception as error:
        if run is not None:
            _finish_run(
                run,
                SyncRun.Status.FAILED,
                plan=plan,
                error=f"{type(error).__name__}: {error}",
                read=read_count,
            )
        raise
    _finish_run(run, SyncRun.Status.SUCCEEDED, plan=plan, read=read_count)
    return SyncResult(True, _("名簿同期が完了しました。"), run=run, plan=plan)


def deactivation_limit(active_people: int, config: LdapConfig) -> int:
    """How many deactivations one run may make: the smaller of the percentage (at
    least one person) and the absolute cap."""
    by_share = max(1, math.ceil(active_people * config.deactivate_max_percent / 100))
    return min(by_share, config.deactivate_max_count)


def check_safety(plan: Plan, read: ReadResult, *, config: LdapConfig, force: bool):
    if read.full and not plan.people_seen:
        raise SyncAborted(
            _(
                "LDAP から職員が1件も返りませんでした。設定（検索ベース・フィルター）を確認してください。何も変更していません。"
            )
        )
    if force:
        return
    active = Person.objects.filter(is_active=True).count()
    limit = deactivation_limit(active, config)
    if plan.counts.deactivated > limit:
        raise SyncAborted(
            _(
                "%(count)d 人を無効化しようとしたため中止しました（上限 %(limit)d 人）。"
                "内容を確認のうえ --force で実行してください。何も変更していません。"
            )
            % {"count": plan.counts.deactivated, "limit": limit}
        )


# --- planning --------------------------------------------------------------------------


class _Planner:
    def __init__(self, read: ReadResult, config: LdapConfig, day: datetime.date):
        self.read, self.config, self.day = read, config, day
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
            self.unit_names[pk] = name

    # units ----------------------------------------------------------------------------

    def _plan_units(self):
        plan = self.plan
        self.unit_key_by_dn: dict[str, tuple] = {}
        self.unit_key_by_code: dict[str, tuple] = {}
        if self.read.units is None:
            return
        records = [unit_record(entry, self.attrs) for entry in self.read.units]
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
            department = record.department.strip()
            if not department:
                return None
            row = self.current_by_code.get(department) or self.current_by_name.get(
                department
            )
            if row is not None:
                return ("id", row[0])
            if department not in self.plan.dept_units:
                self.plan.dept_units.append(department)
                self.plan.lines.append(f"+ unit {department} (from department)")
                self.plan.counts.units_changed += 1
                self.plan.warnings.append(
                    _(
                        "部署「%(name)s」を新しい組織として作成します。上位組織を設定してください。"
                    )
                    % {"name": department}
                )
            return ("dept", department)
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
        self.records = [person_record(entry, attrs) for entry in self.read.people]
        columns = ("id", "external_id", *PERSON_FIELDS, "is_active")
        synced = Person.objects.filter(external_id__isnull=False)
        if self.read.full:
            rows = list(synced.values_list(*columns))
        else:
            # An incremental run loads only the people it read.
            wanted = [r.external_id for r in self.records if r.external_id]
            rows = [
                row
                for start in range(0, len(wanted), BATCH)
                for row in synced.filter(
                    external_id__in=wanted[start : start + BATCH]
                ).values_list(*columns)
            ]
        existing = {row[1]: row for row in rows}
        local_usernames = set(
            Person.objects.filter(external_id__isnull=True).values_list(
                "username", flat=True
            )
        )
        open_primary = Membership.objects.filter(
            is_primary=True, valid_until__isnull=True
        ).values_list("id", "person_id", "unit_id", "post_id")
        if self.read.full:
            membership_rows = open_primary.filter(person__external_id__isnull=False)
        else:
            ids = [row[0] for row in rows]
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
        seen: set[str] = set()
        usernames: set[str] = set()
        employee_numbers: set[str] = set()
        count = len(PERSON_FIELDS)
        for entry, record in zip(self.read.people, self.records, strict=True):
            if not record.external_id or not record.username:
                plan.warnings.append(
                    _("%(dn)s に識別子またはユーザーIDがないため読み飛ばしました。")
                    % {"dn": entry.dn}
                )
                continue
            seen.add(record.external_id)
            plan.people_seen += 1
            if record.username in usernames or record.username in local_usernames:
                plan.warnings.append(
                    _(
                        "ユーザーID %(username)s が重複しているため %(dn)s を読み飛ばしました。"
                    )
                    % {"username": record.username, "dn": entry.dn}
                )
                continue
            usernames.add(record.username)
            if record.employee_number:
                if record.employee_number in employee_numbers:
                    plan.warnings.append(
                        _("職員番号 %(number)s が重複しています（%(dn)s）。")
                        % {"number": record.employee_number, "dn": entry.dn}
                    )
                    record.employee_number = None
                else:
                    employee_numbers.add(record.employee_number)
            row = existing.get(record.external_id)
            if row is None:
                if record.disabled:
                    continue
                plan.person_creates.append(record)
                plan.counts.created += 1
                person_key = ("new", record.external_id)
                plan.lines.append(
                    f"+ person {record.username} {record.last_name} {record.first_name}"
                )
                membership = None
            else:
                pk, active = row[0], row[-1]
                person_key = ("id", pk)
                self.person_id_by_dn[record.dn] = pk
                old = row[2 : 2 + count]
                new = record.values()
                changed = [PERSON_FIELDS[i] for i in range(count) if old[i] != new[i]]
                if record.disabled:
                    if active:
                        plan.deactivate_ids.append(pk)
                        plan.counts.deactivated += 1
                        plan.lines.append(
                            f"- deactivate {record.username} (disabled in the directory)"
                        )
                    if changed:
                        plan.person_updates.append((pk, record, False))
                    continue
                reactivate = not active
                if reactivate:
                    plan.counts.reactivated += 1
                    plan.lines.append(f"+ reactivate {record.username}")
                if changed or reactivate:
                    plan.person_updates.append((pk, record, reactivate))
                    if set(changed) - {"ldap_dn"}:  # a DN alone: a rename or move
                        plan.counts.updated += 1
                        details = "; ".join(
                            f"{name}: {old[PERSON_FIELDS.index(name)]!r} → "
                            f"{new[PERSON_FIELDS.index(name)]!r}"
                            for name in changed
                        )
                        plan.lines.append(f"~ person {record.username}: {details}")
                membership = None if reactivate else memberships.get(pk)
            unit_key = self._unit_for(record)
            if unit_key is None:
                if membership is None:
                    plan.warnings.append(
                        _("%(username)s の所属組織が分かりません（%(dn)s）。")
                        % {"username": record.username, "dn": entry.dn}
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
                        f"→ move {record.username}: {self._unit_label(('id', membership[1]))}"
                        f" → {self._unit_label(unit_key)}"
                    )
                else:
                    plan.counts.updated += 1
                    plan.lines.append(f"~ post {record.username}: {record.title}")
        if self.read.full:
            for ext, row in existing.items():
                if ext not in seen and row[-1]:
                    plan.deactivate_ids.append(row[0])
                    plan.counts.deactivated += 1
                    plan.lines.append(
                        f"- deactivate {row[2]} (no longer in the directory)"
                    )
        self.existing = existing

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
        deactivated = set(plan.deactivate_ids)
        if self.attrs.member_of:
            for record in self.records:
                want = set()
                for dn in record.groups:
                    first_rdn = dn.partition(",")[0].partition("=")[2]
                    want |= groups_for(dn, (first_rdn,))
                key = person_key(record.dn, new_by_dn.get(record.dn))
                if key is None or (key[0] == "id" and key[1] in deactivated):
                    continue
                have = current.get(key[1], set()) if key[0] == "id" else set()
                self._diff_groups(key, have, want, group_names, record.username)
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
            self._diff_groups(key, have, want, group_names, str(key[1]))

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


def build_plan(read: ReadResult, *, config: LdapConfig, effective_date) -> Plan:
    return _Planner(read, config, effective_date).build()


# --- applying --------------------------------------------------------------------------


def _unusable_password() -> str:
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def end_memberships(queryset, day: datetime.date) -> None:
    """End open memberships on ``day`` without breaking valid_until > valid_from.

    Appointments that had not started yet are dropped (they never took effect); one
    that started on ``day`` ends the day after.
    """
    queryset.filter(valid_from__gt=day).delete()
    queryset.filter(valid_from=day).update(valid_until=day + datetime.timedelta(days=1))
    queryset.filter(valid_from__lt=day).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=day)
    ).update(valid_until=day)


def apply_plan(plan: Plan, *, effective_date: datetime.date, progress=None) -> None:
    from ..search import clear_cache

    transaction.on_commit(clear_cache)
    day = effective_date
    now = timezone.now()
    # Posts named by titles nobody had used before.
    post_ids = {}
    for title in plan.new_posts:
        code = f"ldap-{secrets.token_hex(4)}"
        post_ids[("new", title)] = Post.objects.create(
            code=code, name=title[:50], rank=DEFAULT_POST_RANK
        ).pk
    # Units, parents before children.
    unit_ids: dict[tuple, int] = {}
    created_units = [
        OrgUnit(
            external_id=record.external_id,
            code=record.code,
            name=record.name,
            name_kana=record.name_kana,
            short_name=record.short_name,
            kind=record.kind,
            ldap_dn=record.dn[:512],
            valid_from=day,
            sort_order=order,
        )
        for order, (record, _parent) in enumerate(plan.unit_creates)
    ]
    for unit in created_units:
        unit.search_text = unit.build_search_text()
    OrgUnit.objects.bulk_create(created_units, batch_size=BATCH)
    for unit, (record, _parent) in zip(created_units, plan.unit_creates, strict=True):
        unit_ids[("new", record.external_id)] = unit.pk
    # Materialised paths need the ids: set them now, parents first (plan order).
    paths = dict(
        OrgUnit.objects.filter(
            pk__in=[key[1] for _r, key in plan.unit_creates if key and key[0] == "id"]
        ).values_list("id", "path")
    )
    for unit, (_record, parent_key) in zip(
        created_units, plan.unit_creates, strict=True
    ):
        unit.parent_id = _resolve(parent_key, unit_ids) if parent_key else None
        unit.path = f"{paths[unit.parent_id] if unit.parent_id else '/'}{unit.pk}/"
        unit.depth = unit.path.count("/") - 1
        paths[unit.pk] = unit.path
    if created_units:
        table = connection.ops.quote_name(OrgUnit._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET parent_id = %s, path = %s, depth = %s "  # noqa: S608
                "WHERE id = %s",
                [(u.parent_id, u.path, u.depth, u.pk) for u in created_units],
            )
    if plan.dept_units:
        roots = list(OrgUnit.objects.on(day).filter(parent__isnull=True)[:2])
        root = roots[0] if len(roots) == 1 else None
        for name in plan.dept_units:
            unit = OrgUnit(
                code=name[:64],
                name=name[:100],
                kind=guess_kind(name),
                parent=root,
                valid_from=day,
            )
            unit.save()
            unit_ids[("dept", name)] = unit.pk
    for pk, changes, record in plan.unit_updates:
        unit = OrgUnit.objects.get(pk=pk)
        parent_key = changes.pop("parent", False)
        for name, value in changes.items():
            setattr(unit, name, value)
        unit.ldap_dn = record.dn[:512]
        unit.save()
        if parent_key is not False:
            parent = (
                OrgUnit.objects.get(pk=_resolve(parent_key, unit_ids))
                if parent_key
                else None
            )
            unit.move_under(parent)
    for pk in plan.unit_closes:
        OrgUnit.objects.filter(pk=pk, valid_from__lt=day).update(valid_until=day)
        OrgUnit.objects.filter(pk=pk, valid_from__gte=day).update(
            valid_until=day + datetime.timedelta(days=1)
        )
    # People.
    rows = []
    for record in plan.person_creates:
        values = {name: getattr(record, name) for name in PERSON_FIELDS}
        sort_key, search_text = search_fields(
            **{name: values[name] for name in SEARCH_INPUTS}
        )
        rows.append(
            {
                "external_id": record.external_id,
                "password": _unusable_password(),
                "date_joined": now,
                "sort_key": sort_key,
                "search_text": search_text,
                **values,
            }
        )
    _insert(Person, rows, progress=progress)
    person_ids: dict[tuple, int] = {}
    if rows:
        person_ids = {
            ("new", ext): pk
            for pk, ext in Person.objects.filter(external_id__isnull=False).values_list(
                "id", "external_id"
            )
        }
    if plan.person_updates:
        by_id = Person.objects.in_bulk([pk for pk, _r, _a in plan.person_updates])
        changed = []
        for pk, record, reactivate in plan.person_updates:
            person = by_id[pk]
            for name in PERSON_FIELDS:
                setattr(person, name, getattr(record, name))
            if reactivate:
                person.is_active = True
                person.deactivated_at = None
            person.refresh_search_fields()
            changed.append(person)
        Person.objects.bulk_update(
            changed,
            [*PERSON_FIELDS, "is_active", "deactivated_at", "sort_key", "search_text"],
            batch_size=500,
        )
    # Deactivations: never deleted; their open memberships end today.
    if plan.deactivate_ids:
        for start in range(0, len(plan.deactivate_ids), BATCH):
            ids = plan.deactivate_ids[start : start + BATCH]
            Person.objects.filter(pk__in=ids).update(
                is_active=False, deactivated_at=now
            )
            end_memberships(
                Membership.objects.filter(person_id__in=ids, valid_until__isnull=True),
                day,
            )
    # Primary memberships (本務): end the old one, start the new one.
    to_end = [old for _p, _u, _post, old in plan.appointments if old]
    same_day = set(
        Membership.objects.filter(pk__in=to_end, valid_from__gte=day).values_list(
            "pk", flat=True
        )
    )
    new_memberships = []
    for person_key, unit_key, post_key, old in plan.appointments:
        unit_id = _resolve(unit_key, unit_ids)
        post_id = _resolve(post_key, post_ids)
        if old in same_day:
            Membership.objects.filter(pk=old).update(unit_id=unit_id, post_id=post_id)
            continue
        new_memberships.append(
            {
                "person_id": _resolve(person_key, person_ids),
                "unit_id": unit_id,
                "post_id": post_id,
                "is_primary": True,
                "valid_from": day,
            }
        )
    ending = [pk for pk in to_end if pk not in same_day]
    for start in range(0, len(ending), BATCH):
        Membership.objects.filter(pk__in=ending[start : start + BATCH]).update(
            valid_until=day
        )
    _insert(Membership, new_memberships)
    # Group memberships (roles): written in bulk, then announced for the audit log.
    through = Person.groups.through
    removed = [(g, _resolve(key, person_ids)) for g, key in plan.group_removes]
    added = [(g, _resolve(key, person_ids)) for g, key in plan.group_adds]
    for group_id, person_id in removed:
        through.objects.filter(group_id=group_id, person_id=person_id).delete()
    if added:
        through.objects.bulk_create(
            [through(group_id=g, person_id=p) for g, p in added],
            ignore_conflicts=True,
            batch_size=BATCH,
        )
    if added or removed:
        group_memberships_synced.send(sender=Person, added=added, removed=removed)
    reactivated = [pk for pk, _record, again in plan.person_updates if again]
    if plan.deactivate_ids or reactivated:
        accounts_synced.send(
            sender=Person,
            deactivated=list(plan.deactivate_ids),
            reactivated=reactivated,
        )


def _insert(model, rows: list[dict], progress=None) -> None:
    """INSERT many rows with executemany.

    bulk_create spends most of a 20,000-person first sync compiling SQL in Python;
    the rows here are plain values, so every column is prepared once per distinct
    default and the statement is compiled once. Columns missing from a row get the
    field's default.
    """
    if not rows:
        return
    fields = [
        model_field
        for model_field in model._meta.concrete_fields
        if not model_field.primary_key and model_field.attname
    ]
    plain = (models.CharField, models.TextField, models.IntegerField, models.ForeignKey)
    columns = []  # (attname, default, field when the value needs preparing)
    for model_field in fields:
        default = model_field.get_db_prep_save(model_field.get_default(), connection)
        needs = None if isinstance(model_field, plain) else model_field
        columns.append((model_field.attname, default, needs))
    prepared: dict = {}

    def prepare(model_field, value):
        key = (model_field.attname, value)
        if key not in prepared:
            prepared[key] = model_field.get_db_prep_save(value, connection)
        return prepared[key]

    names = [name for name, _default, _field in columns]
    values = [
        [
            default
            if name not in row
            else (row[name] if needs is None else prepare(needs, row[name]))
            for name, default, needs in columns
        ]
        for row in rows
    ]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(model_field.column) for model_field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(names))})"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is PostgreSQL's bulk path: one stream instead of a row per insert.
            copy_sql = sql.partition(" VALUES")[0].replace("INSERT INTO", "COPY", 1)
            with cursor.cursor.copy(f"{copy_sql} FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            if progress is not None:
                progress("write", len(values))
            return
        for start in range(0, len(values), BATCH * 5):
            cursor.executemany(sql, values[start : start + BATCH * 5])
            if progress is not None:
                progress("write", min(start + BATCH * 5, len(values)))


def _resolve(key, new_ids: dict) -> int:
    kind, value = key
    return value if kind == "id" else new_ids[key]
