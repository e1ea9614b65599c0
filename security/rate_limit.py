"""Rate limits on the public pages a script could call in a loop: the certificate check
(guessing codes) and the password-reset form (mail bombing an officer).

`@rate_limited("certificate_verify")` counts the requests of each client address
(client_ip, which believes X-Forwarded-For only from our own proxies, as the login lockout
does); `password_reset_limited(view)` counts the reset requests of each address and of each
e-mail address asked for. The limits, (requests, seconds) per name, are settings.RATE_LIMITS.

Counts live in Django's default cache, in fixed windows, with cache.add and cache.incr, which
are atomic on Redis and on the local-memory cache. In production the cache is Redis
(REDIS_URL), shared by every gunicorn worker and machine; a process's own memory would let
each worker count apart (operations.checks warns of it). Past a limit the answer is a page
saying when to try again, status 429 with Retry-After, like django-axes' lockout page.
"""

import hashlib
import math
import time
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone

from toolkit.client_ip import client_ip


def seconds_to_wait(name, key, now=None):
    """Count one request of `key` against the limit `name`: 0 when within it, else the
    seconds until its window ends."""
    allowed, window_seconds = settings.RATE_LIMITS[name]
    now = time.time() if now is None else now
    window = int(now // window_seconds)
    # Hashed: an e-mail address never appears in the cache's keys.
    digest = hashlib.sha256(str(key).encode()).hexdigest()[:32]
    cache_key = f"rate-limit:{name}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=window_seconds * 2)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the key expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds * 2)
        count = 1
    if count <= allowed:
        return 0
    return max(1, math.ceil((window + 1) * window_seconds - now))


def too_many_requests(request, seconds):
    response = render(
        request,
        "security/rate_limited.html",
        {
            "minutes": max(1, math.ceil(seconds / 60)),
            "again_at": timezone.localtime() + timedelta(seconds=seconds),
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


def rate_limited(name):
    """A view decorator: at most RATE_LIMITS[name] requests per client address."""

    def decorator(view):
        @wraps(view)
        def limited(request, *args, **kwargs):
            wait = seconds_to_wait(name, client_ip(request))
            if wait:
                return too_many_requests(request, wait)
            return view(request, *args, **kwargs)

        return limited

    return decorator


def password_reset_limited(view):
    """A password-reset view whose posts are limited per address and per e-mail asked for.

    Counted whether or not an account has the address: the answer must not tell."""

    @wraps(view)
    def limited(request, *args, **kwargs):
        if request.method == "POST":
            email = request.POST.get("email", "").strip().lower()
            wait = seconds_to_wait("password_reset_address", client_ip(request))
            if not wait and email:
                wait = seconds_to_wait("password_reset_email", email)
            if wait:
                return too_many_requests(request, wait)
        return view(request, *args, **kwargs)

    return limited
