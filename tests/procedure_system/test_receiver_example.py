"""docs/examples/receiver.py, the receiver the guide gives vendors, against what the platform
really sends: bodies of the change feed (feed.present), signed by procedure_system.webhooks."""

import base64
import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings
from django.utils import timezone

from certification import issuing
from procedure_system import delivery, feed, webhooks
from procedure_system.models import Delivery, SigningSecret, Subscription
from tests.courses.pages import make_course
from tests.procedure_system.helpers import make_client
from toolkit.local_service import LocalService, Reply

EXAMPLE = Path(settings.BASE_DIR) / "docs" / "examples" / "receiver.py"
SECRET = webhooks.new_secret()
TOKEN = "kns_feed_token-of-the-vendor"  # noqa: S105 (a test token)  # nosec B105

# Feed positions come after commit: these tests commit for real.
committing = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def load_example():
    spec = importlib.util.spec_from_file_location("kns_receiver_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Receiver:
    """The example's server on a free port, in a thread, with its SQLite inbox."""

    def __init__(self, path, secrets):
        self.module = load_example()
        self.inbox = self.module.Inbox(str(path))
        self.server = self.module.make_server(secrets, self.inbox, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stored_ids(self):
        with self.inbox.lock:
            return [row[0] for row in self.inbox.db.execute("SELECT id FROM events ORDER BY rowid")]

    def process(self):
        applied = []
        self.module.process_pending(self.inbox, apply=applied.append)
        return [(event["type"], event["position"]) for event in applied]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(tmp_path):
    receiver = Receiver(tmp_path / "events.sqlite3", [SECRET])
    yield receiver
    receiver.close()


@pytest.fixture
def course(dien_bien):
    return make_course(title="Chữ ký số chuyên dùng công vụ", lessons=0, slug_prefix="cks-recv")


@pytest.fixture
def officer(learner):
    return learner.officer


def feed_bodies():
    bodies, _next_after = feed.read(feed.Everywhere(), after=0, limit=1000)
    return bodies


def send(url, body, secrets=(SECRET,), timestamp=None, msg_id=None):
    """A request as delivery sends it: compact UTF-8 JSON, Standard Webhooks headers."""
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    signed = webhooks.headers(
        list(secrets), msg_id or body["id"], timestamp or int(time.time()), raw
    )
    return requests.post(
        url, data=raw, headers={"Content-Type": "application/json", **signed}, timeout=5
    )


@committing
def test_an_issued_certificate_is_stored_once_and_applied(receiver, officer, course):
    certificate = issuing.issue(officer, course)
    [body] = feed_bodies()
    answer = send(receiver.url, body)
    assert answer.status_code == 200 and answer.json() == {"status": "stored"}
    repeat = send(receiver.url, body)  # a retry after a lost answer
    assert repeat.status_code == 200 and repeat.json() == {"status": "duplicate"}
    assert receiver.stored_ids() == [body["id"]]
    assert receiver.process() == [("certificate.issued", body["position"])]
    assert receiver.process() == []  # applied once
    assert receiver.module.subject_of(body) == f"certificate:{certificate.code}"


@committing
def test_a_bad_signature_a_replay_or_a_mismatched_id_is_refused(receiver, officer, course):
    issuing.issue(officer, course)
    [body] = feed_bodies()
    assert send(receiver.url, body, secrets=[webhooks.new_secret()]).status_code == 401
    assert send(receiver.url, body, timestamp=int(time.time()) - 600).status_code == 401
    assert send(receiver.url, body, msg_id="another-id").status_code == 400
    unsigned = requests.post(receiver.url, json=body, timeout=5)
    assert unsigned.status_code == 401
    assert receiver.stored_ids() == []


@committing
def test_a_tampered_body_is_refused(receiver, officer, course):
    issuing.issue(officer, course)
    [body] = feed_bodies()
    raw = json.dumps(body, separators=(",", ":")).encode()
    signed = webhooks.headers([SECRET], body["id"], int(time.time()), raw)
    forged = raw.replace(b'"certificate.issued"', b'"certificate.revoked"')
    answer = requests.post(receiver.url, data=forged, headers=signed, timeout=5)
    assert answer.status_code == 401 and receiver.stored_ids() == []


def test_during_a_rotation_the_receiver_accepts_with_either_secret(tmp_path):
    body = {"id": "e-1", "type": "officer.account_linked", "position": 1,
            "data": {"officer": {"id": 5}, "account": "mai.lt"}}  # fmt: skip
    old, new = SECRET, webhooks.new_secret()
    for index, knows in enumerate([[old], [new], [old, new]]):
        receiver = Receiver(tmp_path / f"inbox-{index}.sqlite3", knows)
        try:
            assert send(receiver.url, body, secrets=[new, old]).status_code == 200
            assert receiver.stored_ids() == ["e-1"]
        finally:
            receiver.close()


def test_the_example_verifies_exactly_as_the_platform_signs():
    """Keys of every length the specification allows, padded or not, and a plain secret."""
    verify = load_example().verify
    body = b'{"id":"x","type":"certificate.issued"}'
    for length in (24, 25, 32, 64):
        secret = webhooks.PREFIX + base64.b64encode(os.urandom(length)).decode().rstrip("=")
        signed = webhooks.headers([secret], "x", int(time.time()), body)
        assert verify([secret], signed, body)
        assert not verify([secret], signed, body + b" ")
    plain = webhooks.headers(["plain-secret"], "x", int(time.time()), body)
    assert verify(["plain-secret"], plain, body)


@committing
def test_an_older_event_arriving_late_is_not_applied_over_a_newer_one(
    receiver, officer, course, administrator
):
    certificate = issuing.issue(officer, course)
    issuing.revoke(certificate, administrator, "Cấp nhầm")
    issued, revoked = feed_bodies()
    # The revocation arrives first (the issue was resent later, or read from the feed).
    assert send(receiver.url, revoked).status_code == 200
    assert receiver.process() == [("certificate.revoked", revoked["position"])]
    assert send(receiver.url, issued).status_code == 200
    assert receiver.process() == []


class FeedStandIn(LocalService):
    """GET /api/v1/events as the platform answers it, for one Bearer token: pages of
    `bodies` (read from feed.read by the test) after a position, and next_after."""

    name = "feed-stand-in"

    def __init__(self):
        super().__init__()
        self.bodies = []
        self.reads = []

    def _handler_class(self):
        service = self
        base = super()._handler_class()

        class Handler(base):
            def do_GET(self):  # the query string is needed: Request has only the path
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self.send(Reply(401, b"{}", "application/json"))
                query = parse_qs(urlsplit(self.path).query)
                after, limit = int(query["after"][0]), int(query["limit"][0])
                service.reads.append(after)
                page = [b for b in service.bodies if b["position"] > after][:limit]
                next_after = page[-1]["position"] if page else after
                data = {"items": page, "next_after": next_after}
                return self.send(Reply(200, json.dumps(data).encode(), "application/json"))

        return Handler


@committing
def test_catching_up_from_the_feed_misses_and_repeats_nothing(receiver, officer, course):
    certificate = issuing.issue(officer, course)
    issuing.expire(certificate)
    first, second = feed_bodies()
    assert send(receiver.url, first).status_code == 200  # pushed before an outage
    with FeedStandIn() as stand_in:
        stand_in.bodies = feed_bodies()
        feed_url = f"http://127.0.0.1:{stand_in.port}/api/v1"
        reached = receiver.module.catch_up(receiver.inbox, feed_url, TOKEN, limit=1)
        assert reached == second["position"] == receiver.inbox.feed_after()
        assert receiver.stored_ids() == [first["id"], second["id"]]
        assert stand_in.reads == [0, first["position"], second["position"]]
        # Later: only what is new is read, from the position kept.
        issuing.issue(officer, make_course(title="Dịch vụ công", lessons=0, slug_prefix="dvc"))
        stand_in.bodies = feed_bodies()
        receiver.module.catch_up(receiver.inbox, feed_url, TOKEN)
        assert len(receiver.stored_ids()) == 3
        assert stand_in.reads[3] == second["position"]
    assert [kind for kind, _position in receiver.process()] == [
        "certificate.issued",
        "certificate.expired",
        "certificate.issued",
    ]


def test_the_example_runs_as_a_program(tmp_path):
    process = subprocess.Popen(
        [sys.executable, str(EXAMPLE), "--port", "0", "--secret", SECRET,
         "--db", str(tmp_path / "events.sqlite3")],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        url = process.stdout.readline().split()[-1]
        body = {"id": "e-9", "type": "certificate.issued", "position": 9,
                "data": {"certificate": {"code": "KNS-1"}, "officer": {"id": 1}}}  # fmt: skip
        assert send(url, body).json() == {"status": "stored"}
        assert process.stdout.readline().split() == ["9", "certificate.issued", "certificate:KNS-1"]
    finally:
        process.terminate()
        process.wait(timeout=10)


# --- End to end: the platform's delivery to the example receiver --------------------------------


@committing
def test_a_certificate_issued_reaches_the_example_receiver_through_delivery(
    receiver, officer, course, administrator
):
    """A client's subscription points at the example; during a rotation the example still
    knows only the old secret. Issue, deliver, resend: it has the event once, verified."""
    client, _token = make_client("03172")
    subscription = Subscription.objects.create(client=client, name="Một cửa", url=receiver.url)
    SigningSecret.objects.create(
        subscription=subscription, secret=SECRET, expires_at=timezone.now() + timedelta(hours=24)
    )
    SigningSecret.objects.create(subscription=subscription, secret=webhooks.new_secret())

    certificate = issuing.issue(officer, course)
    [pending] = Delivery.objects.filter(subscription=subscription)
    assert delivery.deliver(pending.pk) == delivery.Outcome.DELIVERED
    [body] = feed_bodies()
    assert receiver.stored_ids() == [body["id"]]
    assert receiver.process() == [("certificate.issued", body["position"])]

    delivery.resend(pending)  # an administrator sends it again: the receiver keeps it once
    assert delivery.deliver(pending.pk) == delivery.Outcome.DELIVERED
    assert receiver.stored_ids() == [body["id"]] and receiver.process() == []

    issuing.revoke(certificate, administrator, "Cấp nhầm")
    later = Delivery.objects.filter(subscription=subscription).exclude(pk=pending.pk).get()
    assert delivery.deliver(later.pk) == delivery.Outcome.DELIVERED
    assert receiver.process() == [("certificate.revoked", later.position)]
