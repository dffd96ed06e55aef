"""Fields the directory owns: names, readings, e-mail, unit and post.

They come from LDAP / AD and are written by the directory sync (and the directory's
own services: ``appoint``, ``reorganise_unit``) inside ``directory_writes()``. Anywhere
else — a CMS account form, the Django admin, a stray ``save()`` — a change to them is
refused: the stored value is kept, the rest of the save goes through, and the attempt
is announced (``managed_change_refused``) for the audit log and logged. Otherwise a
CMS user could take another person's name on her comments and seals, or send her
notification e-mails anywhere, until the next full sync.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging

from django.db import models

from .signals import managed_change_refused

logger = logging.getLogger(__name__)

PERSON_FIELDS = (
    "last_name",
    "first_name",
    "last_name_kana",
    "first_name_kana",
    "email",
)
MEMBERSHIP_FIELDS = ("person_id", "unit_id", "post_id")

_writing: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "directory_writes", default=False
)


@contextlib.contextmanager
def directory_writes():
    """Within this block the directory-managed fields may change (the sync's apply)."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def writing() -> bool:
    return _writing.get()


def remember(instance: models.Model, fields: tuple[str, ...]) -> None:
    """Note the stored values of ``fields`` (called when a row is loaded or saved);
    deferred fields are read from the database if they are ever set."""
    instance._directory_stored = {
        name: instance.__dict__[name] for name in fields if name in instance.__dict__
    }


def refuse_changes(instance: models.Model, fields: tuple[str, ...]) -> list[str]:
    """Put back any of ``fields`` changed outside ``directory_writes()``.

    Returns the names put back. New rows are the directory's to create and pass.
    """
    if writing() or instance._state.adding or instance.pk is None:
        return []
    stored = dict(getattr(instance, "_directory_stored", {}))
    unknown = [
        name for name in fields if name not in stored and name in instance.__dict__
    ]
    if unknown:
        row = type(instance)._base_manager.filter(pk=instance.pk).values(*unknown)
        stored.update(row.first() or {})
    fields = [name for name in fields if name in stored]
    changes = {
        name: [stored[name], getattr(instance, name)]
        for name in fields
        if getattr(instance, name) != stored[name]
    }
    if not changes:
        return []
    for name, (before, _after) in changes.items():
        setattr(instance, name, before)
    logger.warning(
        "Refused a change to directory-managed fields of %s %s: %s",
        instance._meta.label,
        instance.pk,
        ", ".join(sorted(changes)),
    )
    managed_change_refused.send(
        sender=type(instance), instance=instance, changes=changes
    )
    return sorted(changes)
