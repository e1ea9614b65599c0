"""Standard Webhooks (https://www.standardwebhooks.com, specification 1.0.0): signing what we
send, and verifying it (the simulator does it as a receiver would).

A request carries

    webhook-id: <event id>                 the same for every retry: a receiver keeps it once
    webhook-timestamp: <unix seconds>      when this attempt was signed
    webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")> [v1,<…> …]

Each secret is `whsec_<base64 key>` (the key is the decoded bytes, not the text); while a
secret is being rotated, the old and the new one both sign, space-separated, and a receiver
accepts the request if any signature matches one of its secrets. The environment's older
PROCEDURE_SYSTEM_SECRET is a plain string: its key is its UTF-8 bytes.

tests/procedure_system/test_webhooks.py checks all of this against the official
`standardwebhooks` library, both ways.
"""

import base64
import binascii
import hashlib
import hmac
import secrets as random
import time

PREFIX = "whsec_"
SCHEME = "v1"  # symmetric HMAC-SHA256; the specification's asymmetric "v1a" is not used
# How far a request's timestamp may be from the receiver's clock (the specification's 5 min).
TOLERANCE_SECONDS = 5 * 60
# The specification asks for 24 to 64 random bytes.
KEY_BYTES = 32


class WebhookVerificationError(Exception):
    """The request is not one we sent (or it was sent too long ago)."""


def new_secret():
    return PREFIX + base64.b64encode(random.token_bytes(KEY_BYTES)).decode("ascii")


def secret_key(secret):
    """The key bytes of a secret: a `whsec_` secret's decoded base64 (padding optional, as the
    official libraries read it); any other string (an older plain secret) as its UTF-8 bytes."""
    if not secret.startswith(PREFIX):
        return secret.encode("utf-8")
    encoded = secret[len(PREFIX) :]
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error as error:
        # Never fall back to the text: every signature would silently be wrong.
        raise ValueError("a whsec_ secret must be base64 after its prefix") from error
    if not key:
        raise ValueError("a whsec_ secret may not be empty")
    return key


def _digest(secret, msg_id, timestamp, body):
    message = f"{msg_id}.{timestamp}.".encode() + body
    return hmac.new(secret_key(secret), message, hashlib.sha256).digest()


def sign(secret, msg_id, timestamp, body):
    """One signature, `v1,<base64>`, for a body (bytes) sent at `timestamp` (unix seconds)."""
    msg_id, timestamp = str(msg_id), int(timestamp)
    if "." in msg_id:
        # The id and the timestamp are separated by full stops in the signed content.
        raise ValueError("a webhook-id may not contain a full stop")
    digest = _digest(secret, msg_id, timestamp, body)
    return f"{SCHEME}," + base64.b64encode(digest).decode("ascii")


def signature_header(secrets, msg_id, timestamp, body):
    return " ".join(sign(secret, msg_id, timestamp, body) for secret in secrets)


def legacy_signature(secret, timestamp, body):
    """The X-KNS-Signature of version 1 (kept for one release): hex HMAC of "<ts>." + body."""
    message = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def headers(secrets, msg_id, timestamp, body, legacy_kind=None, legacy_secret=None):
    """The signing headers for one request. With `legacy_kind` and `legacy_secret`, the
    version-1 headers too (Idempotency-Key, X-KNS-Event, X-KNS-Timestamp, X-KNS-Signature)."""
    timestamp = int(timestamp)
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


def offered_signatures(header):
    """The v1 signatures of a webhook-signature header, as bytes; others (v1a, malformed
    entries) are skipped, as the specification lets a receiver do."""
    offered = []
    for part in header.split():
        scheme, _comma, encoded = part.partition(",")
        if scheme != SCHEME:
            continue
        try:
            offered.append(base64.b64decode(encoded, validate=True))
        except binascii.Error:
            continue
    return offered


def verify(secrets, headers, body, now=None, tolerance=TOLERANCE_SECONDS):
    """Check a request's signature against our secrets (any one may match); returns its
    webhook-id. `headers` is any mapping with lower-case or original names."""
    lowered = {name.lower(): value for name, value in headers.items()}
    msg_id = lowered.get("webhook-id", "")
    timestamp = lowered.get("webhook-timestamp", "")
    signatures = lowered.get("webhook-signature", "")
    if not (msg_id and timestamp and signatures):
        raise WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature")
    if not timestamp.isascii() or not timestamp.isdigit():
        raise WebhookVerificationError("webhook-timestamp is not a whole number of seconds")
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > tolerance:
        raise WebhookVerificationError("webhook-timestamp is too old or in the future")
    offered = offered_signatures(signatures)
    for secret in secrets:
        expected = _digest(secret, msg_id, timestamp, body)
        if any(hmac.compare_digest(expected, candidate) for candidate in offered):
            return msg_id
    raise WebhookVerificationError("no signature matches")
