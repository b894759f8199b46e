"""The client's IP address: for the login lockout and audit log (AXES_CLIENT_IP_CALLABLE) and the
rate limit of the public suggestion form (RATELIMIT_IP_META_KEY): one rule for both.

Own code rather than django-ipware (axes' optional helper, not installed): the rule is one line.
Without a proxy (TRUSTED_PROXY_COUNT = 0, the default of base.py) the address is REMOTE_ADDR and
X-Forwarded-For is ignored, since any client can send that header. Behind N proxies (production:
nginx, TRUSTED_PROXY_COUNT = 1) each proxy appends the address it saw, so the N-th entry from the
right is the client as the outermost trusted proxy saw it; entries left of it are the client's own
claims and are never used."""

import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _valid(address):
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR") or ""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count > 0:
        chain = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part]
        if chain:
            # Fewer entries than proxies: the left-most one was still written by a proxy.
            address = _valid(chain[-count] if len(chain) >= count else chain[0])
            if address:
                return address
    return _valid(remote) or remote or None


def rate_limit_ip(request):
    """RATELIMIT_IP_META_KEY: the same client address for django-ratelimit. Without a valid one
    (REMOTE_ADDR empty: a proxy on a Unix socket) ImproperlyConfigured, as django-ratelimit
    itself raises for an empty REMOTE_ADDR; documents/views.py then counts in one shared bucket."""
    address = _valid(client_ip(request) or "")
    if not address:
        raise ImproperlyConfigured("没有客户端地址：请设置 TRUSTED_PROXY_COUNT（no client address)")
    return address
