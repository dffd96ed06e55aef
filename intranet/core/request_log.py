"""One structured log line per request, without personal data.

The line names the URL pattern (not the path, which can carry names or search words), the
status, the duration, a pseudonymous user number and a request id that is also returned in
the X-Request-ID header. Query strings, IP addresses, names and form data are never logged.
"""

from __future__ import annotations

import logging
import time
import uuid

from . import audit

logger = logging.getLogger("intranet.request")


class RequestContextMiddleware:
    """Remembers who is acting (for the audit log) and logs the request when done."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request_id = uuid.uuid4().hex[:16]
        request.request_id = request_id
        user = getattr(request, "user", None)
        actor_token = audit.current_actor.set(
            user if user is not None and user.is_authenticated else None
        )
        source_token = audit.current_source.set("web")
        try:
            response = self.get_response(request)
        finally:
            audit.current_actor.reset(actor_token)
            audit.current_source.reset(source_token)
        response["X-Request-ID"] = request_id
        match = getattr(request, "resolver_match", None)
        route = (match.route or match.view_name) if match else "unresolved"
        logger.info(
            "request",
            extra={
                "fields": {
                    "request_id": request_id,
                    "method": request.method,
                    "route": route,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                    "user": user.pk
                    if user is not None and user.is_authenticated
                    else None,
                }
            },
        )
        return response
