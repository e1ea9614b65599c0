"""The procedure system's stand-in receiver speaks Standard Webhooks: what it accepts, refuses
and keeps, and how it misbehaves for the delivery tests."""

import json
import os
import subprocess
import sys
import time

import pytest
import requests
from django.conf import settings as django_settings

from procedure_system import webhooks
from procedure_system.simulator import ALWAYS, ProcedureSimulator

SECRET = webhooks.new_secret()
PLAIN_SECRET = "bí-mật-chung-của-hai-hệ-thống"
EVENT_ID = "6c1f7a52-14a4-4cf1-a0c5-5d3f0b9e1c11"


def event_body(event_id=EVENT_ID, kind="certificate.issued", position=7, **extra):
    """A body as feed.present() makes it (the fields a receiver reads)."""
    return {
        "id": event_id,
        "type": kind,
        "version": 2,
        "position": position,
        "timestamp": "2026-03-02T09:00:00+07:00",
        "data": {
            "certificate": {"code": "KNS-2026-000123", "status": "valid"},
            "officer": {"id": 41, "full_name": "Lò Thị Mai", "procedure_account": "mai.lt"},
        },
        **extra,
    }


def post(url, body, secrets=(SECRET,), msg_id=None, timestamp=None, extra_headers=None, **kw):
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    msg_id = msg_id or body.get("id")
    signed = webhooks.headers(list(secrets), msg_id, timestamp or int(time.time()), raw)
    headers = {"Content-Type": "application/json", **signed, **(extra_headers or {})}
    return requests.post(url, data=raw, headers=headers, timeout=kw.pop("timeout", 5), **kw)


@pytest.fixture
def simulator():
    with ProcedureSimulator([SECRET]) as simulator:
        yield simulator


def test_a_signed_event_is_recorded_once_and_listed(simulator):
    answer = post(simulator.url, event_body())
    assert answer.status_code == 201 and answer.json()["status"] == "recorded"
    [received] = simulator.received
    assert received["id"] == EVENT_ID and received["type"] == "certificate.issued"
    assert received["position"] == 7 and received["body"]["data"]["officer"]["id"] == 41
    listing = requests.get(simulator.url, timeout=5).json()
    assert listing["count"] == 1 and listing["events"][0]["id"] == EVENT_ID


def test_a_repeated_webhook_id_is_answered_200_and_not_kept_twice(simulator):
    assert post(simulator.url, event_body()).status_code == 201
    repeat = post(simulator.url, event_body())
    assert repeat.status_code == 200 and repeat.json()["status"] == "duplicate"
    assert simulator.ids == [EVENT_ID] and simulator.duplicates == 1 and simulator.requests == 2


def test_events_are_kept_in_the_order_they_arrived(simulator):
    for position, event_id in [(9, "b"), (3, "a"), (12, "c")]:
        assert post(simulator.url, event_body(event_id, position=position)).status_code == 201
    assert simulator.ids == ["b", "a", "c"]
    assert [body["position"] for body in simulator.bodies] == [9, 3, 12]


def test_during_a_rotation_a_receiver_knowing_only_the_old_secret_accepts(simulator):
    newer = webhooks.new_secret()
    assert post(simulator.url, event_body(), secrets=[newer, SECRET]).status_code == 201
    refused = post(simulator.url, event_body("other"), secrets=[newer])
    assert refused.status_code == 401 and simulator.ids == [EVENT_ID]


def test_the_environment_receiver_checks_with_the_plain_secret():
    with ProcedureSimulator(PLAIN_SECRET) as simulator:
        assert post(simulator.url, event_body(), secrets=[PLAIN_SECRET]).status_code == 201


@pytest.mark.parametrize(
    "secret, age",
    [
        pytest.param(webhooks.new_secret(), 0, id="another-secret"),
        pytest.param(SECRET, 301, id="stale"),
        pytest.param(SECRET, -301, id="from-the-future"),
    ],
)
def test_a_forged_or_replayed_request_is_refused_401(simulator, secret, age):
    answer = post(simulator.url, event_body(), secrets=[secret], timestamp=int(time.time()) - age)
    assert answer.status_code == 401 and "error" in answer.json()
    assert simulator.received == [] and simulator.rejected == 1


def test_an_unsigned_request_is_refused(simulator):
    assert requests.post(simulator.url, json=event_body(), timeout=5).status_code == 401
    assert simulator.received == []


def test_a_captured_body_replayed_under_a_new_webhook_id_is_refused(simulator):
    """The id is signed: a new webhook-id needs a new signature, which a replayer cannot make;
    and a sender's id that is not the body's is refused even when signed."""
    captured = post(simulator.url, event_body())
    assert captured.status_code == 201
    [request] = simulator.raw
    replay = dict(request["headers"]) | {"webhook-id": "a-new-id"}
    answer = requests.post(simulator.url, data=request["body"], headers=replay, timeout=5)
    assert answer.status_code == 401
    mismatched = post(simulator.url, event_body(), msg_id="a-new-id")
    assert mismatched.status_code == 400 and "webhook-id" in mismatched.json()["error"]
    assert simulator.ids == [EVENT_ID]


def test_a_forged_legacy_type_header_is_refused_400(simulator):
    """The body's type counts (it is signed); X-KNS-Event is not signed, so it must agree."""
    forged = post(simulator.url, event_body(), extra_headers={"X-KNS-Event": "certificate.revoked"})
    assert forged.status_code == 400 and simulator.received == []
    agreeing = post(
        simulator.url, event_body(), extra_headers={"X-KNS-Event": "certificate.issued"}
    )
    assert agreeing.status_code == 201


@pytest.mark.parametrize(
    "body, message",
    [
        (event_body(type=""), "no type"),
        (event_body(event="certificate.revoked"), "event and type differ"),
    ],
)
def test_a_body_without_a_type_or_contradicting_itself_is_refused(simulator, body, message):
    answer = post(simulator.url, body)
    assert answer.status_code == 400 and message in answer.json()["error"]


def test_a_body_that_is_not_json_is_refused(simulator):
    raw = b"not json"
    headers = {"Content-Type": "application/json"} | webhooks.headers(
        [SECRET], EVENT_ID, int(time.time()), raw
    )
    assert requests.post(simulator.url, data=raw, headers=headers, timeout=5).status_code == 400
    headers["Content-Type"] = "text/plain"
    assert requests.post(simulator.url, data=raw, headers=headers, timeout=5).status_code == 415


def test_an_outage_answers_the_next_requests_with_an_error_and_keeps_nothing(simulator):
    simulator.fail_next(503, times=2, retry_after=120)
    for _attempt in range(2):
        answer = post(simulator.url, event_body())
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "120"
    assert simulator.received == []
    assert post(simulator.url, event_body()).status_code == 201


def test_a_gone_receiver_answers_410_until_reset(simulator):
    simulator.fail_next(410, times=ALWAYS)
    assert [post(simulator.url, event_body()).status_code for _ in range(3)] == [410] * 3
    simulator.reset_behaviour()
    assert post(simulator.url, event_body()).status_code == 201


def test_a_slow_receiver_keeps_the_event_and_the_retry_is_a_duplicate(simulator):
    simulator.delay_next(1.5)
    with pytest.raises(requests.Timeout):
        post(simulator.url, event_body(), timeout=0.5)
    time.sleep(1.2)  # the slow answer has been written by now
    assert simulator.ids == [EVENT_ID]
    assert post(simulator.url, event_body()).status_code == 200


def test_a_trickling_answer_takes_its_time_though_every_read_is_quick(simulator):
    simulator.trickle_next(1.5)
    started = time.monotonic()
    answer = post(simulator.url, event_body(), timeout=(1, 1))  # per read: never hit
    assert answer.status_code == 201 and answer.json()["status"] == "recorded"
    assert time.monotonic() - started >= 1.4


def test_the_legacy_mode_checks_the_version_1_headers_only():
    with ProcedureSimulator(PLAIN_SECRET, legacy=True) as simulator:
        body = event_body() | {"event": "certificate.issued"}
        raw = json.dumps(body).encode()
        now = int(time.time())
        headers = {"Content-Type": "application/json"} | webhooks.headers(
            [PLAIN_SECRET],
            EVENT_ID,
            now,
            raw,
            legacy_kind="certificate.issued",
            legacy_secret=PLAIN_SECRET,
        )
        assert requests.post(simulator.url, data=raw, headers=headers, timeout=5).status_code == 201
        [received] = simulator.received
        assert received["key"] == EVENT_ID and received["kind"] == "certificate.issued"
        standard_only = post(simulator.url, event_body("other"), secrets=[PLAIN_SECRET])
        assert standard_only.status_code == 401


def test_the_simulator_keeps_its_records_across_restarts(tmp_path):
    store = tmp_path / "events.json"
    with ProcedureSimulator(SECRET, store=store) as first:
        post(first.url, event_body())
    with ProcedureSimulator(SECRET, store=store) as second:
        assert second.ids == [EVENT_ID]
        assert post(second.url, event_body()).status_code == 200


def test_manage_py_procedure_simulator_receives_events():
    secret = webhooks.new_secret()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "procedure_simulator", "--port", "0", "--secret", secret],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "elearning.test_settings"},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        banner = process.stdout.readline()
        url = next(word for word in banner.split() if word.startswith("http://"))
        assert post(url, event_body(), secrets=[secret]).status_code == 201
        assert "certificate.issued" in process.stdout.readline()
        assert requests.get(url, timeout=5).json()["count"] == 1
    finally:
        process.terminate()
        process.wait(timeout=10)
