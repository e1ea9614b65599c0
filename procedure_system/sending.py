"""One webhook request over HTTP: POSTed within a total deadline, its answer read only in part.

Why not a plain socket timeout: it bounds each read, so a receiver that answers one byte a
second holds the sender for as long as it likes. Here a timer shuts the socket down when the
deadline passes, whatever the connection is doing. No redirect is followed (a receiver that
moved must be changed in its subscription, not followed to an address nobody checked).
"""

import base64
import contextlib
import http.client
import json
import socket
import ssl
import threading
import time
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.utils import timezone

USER_AGENT = "kynangso-webhooks/2"
MAX_RESPONSE_BYTES = 64 * 1024
EXCERPT_LENGTH = 1000
ERROR_LENGTH = 1000


def encode(body):
    """The body exactly as sent and signed: compact JSON, UTF-8, Vietnamese left readable."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Request:
    def __init__(self, url, headers, body):
        self.url, self.headers, self.body = url, headers, body

    def logged_headers(self):
        """The headers as the attempt log keeps them: signatures shortened, credentials out."""
        shown = {}
        for name, value in self.headers.items():
            if name.lower() == "authorization":
                value = "…"
            elif name.lower() in ("webhook-signature", "x-kns-signature"):
                value = " ".join(part[:12] + "…" for part in value.split())
            shown[name] = value
        return shown


class Result:
    """What one POST came to."""

    def __init__(self, status=None, excerpt="", error="", retry_after=None, duration_ms=0):
        self.status, self.excerpt, self.error = status, excerpt, error
        self.retry_after, self.duration_ms = retry_after, duration_ms

    @property
    def ok(self):
        return self.status is not None and 200 <= self.status < 300 and not self.error


def post(request, timeout=None):
    """Step 2b: POST within a total deadline (a timer shuts the socket when it passes, whatever
    the receiver is doing), reading at most MAX_RESPONSE_BYTES of the answer."""
    timeout = settings.PROCEDURE_SYSTEM_TIMEOUT_SECONDS if timeout is None else timeout
    started = time.monotonic()
    parts = urlsplit(request.url)
    headers = dict(request.headers)
    if parts.username:
        credentials = f"{parts.username}:{parts.password or ''}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(credentials).decode("ascii")
    path = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    status, excerpt, retry_after, error = None, "", None, ""
    conn = deadline = None
    try:
        conn = _connection(parts, timeout)
        deadline = _Deadline(conn, timeout)
        deadline.start()
        conn.connect()
        # Connecting took its own timeout: only what is left of the deadline remains.
        remaining = timeout - (time.monotonic() - started)
        if deadline.passed or remaining <= 0:
            raise TimeoutError
        conn.sock.settimeout(remaining)
        conn.request("POST", path, body=request.body, headers=headers)
        response = conn.getresponse()
        status = response.status
        retry_after = _retry_after(response.getheader("Retry-After"))
        try:
            answer = response.read(MAX_RESPONSE_BYTES)
        except (OSError, http.client.HTTPException):
            answer = b""  # cut at the deadline: the status is what counts
        excerpt = answer.decode("utf-8", errors="replace")[:EXCERPT_LENGTH]
        if not 200 <= status < 300:
            error = f"HTTP {status}"
            if 300 <= status < 400:
                error += f": redirect to {response.getheader('Location', '?')} not followed"
    except Exception as exc:
        if deadline is not None and deadline.passed:
            error = f"No answer within the {timeout:g} s deadline"
        else:
            error = f"{type(exc).__name__}: {exc}"
    finally:
        if deadline is not None:
            deadline.cancel()
        if conn is not None:
            conn.close()
    duration_ms = round((time.monotonic() - started) * 1000)
    return Result(status, excerpt, error[:ERROR_LENGTH], retry_after, duration_ms)


def _connection(parts, timeout):
    if parts.scheme == "https":
        context = ssl.create_default_context()
        return http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout, context=context
        )
    if parts.scheme == "http":
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    raise ValueError(f"unsupported URL scheme {parts.scheme!r}")


class _Deadline:
    """Shuts a connection's socket down when the time is up: a blocked connect, send or read
    then fails at once (a socket timeout alone would only bound each read)."""

    def __init__(self, conn, seconds):
        self.conn = conn
        self.passed = False
        self.timer = threading.Timer(seconds, self._cut)
        self.timer.daemon = True

    def start(self):
        self.timer.start()

    def cancel(self):
        self.timer.cancel()

    def _cut(self):
        self.passed = True
        sock = self.conn.sock
        if sock is not None:
            # The plain socket's shutdown, also under TLS: it wakes the reading thread without
            # touching the TLS object that thread is using.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _retry_after(value):
    """Retry-After in seconds (a number or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0, int((moment - timezone.now()).total_seconds()))


def shown_url(url):
    """The URL for the attempt log: without credentials or query values."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "…" if parts.query else "", ""))
