"""Who may see and change what in the directory. Views and services ask these."""

from __future__ import annotations

from . import roles


def is_directory_admin(user) -> bool:
    return roles.has_role(user, roles.DIRECTORY_ADMINS)


def can_edit_presence(user, person) -> bool:
    """The person, one of their superiors (係長・課長 … on today's org chart), or a
    directory administrator."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.pk == person.pk or is_directory_admin(user):
        return True
    from .org import superiors

    return any(m.person_id == user.pk for m in superiors(person))


def can_edit_profile(user, person) -> bool:
    """The photo: the person themselves or a directory administrator."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.pk == person.pk or is_directory_admin(user)


def can_view_sync_runs(user) -> bool:
    return is_directory_admin(user)
