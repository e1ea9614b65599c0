"""Response headers: the content security policy and the Permissions-Policy."""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from csp.utils import default_config
from django.conf import settings


def _media_origin():
    """The origin of MEDIA_URL when media is served from elsewhere (object storage), or None."""
    parts = urlsplit(settings.MEDIA_URL)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, choosing the policy by path.

    Learner pages get CONTENT_SECURITY_POLICY: no inline script or style at all. The Wagtail
    and Django admins (and the API's Swagger page) get CONTENT_SECURITY_POLICY_ADMIN: Wagtail
    still writes inline scripts and style attributes (wagtail/wagtail#1288), so that policy
    allows inline code but keeps every other limit. A view's own @csp_* decorator still wins.
    """

    def __init__(self, get_response):
        super().__init__(get_response)
        self.admin_prefixes = tuple(settings.CONTENT_SECURITY_POLICY_ADMIN_PATHS)
        origin = _media_origin()
        self.media_sources = {"img-src": [origin], "media-src": [origin]} if origin else None

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        if parts.config is None and request.path_info.startswith(self.admin_prefixes):
            parts.config = default_config(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"])
        if self.media_sources:
            parts.update = {**self.media_sources, **(parts.update or {})}
        return parts


class PermissionsPolicyMiddleware:
    """Sends Permissions-Policy: the browser features no page of the platform uses are off,
    so an injected script or an embedded video cannot ask for the camera or location."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.value:
            response.headers.setdefault("Permissions-Policy", self.value)
        return response
