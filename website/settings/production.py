"""Production: base plus transport security. Needs DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
`manage.py check --deploy` reports nothing with these (tests/security/test_headers.py)."""

from .base import *  # noqa: F403
from .base import env_bool, env_int

# TLS ends at the proxy in front (docs/deployment.md), which says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
# The client IP for the login lockout and audit log is the one nginx appends to X-Forwarded-For
# (core/ip.py): one proxy by default; 2 with a load balancer or CDN in front of nginx.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preload asks browsers to use HTTPS for the domain and all its subdomains before ever
# connecting (docs/security.md says what that commits to); DJANGO_SECURE_HSTS_PRELOAD=false
# leaves it out, e.g. while a subdomain still serves plain HTTP.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# No framing, by anyone. Wagtail's preview views set SAMEORIGIN on their own responses for the
# admin's preview panel, and core/csp.py gives those frame-ancestors 'self' to match.
X_FRAME_OPTIONS = "DENY"
