"""When a session ends at the latest, written into the session itself.

The sign-in app (``intranet/signin``) knows a session's idle timeout and lifetime
(they depend on where the person calls from) and writes the moment it lapses under
``DEADLINE``; whatever else holds on to a session without requests — the live
sockets' periodic check — reads it here, without knowing the rules behind it.
"""

from __future__ import annotations

DEADLINE = "session_deadline"


def lapsed(session, now: float) -> bool:
    """Has the session passed the deadline written into it (none written: no)?"""
    deadline = session.get(DEADLINE)
    return deadline is not None and now > deadline
