"""The Content-Security-Policy: no inline scripts anywhere staff pages are served.

The Wagtail and Django admin screens (editors and administrators only) still carry a few
inline scripts of their own, so only there is 'unsafe-inline' added for scripts.

Nothing is framed, except a response its view marks as frameable by the site itself
(X-Frame-Options SAMEORIGIN): the CMS's live preview and its content checks show the
page being edited in a frame of the editor. Wagtail renders a preview by passing a
request for the page through the whole middleware stack, so the page's own policy is
already on the response: it is replaced by the preview's.
"""

from csp.constants import HEADER
from csp.middleware import CSPMiddleware, PolicyParts

# Paths whose third-party templates need inline scripts.
ADMIN_PREFIXES = ("/cms/", "/django-admin/")
ADMIN_SCRIPT_SOURCES = {"script-src": ["'self'", "'unsafe-inline'"]}
SAME_ORIGIN_FRAMES = {"frame-ancestors": ["'self'"]}


def _frameable_by_the_site(response) -> bool:
    return response.get("X-Frame-Options", "").upper() == "SAMEORIGIN"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if _frameable_by_the_site(response) and HEADER in response:
            del response[HEADER]
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PREFIXES):
            parts.update = {**(parts.update or {}), **ADMIN_SCRIPT_SOURCES}
        if _frameable_by_the_site(response):
            parts.replace = {**(parts.replace or {}), **SAME_ORIGIN_FRAMES}
        return parts
