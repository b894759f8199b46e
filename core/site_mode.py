"""The display mode: 标准版 (standard) or 长辈版 (elder: large text, higher contrast, one column;
docs/frontend.md). Chosen with a link in every page's header (GET /mode/?to=elder&next=/path/),
kept in a cookie, rendered by the server (<html data-mode="elder">): no JavaScript needed.

The cookie is not one of the page cache's private cookies: the full-page cache keeps one copy
per mode (core/pagecache.py puts `from_request(request)` into the key) and nginx keys on the
same cookie (docker/nginx/nginx.conf)."""

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme

COOKIE = "site_mode"
STANDARD = "standard"
ELDER = "elder"
MODES = (STANDARD, ELDER)
COOKIE_MAX_AGE = 365 * 24 * 3600


def from_request(request):
    """The mode a request asks for: the cookie's value when it is a known mode, else standard
    (so a forged cookie makes no new cache variant)."""
    value = request.COOKIES.get(COOKIE, "") if request is not None else ""
    return value if value in MODES else STANDARD


def safe_next(request, target):
    """The page to go back to after switching: a path on this site, else the home page."""
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return "/"


def set_cookie(response, mode):
    if mode == STANDARD:
        response.delete_cookie(COOKIE, samesite="Lax")
    else:
        response.set_cookie(
            COOKIE,
            mode,
            max_age=COOKIE_MAX_AGE,
            samesite="Lax",
            httponly=True,
            secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
        )
