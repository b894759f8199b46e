"""django-csp's CSPMiddleware with the project's two exceptions to the one policy in settings
(CONTENT_SECURITY_POLICY; docs/security.md, "Transport, headers and Content-Security-Policy").

1. Under the Wagtail admin, CONTENT_SECURITY_POLICY_ADMIN is added to the policy: Wagtail's
   admin needs what the public site does not (see the setting). django-csp's per-view decorators
   cannot reach Wagtail's own views, hence a subclass of the middleware, as its docs suggest
   ("extending the get_policy_parts method").
2. frame-ancestors follows X-Frame-Options: 'none' with the site-wide DENY, 'self' where a view
   allows same-origin framing. Wagtail's preview views (wagtail/admin/views/generic/preview.py,
   @xframe_options_sameorigin_override) set SAMEORIGIN for the preview panel's iframe, and
   browsers obey frame-ancestors over X-Frame-Options, so without this the panel stays blank.

Wagtail renders a preview by running the page through a second middleware chain with a dummy
request for the page's public URL (Page.make_preview_request, `request.is_dummy`). That inner
pass sets no policy: the outer admin request sets it once, with the admin's sources and
frame-ancestors 'self', and django-csp never replaces a header that is already there.
"""

from functools import lru_cache

from csp.constants import NONE, SELF
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse


def admin_prefix():
    """The Wagtail admin's URL prefix ("/admin/"), or None without the admin."""
    return _admin_prefix(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@lru_cache(maxsize=8)
def _admin_prefix(urlconf, script_prefix):
    # Cached: reverse() costs more than the rest of the middleware together (measured).
    try:
        return reverse("wagtailadmin_home", urlconf=urlconf)
    except NoReverseMatch:
        return None


def merge_sources(*updates):
    """Directive → sources, the lists of several updates joined (django-csp's `update` shape)."""
    merged = {}
    for update in updates:
        for directive, sources in (update or {}).items():
            sources = [sources] if isinstance(sources, str) else list(sources)
            merged[directive] = merged.get(directive, []) + sources
    return merged


class CSPMiddleware(BaseCSPMiddleware):
    def process_response(self, request, response):
        if getattr(request, "is_dummy", False):
            return response
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        prefix = admin_prefix()
        if prefix and request.path.startswith(prefix):
            admin = getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN", None) or {}
            base = parts.config or settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
            # 'none' goes with no other source: a directive that is 'none' for the public
            # site (frame-src without embeds) is replaced, the others are added to.
            replace = {key: value for key, value in admin.items() if base.get(key) == [NONE]}
            added = {key: value for key, value in admin.items() if key not in replace}
            parts.update = merge_sources(added, parts.update)
            parts.replace = {**replace, **(parts.replace or {})}
        if response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        return parts
