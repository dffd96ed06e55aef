"""Best-effort pushes to open browser tabs through the channel layer.

Live updates are a convenience on top of what is stored: when the channel layer (Redis)
is down, the request that notified still succeeds, the notification shows on the next
page load, and the outage is logged once — not once per request. While it is down we
do not even try for a few seconds, so a Redis that hangs cannot slow every request.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

# Longest a request may wait for the channel layer (connect timeouts are set in
# settings; this also bounds a connection that accepts but never answers).
SEND_TIMEOUT = 3.0
# After a failure, skip live pushes for this long before trying again.
RETRY_AFTER = 5.0


class _Health:
    """Process-wide state of the channel layer, as seen by senders."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down = False
        self.retry_at = 0.0

    def should_try(self) -> bool:
        with self.lock:
            return not self.down or time.monotonic() >= self.retry_at

    def failed(self) -> bool:
        """Record a failure; True the first time in an outage (log it then)."""
        with self.lock:
            first = not self.down
            self.down = True
            self.retry_at = time.monotonic() + RETRY_AFTER
            return first

    def succeeded(self) -> bool:
        """Record a success; True when it ends an outage."""
        with self.lock:
            recovered = self.down
            self.down = False
            return recovered


health = _Health()


def send(messages: list[tuple[str, dict]]) -> bool:
    """Send ``(group, message)`` pairs; False (never an exception) if the layer failed."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return True
    if not health.should_try():
        return False
    try:
        async_to_sync(_send_all)(layer, messages)
    except Exception:
        if health.failed():
            logger.warning(
                "Channel layer unavailable: live updates paused; notifications are "
                "still stored and shown on the next page load.",
                exc_info=True,
            )
        return False
    if health.succeeded():
        logger.warning("Channel layer reachable again: live updates resumed.")
    return True


async def _send_all(layer, messages: list[tuple[str, dict]]) -> None:
    async def publish():
        for number, (group, message) in enumerate(messages, start=1):
            if number % 50 == 0:
                # Let this process's hub read what it was sent (the in-memory
                # layer holds only 100 waiting messages per channel).
                await asyncio.sleep(0)
            try:
                await layer.group_send(group, message)
            except Exception:
                # After a Redis restart the pooled connection is stale; the first
                # command fails and drops it. One more try uses a fresh connection.
                await layer.group_send(group, message)

    await asyncio.wait_for(publish(), timeout=SEND_TIMEOUT)


class OncePerOutage(logging.Filter):
    """Let a repeated error through once per ``interval`` seconds.

    channels_redis logs a full traceback every second while Redis is down; one line
    now and then is enough for the operator.
    """

    def __init__(self, interval: float = 300.0):
        super().__init__()
        self.interval = interval
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR:
            return True
        key = str(record.msg)
        now = time.monotonic()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < self.interval:
                return False
            self._last[key] = now
        return True
