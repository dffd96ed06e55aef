"""May this person open the CMS? Asked on every page (the user menu's link), so it
is answered from the cache: a page costs no permission queries. The user menu's other
links that follow groups (the factor-reset link) register their rule here and are
answered with it, from the same cache entry.

The answer is keyed by a version that any change able to alter it moves on — a
group membership (one by one or through the directory sync), a group's or a
person's own permissions, a group deleted — so no cached answer outlives the change
that made it wrong (and answers expire after ten minutes). The CMS checks access
itself; this only decides the link. A cache that is down costs the two queries again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete

from . import shared_cache as cache

VERSION_KEY = "cms-access:version"
TIMEOUT = 600


def _version() -> str | None:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version  # None: the cache is down


# The user menu's other links that follow groups or permissions (name -> rule, each
# registered by its app): answered with the CMS link, in the same cache entry.
MENU_RULES: dict[str, Callable[[object], bool]] = {}


def register(name: str, rule: Callable[[object], bool]) -> None:
    MENU_RULES[name] = rule


def _answers(user) -> dict[str, bool]:
    def work_out() -> dict[str, bool]:
        answers = {"cms": user.has_perm("wagtailadmin.access_admin")}
        answers.update((name, rule(user)) for name, rule in MENU_RULES.items())
        return answers

    version = _version()
    if version is None:  # the cache is down
        return work_out()
    key = f"cms-access:{version}:{user.pk}"
    answers = cache.get(key)
    if answers is None or answers.keys() != {"cms", *MENU_RULES}:
        answers = work_out()
        cache.set(key, answers, TIMEOUT)
    return answers


def may_use_cms(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return _answers(user)["cms"]


def menu_answer(user, name: str) -> bool:
    """The answer of the registered rule ``name`` for ``user``, from the cache."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return _answers(user)[name]


def forget(**kwargs) -> None:
    """Every cached answer is stale from now on."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def connect() -> None:
    from directory.signals import group_memberships_synced

    person = get_user_model()
    for through in (
        person.groups.through,
        person.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(
            forget, sender=through, dispatch_uid=f"cms-access-{through}"
        )
    post_delete.connect(forget, sender=Group, dispatch_uid="cms-access-group-deleted")
    group_memberships_synced.connect(forget, dispatch_uid="cms-access-synced")
