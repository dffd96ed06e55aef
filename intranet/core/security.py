"""The Content-Security-Policy: no inline scripts anywhere staff pages are served.

The Wagtail and Django admin screens (editors and administrators only) still carry a few
inline scripts of their own, so only there is 'unsafe-inline' added for scripts.
"""

from csp.middleware import CSPMiddleware, PolicyParts

# Paths whose third-party templates need inline scripts.
ADMIN_PREFIXES = ("/cms/", "/django-admin/")
ADMIN_SCRIPT_SOURCES = {"script-src": ["'self'", "'unsafe-inline'"]}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PREFIXES):
            parts.update = {**(parts.update or {}), **ADMIN_SCRIPT_SOURCES}
        return parts
