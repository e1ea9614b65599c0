"""Tokens of API clients, the Bearer authentication that checks them, and each client's rate.

A token reads `kns_<prefix>_<secret>`. The prefix (hex, stored in clear and unique) finds the
client's row; only a SHA-256 of the whole token is kept, and it is compared in constant time.
"""

import hashlib
import hmac
import re
import secrets
import threading
import time
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from .models import ApiClient

TOKEN_SCHEME = "kns"  # noqa: S105 (the public start of every token)  # nosec B105
_PREFIX = re.compile(r"^[0-9a-f]{1,12}$")
# Compared against when no client has the prefix, so an unknown prefix costs as much time.
_NO_CLIENT_HASH = "0" * 64
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def assign_new_token(client):
    """Give the client a new token (not saved yet); returns the token, shown once."""
    while True:
        prefix = secrets.token_hex(5)
        if not ApiClient.objects.filter(token_prefix=prefix).exists():
            break
    token = f"{TOKEN_SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"
    client.token_prefix = prefix
    client.token_hash = hash_token(token)
    return token


def client_for_token(token):
    """The active client holding this token, or None."""
    scheme, _sep, rest = token.partition("_")
    prefix, _sep, secret = rest.partition("_")
    if scheme != TOKEN_SCHEME or not secret or not _PREFIX.match(prefix):
        return None
    client = ApiClient.objects.filter(token_prefix=prefix).prefetch_related("units").first()
    matches = hmac.compare_digest(
        hash_token(token), client.token_hash if client else _NO_CLIENT_HASH
    )
    if client is None or not matches or not client.is_active:
        return None
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USED_PRECISION:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    return client


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer kns_…`: request.auth becomes the ApiClient."""

    def authenticate(self, request, token):
        return client_for_token(token)


class ClientRateThrottle(BaseThrottle):
    """At most `requests_per_minute` requests per client, counted in Django's cache.

    ninja's SimpleRateThrottle takes one rate string when it is built; here the rate is the
    client's own, read on each request. Fixed one-minute windows counted with cache.incr,
    which is atomic on the cache backends Django ships, so concurrent requests cannot lose a
    count. Runs after authentication; ninja answers 429 with Retry-After when it says no.
    """

    window_seconds = 60
    timer = time.time

    def __init__(self):
        # One throttle object serves every request: keep each thread's wait apart.
        self._local = threading.local()

    def allow_request(self, request):
        client = getattr(request, "auth", None)
        if not isinstance(client, ApiClient):
            return True
        now = self.timer()
        window = int(now // self.window_seconds)
        key = f"procedure-api-rate:{client.pk}:{window}"
        cache.add(key, 0, timeout=self.window_seconds * 2)
        try:
            count = cache.incr(key)
        except ValueError:  # the key expired between add and incr
            cache.set(key, 1, timeout=self.window_seconds * 2)
            count = 1
        if count <= client.requests_per_minute:
            self._local.wait = None
            return True
        self._local.wait = (window + 1) * self.window_seconds - now
        return False

    def wait(self):
        return getattr(self._local, "wait", None)
