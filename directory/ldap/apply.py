"""Writing a plan: bulk statements in an order that never trips a constraint.

What frees a user ID or employee number is written before what takes one; units are
created parents first; people are inserted with executemany (COPY on PostgreSQL).
"""

from __future__ import annotations

import datetime
import secrets

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection, models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from ..models import (
    SEARCH_INPUTS,
    Membership,
    OrgUnit,
    Person,
    Post,
    search_fields,
)
from ..signals import accounts_synced, group_memberships_synced
from .mapping import (
    PERSON_FIELDS,
)
from .plan import BATCH, Plan

DEFAULT_POST_RANK = 90


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
        unit.refresh_search_fields()
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
        # Units named by department paths, each level after the one above it; a
        # top level goes under the ward when the intranet has exactly one root.
        roots = list(OrgUnit.objects.on(day).filter(parent__isnull=True)[:2])
        root = roots[0] if len(roots) == 1 else None
        for full, name, kind, parent_key in plan.dept_units:
            parent_id = _resolve(parent_key, unit_ids) if parent_key else None
            unit = OrgUnit(
                code=full[:64],
                name=name[:100],
                kind=kind,
                parent_id=parent_id if parent_key else (root.pk if root else None),
                valid_from=day,
            )
            unit.save()
            unit_ids[("dept", full)] = unit.pk
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
    # People: first what frees a user ID or employee number, then what takes one.
    _free_identities(plan)
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
    # Gone and back on one day: the appointment that ended "tomorrow" (a period is
    # never empty) gives way to the new one instead of overlapping it.
    back = [pk for pk, _record, again in plan.person_updates if again]
    for start in range(0, len(back), BATCH):
        Membership.objects.filter(
            person_id__in=back[start : start + BATCH],
            is_primary=True,
            valid_from=day,
            valid_until=day + datetime.timedelta(days=1),
        ).delete()
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


def _free_identities(plan: Plan) -> None:
    """Releases, then a placeholder for every user ID or number about to change (so
    that two people may swap theirs), then the re-links to new identities."""
    for pk, release in plan.releases:
        changes = {"employee_number": None} if release.number else {}
        if release.username:
            changes["username"] = release.username
        Person.objects.filter(pk=pk).update(**changes)
    for start in range(0, len(plan.identity_frees), BATCH):
        Person.objects.filter(pk__in=plan.identity_frees[start : start + BATCH]).update(
            username=Concat(
                Value("~sync-"),
                Cast("id", models.CharField()),
                output_field=models.CharField(),
            ),
            employee_number=None,
        )
    for pk, external_id in plan.relinks:
        Person.objects.filter(pk=pk).update(external_id=external_id)


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
