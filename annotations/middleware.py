"""The Content-Security-Policy middleware, with one exception for the admin."""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts


class ProjectCSPMiddleware(CSPMiddleware):
    """settings.CONTENT_SECURITY_POLICY everywhere; the Django admin (staff only) may also use
    inline styles, which its templates and those of django-import-export need. Scripts stay
    nonce-only there too."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith("/admin/"):
            parts.update = {**(parts.update or {}), "style-src": [UNSAFE_INLINE]}
        return parts
