"""Live-update topics ("floor:3", "document:42") and who may follow them.

Apps register a checker for their prefix when they are ready; the topic consumer asks
:func:`can_follow` before joining a browser to a topic. Unknown prefixes are refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_TOPIC = re.compile(r"^([a-z][a-z0-9_-]{0,30}):([A-Za-z0-9_.-]{1,60})$")
_checkers: dict[str, Callable[[object, str], bool]] = {}


class TopicError(ValueError):
    pass


def register(prefix: str, checker: Callable[[object, str], bool]) -> None:
    """Let ``checker(user, key)`` decide who may follow topics ``prefix:key``."""
    _checkers[prefix] = checker


def parse(topic: str) -> tuple[str, str]:
    match = _TOPIC.match(topic or "")
    if not match:
        raise TopicError(f"Malformed topic {topic!r}.")
    return match.group(1), match.group(2)


def group_name(topic: str) -> str:
    prefix, key = parse(topic)
    return f"topic.{prefix}.{key}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def session_group(user_id: int) -> str:
    """Every socket of the user follows it: control messages (close) only."""
    return f"session.{user_id}"


def can_follow(user, topic: str) -> bool:
    """True when an authenticated, active user may receive updates on ``topic``."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    try:
        prefix, key = parse(topic)
    except TopicError:
        return False
    checker = _checkers.get(prefix)
    return bool(checker and checker(user, key))
