"""The client's IP address: for the login lockout and audit log (AXES_CLIENT_IP_CALLABLE) and the
rate limit of the public suggestion form (RATELIMIT_IP_META_KEY): one rule for both.

Own code rather than django-ipware (axes' optional helper, not installed): the rule is one line.
Without a proxy (TRUSTED_PROXY_COUNT = 0, the default of base.py) the address is REMOTE_ADDR and
X-Forwarded-For is ignored, since any client can send that header. Behind N proxies (production:
nginx, TRUSTED_PROXY_COUNT = 1) each proxy appends the address it saw, so the N-th entry from the
right is the client as the outermost trusted proxy saw it; entries left of it are the client's own
claims and are never used.

Counting (the lockout's per-IP count, the rate limits) is per `bucket`: an IPv4 address, or an
IPv6 address's /64 network. One subscriber, office or phone gets a whole /64 (RFC 6177; Chinese
carriers hand out /64 prefixes to phones and /56–/60 to homes), and picks any address in it at
will (privacy addresses, RFC 8981), so counting single IPv6 addresses would give each client
2^64 fresh tries. The audit log keeps the exact address (client_ip)."""

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


IPV6_PREFIX = 64


def bucket(address):
    """What one client counts as: the IPv4 address itself, an IPv6 address's /64 network
    (written as its first address, e.g. "2001:db8:1:2::"); an IPv4-mapped IPv6 address counts as
    its IPv4 address. None for anything that is not an address."""
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return None
    if parsed.version == 6:
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False).network_address)
    return str(parsed)


def lockout_ip(request):
    """AXES_CLIENT_IP_CALLABLE: the client's bucket, so that the per-IP lockout locks an IPv6
    client's whole /64 rather than one of its 2^64 addresses."""
    address = client_ip(request)
    return bucket(address) or address


def rate_limit_ip(request):
    """RATELIMIT_IP_META_KEY: the client's bucket for django-ratelimit. Without a valid address
    (REMOTE_ADDR empty: a proxy on a Unix socket) ImproperlyConfigured, as django-ratelimit
    itself raises for an empty REMOTE_ADDR; documents/views.py then counts in one shared bucket."""
    address = bucket(client_ip(request))
    if not address:
        raise ImproperlyConfigured("没有客户端地址：请设置 TRUSTED_PROXY_COUNT（no client address)")
    return address


def rate_limit_bucket(request):
    """The same bucket as a django-ratelimit `key` callable's value; "unknown" without an
    address (one shared bucket rather than none)."""
    return bucket(client_ip(request)) or "unknown"
