"""The intranet's ASGI application, plus a topic every logged-in user may follow.

Used only by bench/ws_fanout.py: the real consumers, routing, session authentication
and channel layer, with one extra topic prefix ("bench:all") registered.
"""

from intranet.asgi import application
from intranet.notifications import topics

topics.register("bench", lambda user, key: key in {"all", "first"})

__all__ = ["application"]
