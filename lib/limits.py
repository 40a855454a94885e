"""Who is asking, and how often: the client address and the counters that throttle the
public forms (newsletter sign-up, certificate look-up). DRF's throttles and allauth's
limits read the address the same way, from the same setting (TRUSTED_PROXY_COUNT)."""

import hashlib
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone


def client_ip(request: HttpRequest) -> str:
    """The client's address. With no proxy in front (TRUSTED_PROXY_COUNT=0), that is
    REMOTE_ADDR, whatever X-Forwarded-For claims: a client writes that header itself.
    Behind N proxies, each appends the address it saw, so the client is the Nth entry
    from the right; anything further left was written by the client and is ignored."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [ip.strip() for ip in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [ip for ip in forwarded if ip]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def allow(
    scope: str, who: str, *, limit: int, per_seconds: int, now: datetime | None = None
) -> bool:
    """Count one more request from `who` in `scope`; False once `limit` is passed within
    the current window of `per_seconds` (fixed windows, counted from the epoch). The
    window is part of the key, so a client refused now is allowed again when the next
    window starts however often it keeps asking: the cache's `incr` rewrites the counter
    with the default timeout, and a counter whose expiry moved with each request would
    hold a persistent client off for good. The key is hashed, so any value (a long
    header) makes a valid key."""
    window = int((now or timezone.now()).timestamp() // per_seconds)
    key = "limit:" + hashlib.sha256(f"{scope}:{who}:{window}".encode()).hexdigest()
    if cache.add(key, 1, timeout=per_seconds):
        return True
    try:
        count = cache.incr(key)
    except ValueError:
        # The counter expired between add and incr: count this request afresh.
        cache.add(key, 1, timeout=per_seconds)
        return True
    return count <= limit
