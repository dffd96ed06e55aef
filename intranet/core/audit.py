"""Who changed permissions: every group, permission and staff-flag change is recorded.

The acting user comes from the current request (set by RequestContextMiddleware); changes
made outside a request (a management command) are recorded with the source instead. The
LDAP sync writes role-group memberships and (de)activations in bulk and announces them
(``directory.signals``): recorded with source "directory-sync".
Django admin actions are also in django.contrib.admin's LogEntry (our custom admin
actions log there too), CMS actions in Wagtail's log; this covers the rest, whoever made
the change.
"""

from __future__ import annotations

import contextvars
import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save
from django.dispatch import receiver

logger = logging.getLogger("intranet.audit")

current_actor: contextvars.ContextVar = contextvars.ContextVar(
    "current_actor", default=None
)
current_source: contextvars.ContextVar = contextvars.ContextVar(
    "current_source", default="system"
)

WATCHED_FLAGS = ("is_active", "is_staff", "is_superuser")


def record(
    *,
    action: str,
    target=None,
    details: dict | None = None,
    about: tuple[str, str, str] | None = None,
) -> None:
    """One entry about ``target`` (a row), or ``about`` = (type, id, description) for
    what has no row here (an identity provider's account unknown to the directory)."""
    from .models import AuditEntry

    actor = current_actor.get()
    if target is not None:
        about = (target._meta.label_lower, str(target.pk), str(target))
    target_type, target_id, target_repr = about
    AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        source=current_source.get(),
        action=action,
        target_type=target_type,
        target_id=target_id[:64],
        target_repr=target_repr[:200],
        details=details or {},
    )


def _names(model, pks) -> list[str]:
    if model is Permission:
        rows = Permission.objects.filter(pk__in=pks).select_related("content_type")
        return sorted(f"{p.content_type.app_label}.{p.codename}" for p in rows)
    return sorted(str(obj) for obj in model.objects.filter(pk__in=pks))


def _on_m2m(sender, instance, action, reverse, model, pk_set, relation, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    verb = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[
        action
    ]
    if reverse:
        # group.user_set.add(person): one entry per person, so each history reads whole.
        for other in model.objects.filter(pk__in=pk_set or []):
            record(
                action=f"{relation}.{verb}",
                target=other,
                details={relation: [str(instance)]},
            )
        if action == "post_clear":
            record(action=f"{relation}.{verb}", target=instance, details={})
        return
    record(
        action=f"{relation}.{verb}",
        target=instance,
        details={relation: _names(model, pk_set or [])} if pk_set else {},
    )


def _record_synced(person_model, rows: list[tuple[str, int, dict]]) -> None:
    """One entry per (action, person id, details) the directory sync announced."""
    from .models import AuditEntry

    people = person_model.objects.in_bulk({pk for _action, pk, _details in rows})
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                source="directory-sync",
                action=action,
                target_type=person_model._meta.label_lower,
                target_id=str(pk),
                target_repr=str(people.get(pk, pk))[:200],
                details=details,
            )
            for action, pk, details in rows
        ],
        batch_size=500,
    )


def _on_synced_groups(sender, added, removed, **kwargs) -> None:
    names = dict(Group.objects.values_list("pk", "name"))
    _record_synced(
        sender,
        [("groups.added", p, {"groups": [names.get(g, str(g))]}) for g, p in added]
        + [
            ("groups.removed", p, {"groups": [names.get(g, str(g))]})
            for g, p in removed
        ],
    )


def _on_synced_accounts(sender, deactivated, reactivated, **kwargs) -> None:
    flag = "account.flags_changed"
    _record_synced(
        sender,
        [(flag, pk, {"is_active": [True, False]}) for pk in deactivated]
        + [(flag, pk, {"is_active": [False, True]}) for pk in reactivated],
    )


def _on_group_saved(sender, instance, created, **kwargs) -> None:
    before = getattr(instance, "_audit_name_before", None)
    if created:
        record(action="group.created", target=instance)
    elif before is not None and before != instance.name:
        record(
            action="group.renamed",
            target=instance,
            details={"name": [before, instance.name]},
        )


def _on_group_saving(sender, instance, **kwargs) -> None:
    if instance.pk:
        instance._audit_name_before = (
            sender.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
        )


def _on_group_deleting(sender, instance, **kwargs) -> None:
    """A deleted group takes its memberships and permissions with it, without the
    m2m signals: what it held is recorded before it goes (from code or the admin)."""
    record(
        action="group.deleted",
        target=instance,
        details={
            "members": sorted(str(p) for p in instance.user_set.all()),
            "permissions": _names(Permission, instance.permissions.values("pk")),
        },
    )


def _on_managed_change_refused(sender, instance, changes, **kwargs) -> None:
    """A directory-managed field (name, e-mail, unit, post) changed outside the sync."""
    record(
        action="directory.change_refused",
        target=instance,
        details={
            name: [str(value) for value in pair] for name, pair in changes.items()
        },
    )


def connect() -> None:
    """Attach the listeners (called from CoreConfig.ready)."""
    from directory.signals import (
        accounts_synced,
        group_memberships_synced,
        managed_change_refused,
    )

    person = get_user_model()
    group_memberships_synced.connect(
        _on_synced_groups, weak=False, dispatch_uid="audit-directory-sync-groups"
    )
    accounts_synced.connect(
        _on_synced_accounts, weak=False, dispatch_uid="audit-directory-sync-accounts"
    )
    managed_change_refused.connect(
        _on_managed_change_refused,
        weak=False,
        dispatch_uid="audit-directory-managed-refused",
    )
    m2m_changed.connect(
        lambda **kw: _on_m2m(**kw, relation="groups"),
        sender=person.groups.through,
        weak=False,
        dispatch_uid="audit-person-groups",
    )
    m2m_changed.connect(
        lambda **kw: _on_m2m(**kw, relation="user_permissions"),
        sender=person.user_permissions.through,
        weak=False,
        dispatch_uid="audit-person-permissions",
    )
    m2m_changed.connect(
        lambda **kw: _on_m2m(**kw, relation="permissions"),
        sender=Group.permissions.through,
        weak=False,
        dispatch_uid="audit-group-permissions",
    )

    pre_save.connect(
        _on_group_saving, sender=Group, weak=False, dispatch_uid="audit-group-before"
    )
    post_save.connect(
        _on_group_saved, sender=Group, weak=False, dispatch_uid="audit-group-saved"
    )
    pre_delete.connect(
        _on_group_deleting, sender=Group, weak=False, dispatch_uid="audit-group-deleted"
    )

    @receiver(pre_save, sender=person, weak=False, dispatch_uid="audit-flags-before")
    def remember_flags(sender, instance, **kwargs):
        if instance.pk:
            before = (
                sender.objects.filter(pk=instance.pk).values(*WATCHED_FLAGS).first()
                or {}
            )
            instance._audit_flags_before = before

    @receiver(post_save, sender=person, weak=False, dispatch_uid="audit-flags-after")
    def record_flags(sender, instance, created, **kwargs):
        before = getattr(instance, "_audit_flags_before", None)
        if created or before is None:
            if created and (instance.is_staff or instance.is_superuser):
                record(
                    action="account.created_privileged",
                    target=instance,
                    details={f: getattr(instance, f) for f in WATCHED_FLAGS},
                )
            return
        changed = {
            flag: [before.get(flag), getattr(instance, flag)]
            for flag in WATCHED_FLAGS
            if before.get(flag) != getattr(instance, flag)
        }
        if changed:
            record(action="account.flags_changed", target=instance, details=changed)
