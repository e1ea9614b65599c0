"""Standard Webhooks (https://www.standardwebhooks.com): signing what we send, and verifying it
(the simulator and the receiver example do it as a receiver would).

A request carries

    webhook-id: <event id>                 the same for every retry: a receiver keeps it once
    webhook-timestamp: <unix seconds>      when this attempt was signed
    webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")> [v1,<…> …]

Each secret is `whsec_<base64 key>`; while a secret is being rotated, the old and the new one
both sign, space-separated, and a receiver accepts the request if any signature matches one of
its secrets.
"""

import base64
import hashlib
import hmac
import secrets as random
import time

PREFIX = "whsec_"
# How far a request's timestamp may be from the receiver's clock (the specification's 5 min).
TOLERANCE_SECONDS = 5 * 60
KEY_BYTES = 32


class WebhookVerificationError(Exception):
    """The request is not one we sent (or it was sent too long ago)."""


def new_secret():
    return PREFIX + base64.b64encode(random.token_bytes(KEY_BYTES)).decode("ascii")


def secret_key(secret):
    """The key bytes of a `whsec_` secret; any other string (an older plain secret) is used
    as its UTF-8 bytes."""
    if secret.startswith(PREFIX):
        try:
            return base64.b64decode(secret[len(PREFIX) :], validate=True)
        except ValueError:
            pass
    return secret.encode("utf-8")


def sign(secret, msg_id, timestamp, body):
    """One signature, `v1,<base64>`, for a body (bytes)."""
    message = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), message, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_header(secrets, msg_id, timestamp, body):
    return " ".join(sign(secret, msg_id, timestamp, body) for secret in secrets)


def legacy_signature(secret, timestamp, body):
    """The X-KNS-Signature of version 1 (kept for one release): hex HMAC of "<ts>." + body."""
    message = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def headers(secrets, msg_id, timestamp, body, legacy_kind=None, legacy_secret=None):
    """The signing headers for one request. With `legacy_kind` and `legacy_secret`, the
    version-1 headers too (Idempotency-Key, X-KNS-Event, X-KNS-Timestamp, X-KNS-Signature)."""
    result = {
        "webhook-id": str(msg_id),
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(secrets, msg_id, timestamp, body),
    }
    if legacy_kind and legacy_secret:
        result |= {
            "Idempotency-Key": str(msg_id),
            "X-KNS-Event": legacy_kind,
            "X-KNS-Timestamp": str(timestamp),
            "X-KNS-Signature": legacy_signature(legacy_secret, timestamp, body),
        }
    return result


def verify(secrets, headers, body, now=None, tolerance=TOLERANCE_SECONDS):
    """Check a request's signature against our secrets (any one may match); returns its
    webhook-id. `headers` is any mapping with lower-case or original names."""
    lowered = {name.lower(): value for name, value in headers.items()}
    msg_id = lowered.get("webhook-id", "")
    timestamp = lowered.get("webhook-timestamp", "")
    signatures = lowered.get("webhook-signature", "")
    if not (msg_id and timestamp and signatures):
        raise WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        sent = int(timestamp)
    except ValueError as error:
        raise WebhookVerificationError("webhook-timestamp is not a number") from error
    now = time.time() if now is None else now
    if abs(now - sent) > tolerance:
        raise WebhookVerificationError("webhook-timestamp is too old or in the future")
    offered = [part.split(",", 1)[1] for part in signatures.split() if part.startswith("v1,")]
    for secret in secrets:
        expected = sign(secret, msg_id, timestamp, body).split(",", 1)[1]
        if any(hmac.compare_digest(expected, candidate) for candidate in offered):
            return msg_id
    raise WebhookVerificationError("no signature matches")
