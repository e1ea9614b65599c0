"""Our Standard Webhooks signing and verifying agree with the official `standardwebhooks`
library (the one a vendor's engineers are likely to use), both ways."""

import base64
import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import standardwebhooks
from django.conf import settings

from procedure_system import webhooks
from procedure_system.webhooks import WebhookVerificationError

MSG_ID = "0b6f6d0e-3f59-4a8e-9d59-6f0b1c1e2a77"
BODY = json.dumps(
    {"id": MSG_ID, "type": "certificate.issued", "version": 2, "data": {"note": "Chữ ký số"}},
    ensure_ascii=False,
    separators=(",", ":"),
).encode("utf-8")


def signed(secrets, msg_id=MSG_ID, body=BODY, timestamp=None):
    return webhooks.headers(secrets, msg_id, timestamp or int(time.time()), body)


def test_what_we_sign_the_official_library_accepts():
    secret = webhooks.new_secret()
    assert len(webhooks.secret_key(secret)) == webhooks.KEY_BYTES
    parsed = standardwebhooks.Webhook(secret).verify(BODY, signed([secret]))
    assert parsed["id"] == MSG_ID and parsed["data"]["note"] == "Chữ ký số"


def test_what_the_official_library_signs_we_accept():
    secret = webhooks.new_secret()
    now = datetime.now(UTC)
    signature = standardwebhooks.Webhook(secret).sign(MSG_ID, now, BODY.decode("utf-8"))
    request = {
        "Webhook-Id": MSG_ID,
        "Webhook-Timestamp": str(int(now.timestamp())),
        "Webhook-Signature": signature,
    }
    assert webhooks.verify([secret], request, BODY) == MSG_ID
    assert webhooks.sign(secret, MSG_ID, int(now.timestamp()), BODY) == signature


def test_a_plain_environment_secret_is_used_as_its_utf8_bytes():
    """PROCEDURE_SYSTEM_SECRET is not whsec_: a receiver gives the library its bytes."""
    secret = "bí-mật-chung-của-hai-hệ-thống"
    request = signed([secret])
    standardwebhooks.Webhook(secret.encode("utf-8")).verify(BODY, request)
    assert webhooks.verify([secret], request, BODY) == MSG_ID


def test_an_unpadded_whsec_secret_means_the_same_key_as_the_library_reads():
    key = bytes(range(1, 26))  # 25 bytes: its base64 needs padding
    padded = webhooks.PREFIX + base64.b64encode(key).decode()
    unpadded = padded.rstrip("=")
    assert unpadded != padded and webhooks.secret_key(unpadded) == key
    standardwebhooks.Webhook(unpadded).verify(BODY, signed([padded]))


def test_a_malformed_whsec_secret_is_refused_rather_than_used_as_text():
    with pytest.raises(ValueError, match="base64"):
        webhooks.sign("whsec_not base64!", MSG_ID, 1, BODY)


def test_during_rotation_both_secrets_sign_and_a_receiver_knowing_either_accepts():
    old, new = webhooks.new_secret(), webhooks.new_secret()
    request = signed([new, old])
    assert len(request["webhook-signature"].split(" ")) == 2
    for receiver_knows in (old, new):
        standardwebhooks.Webhook(receiver_knows).verify(BODY, request)
        assert webhooks.verify([receiver_knows], request, BODY) == MSG_ID
    # A receiver that already holds both (switching over) accepts too.
    assert webhooks.verify([old, new], request, BODY) == MSG_ID
    with pytest.raises(WebhookVerificationError):
        webhooks.verify([webhooks.new_secret()], request, BODY)


def test_a_signature_of_another_scheme_or_malformed_is_skipped_not_fatal():
    secret = webhooks.new_secret()
    request = signed([secret])
    request["webhook-signature"] = "v1a,bm90LWVkMjU1MTk= v1,%%% " + request["webhook-signature"]
    assert webhooks.verify([secret], request, BODY) == MSG_ID


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda h, b: (h, b.replace(b"issued", b"revoked")), id="body"),
        pytest.param(lambda h, b: (h | {"webhook-id": "another-id"}, b), id="webhook-id"),
        pytest.param(
            lambda h, b: (h | {"webhook-timestamp": str(int(h["webhook-timestamp"]) + 1)}, b),
            id="timestamp",
        ),
    ],
)
def test_a_changed_body_id_or_timestamp_is_refused_by_both(tamper):
    secret = webhooks.new_secret()
    request, body = tamper(signed([secret]), BODY)
    with pytest.raises(WebhookVerificationError, match="no signature matches"):
        webhooks.verify([secret], request, body)
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
        standardwebhooks.Webhook(secret).verify(body, request)


@pytest.mark.parametrize("age", [-301, 301, 3600])
def test_a_request_signed_more_than_5_minutes_away_is_refused_by_both(age):
    secret = webhooks.new_secret()
    request = signed([secret], timestamp=int(time.time()) - age)
    with pytest.raises(WebhookVerificationError, match="too old or in the future"):
        webhooks.verify([secret], request, BODY)
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
        standardwebhooks.Webhook(secret).verify(BODY, request)


def test_within_the_tolerance_a_slow_clock_is_fine():
    secret = webhooks.new_secret()
    request = signed([secret], timestamp=int(time.time()) - 290)
    assert webhooks.verify([secret], request, BODY) == MSG_ID


@pytest.mark.parametrize(
    "request_headers",
    [
        {},
        {"webhook-id": MSG_ID, "webhook-timestamp": "1700000000"},
        {"webhook-id": MSG_ID, "webhook-timestamp": "1.7e9", "webhook-signature": "v1,AAAA"},
    ],
)
def test_missing_or_malformed_headers_are_refused(request_headers):
    with pytest.raises(WebhookVerificationError):
        webhooks.verify([webhooks.new_secret()], request_headers, BODY)


def test_a_webhook_id_with_a_full_stop_is_never_signed():
    """The signed content is id.timestamp.body: a full stop in the id would make it ambiguous."""
    with pytest.raises(ValueError, match="full stop"):
        webhooks.sign(webhooks.new_secret(), "a.b", 1, BODY)


def test_the_legacy_headers_are_added_only_for_the_environment_receiver():
    secret = "plain-environment-secret"
    plain = webhooks.headers([secret], MSG_ID, 1700000000, BODY)
    assert set(plain) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    both = webhooks.headers(
        [secret], MSG_ID, 1700000000, BODY, legacy_kind="certificate.issued", legacy_secret=secret
    )
    assert both["Idempotency-Key"] == MSG_ID and both["X-KNS-Event"] == "certificate.issued"
    assert both["X-KNS-Timestamp"] == "1700000000"
    assert both["X-KNS-Signature"] == webhooks.legacy_signature(secret, "1700000000", BODY)


# The receiver guide's worked example and its Python check are what vendors copy: both are
# checked against what we send.

GUIDE = Path(settings.BASE_DIR) / "docs" / "receiving-events.md"


def guide_example():
    """The worked example's lines, `name  value`, as a dict."""
    text = GUIDE.read_text(encoding="utf-8")
    block = text.split("### Worked example", 1)[1].split("```", 2)[1]
    values = {}
    for line in block.splitlines():
        match = re.match(
            r"^(secret|webhook-id|webhook-timestamp|body|webhook-signature)\s+(\S+)", line
        )
        if match:
            values[match[1]] = match[2]
    return text, values


def test_the_guides_worked_example_is_what_we_sign():
    text, example = guide_example()
    body = example["body"].encode("utf-8")
    msg_id, timestamp = example["webhook-id"], int(example["webhook-timestamp"])
    signature = webhooks.sign(example["secret"], msg_id, timestamp, body)
    assert signature == example["webhook-signature"]
    official = standardwebhooks.Webhook(example["secret"])
    assert official.sign(msg_id, datetime.fromtimestamp(timestamp, UTC), body.decode()) == signature
    # The rotation paragraph's header: the new secret's signature, then the previous one's.
    previous = re.search(r"previous secret\s+`(whsec_\S+)`", text)[1]
    rotated = webhooks.signature_header([example["secret"], previous], msg_id, timestamp, body)
    assert f"`{rotated}`" in text


def test_the_guides_python_check_accepts_ours_and_refuses_a_forgery():
    text = GUIDE.read_text(encoding="utf-8")
    code = text.split("In Python, the whole check is:", 1)[1].split("```python", 1)[1]
    namespace = {}
    exec(code.split("```", 1)[0], namespace)  # noqa: S102 (our own documentation)  # nosec B102
    secret = webhooks.new_secret()
    request = signed([webhooks.new_secret(), secret])
    assert namespace["verify"]([secret], request, BODY)
    assert not namespace["verify"]([secret], request, BODY + b" ")
    assert not namespace["verify"]([secret], signed([secret], timestamp=1), BODY)
