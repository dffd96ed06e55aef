"""The shared cache (Redis in production) for answers that can always be worked out
again: a cache that is down is a miss, never a failed page.

Reads return the default, ``add`` says it added nothing, writes and deletes are
skipped; each failure is logged (once a minute). Only for values the caller can
recompute — counters and one-time markers that must fail closed use the cache
directly and decide for themselves.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)
_last_logged = 0.0


def _failed(operation: str, error: Exception) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= 60:
        _last_logged = now
        logger.warning("Shared cache unavailable (%s): %s", operation, error)


def get(key: str, default=None):
    try:
        return cache.get(key, default)
    except Exception as error:  # the backend's own connection errors
        _failed("get", error)
        return default


def set(key: str, value, timeout) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception as error:
        _failed("set", error)


def add(key: str, value, timeout) -> bool:
    try:
        return cache.add(key, value, timeout)
    except Exception as error:
        _failed("add", error)
        return False


def delete(key: str) -> None:
    try:
        cache.delete(key)
    except Exception as error:
        _failed("delete", error)
