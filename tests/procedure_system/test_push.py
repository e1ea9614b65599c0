"""Push: the feed's deliveries to webhook subscriptions, signed as Standard Webhooks.

These tests commit for real (deliveries are queued on commit) and run the django_tasks_db
worker in-process against real HTTP receivers on port 0. Time is simulated with `now=`.
"""

import json
import socket
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, get_date_max

from certification import issuing
from certification.models import Certificate
from procedure_system import delivery, feed, webhooks
from procedure_system.models import Delivery, DeliveryAttempt, SigningSecret, Subscription
from procedure_system.simulator import ProcedureSimulator
from tests.courses.pages import make_course
from tests.courses.reading import read
from tests.factories import OfficerFactory
from tests.procedure_system.helpers import make_client

# Deliveries are queued when their transaction commits: these tests commit for real.
committing = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SECRET = "bí-mật-chung-của-hai-hệ-thống"
State = Delivery.State
Outcome = delivery.Outcome
DELIVERY_TASK = "procedure_system.delivery.deliver_delivery"


# --- A receiver ------------------------------------------------------------------------------


class Receiver:
    """A webhook receiver on 127.0.0.1, port 0. Each POST is recorded; the answer is the next
    queued reply (a status, or a function that writes the answer itself), else what `decide`
    says for the request, else 204."""

    def __init__(self):
        self.requests = []
        self.replies = []
        self.decide = lambda request: 204
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                request = {"headers": dict(self.headers), "body": body}
                with receiver.lock:
                    receiver.requests.append(request)
                    reply = receiver.replies.pop(0) if receiver.replies else None
                reply = reply or receiver.decide(request)
                try:
                    if callable(reply):
                        reply(self)
                    else:
                        self.send_response(reply)
                        self.send_header("Content-Length", "2")
                        self.end_headers()
                        self.wfile.write(b"ok")
                except OSError:
                    pass  # the platform hung up (deadline, bounded read): as a receiver sees it

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/kns"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reply(self, status_or_writer, times=1):
        with self.lock:
            self.replies.extend([status_or_writer] * times)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def bodies(self):
        return [json.loads(request["body"]) for request in self.requests]


def answer(status, headers=None, body=b""):
    """A reply with headers of its own (Retry-After, Location)."""

    def write(handler):
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return write


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def subscription(receiver, dien_bien):
    """Điện Biên province's client, subscribed at the receiver with one signing secret."""
    client, _token = make_client("11", name="Một cửa Điện Biên")
    subscription = Subscription.objects.create(client=client, name="Một cửa", url=receiver.url)
    SigningSecret.objects.create(subscription=subscription, secret=webhooks.new_secret())
    return subscription


@pytest.fixture
def push(receiver, subscription, officer, course):
    """What most delivery tests need, in one: a receiver, a client subscribed at it, an
    officer and a course that certifies."""
    return SimpleNamespace(
        receiver=receiver, subscription=subscription, officer=officer, course=course
    )


@pytest.fixture(autouse=True)
def _delivery_settings(settings):
    settings.PROCEDURE_SYSTEM_EVENTS_URL = ""
    settings.PROCEDURE_SYSTEM_SECRET = ""
    settings.PROCEDURE_SYSTEM_TIMEOUT_SECONDS = 5
    settings.PROCEDURE_SYSTEM_RETRY_DAYS = 3


@pytest.fixture
def course(dien_bien):
    return make_course(title="Chữ ký số chuyên dùng công vụ", lessons=0, slug_prefix="cks-push")


@pytest.fixture
def officer(learner):
    return learner.officer


def certify(officer, course):
    """A certificate and its "issued" event, committed (so its deliveries are queued)."""
    return issuing.issue(officer, course)


def secrets_of(subscription):
    return list(subscription.secrets.values_list("secret", flat=True))


def run_worker(max_tasks=50):
    """The real db_worker, in this process, until no task is ready (or max_tasks ran)."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="queue",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def ready_tasks():
    return DBTaskResult.objects.ready().filter(task_path=DELIVERY_TASK)


def waiting_tasks():
    return DBTaskResult.objects.filter(status="READY", task_path=DELIVERY_TASK).exclude(
        run_after=get_date_max()
    )


def time_passes(by):
    """Everything waiting (retries, leases, their queued tasks) is `by` nearer."""
    for pending in Delivery.objects.filter(state=State.PENDING):
        Delivery.objects.filter(pk=pending.pk).update(next_attempt_at=pending.next_attempt_at - by)
    for task in waiting_tasks():
        DBTaskResult.objects.filter(pk=task.pk).update(run_after=task.run_after - by)


def refreshed(instance):
    instance.refresh_from_db()
    return instance


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def command(*args):
    out = _Output()
    with translation.override("en"):
        call_command("deliver_events", *args, stdout=out)
    return out.text


class _Output:
    """A stdout for call_command that keeps what was written."""

    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


# --- Signature, body and the attempt log --------------------------------------------------------


@committing
def test_a_client_subscription_gets_a_standard_webhook_signed_compact_utf8(
    receiver, subscription, officer, course
):
    certificate = certify(officer, course)
    [sent] = Delivery.objects.filter(subscription=subscription)
    before = int(time.time())

    run_worker()

    assert refreshed(sent).state == State.DELIVERED
    assert sent.attempts == 1 and sent.last_status == 204 and sent.delivered_at
    [request] = receiver.requests
    headers, body = request["headers"], request["body"]
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == "kynangso-webhooks/2"
    assert webhooks.verify(secrets_of(subscription), headers, body) == str(sent.event_id)
    assert before <= int(headers["webhook-timestamp"]) <= int(time.time())
    # A client gets no version-1 headers.
    assert "X-KNS-Signature" not in headers and "Idempotency-Key" not in headers
    # Compact UTF-8 JSON, Vietnamese unescaped, exactly the feed's body for the client's area.
    expected = feed.present(sent.event, feed.area_of(subscription))
    assert body == json.dumps(expected, ensure_ascii=False, separators=(",", ":")).encode()
    assert officer.full_name.encode() in body and b"\\u" not in body
    assert expected["type"] == "certificate.issued" and expected["version"] == 2
    assert expected["data"]["certificate"]["code"] == certificate.code
    assert refreshed(subscription).last_success_at and subscription.failing_since is None

    [attempt] = DeliveryAttempt.objects.filter(delivery=sent)
    assert attempt.status == 204 and attempt.error == "" and attempt.url == receiver.url
    assert attempt.duration_ms < 5000
    logged = attempt.request_headers
    assert logged["webhook-id"] == str(sent.event_id)
    # The log keeps no usable signature, and never the secret.
    assert logged["webhook-signature"] != headers["webhook-signature"]
    assert logged["webhook-signature"].endswith("…")
    assert all(secret not in json.dumps(logged) for secret in secrets_of(subscription))


@committing
def test_the_environment_receiver_also_gets_version_1_headers_and_keys(settings, officer, course):
    with ProcedureSimulator(SECRET) as simulator:
        settings.PROCEDURE_SYSTEM_EVENTS_URL = simulator.url
        settings.PROCEDURE_SYSTEM_SECRET = SECRET
        certificate = certify(officer, course)
        run_worker()

    [sent] = Delivery.objects.all()
    assert sent.subscription.is_environment and sent.state == State.DELIVERED
    assert sent.last_status == 201  # the version-1 simulator checked X-KNS-Signature
    [request] = simulator.raw
    headers, body = request["headers"], request["body"]
    assert webhooks.verify([SECRET], headers, body) == str(sent.event_id)
    assert headers["Idempotency-Key"] == str(sent.event_id)
    assert headers["X-KNS-Event"] == "certificate.issued"
    assert headers["X-KNS-Timestamp"] == headers["webhook-timestamp"]
    payload = json.loads(body)
    assert payload["event"] == payload["type"] == "certificate.issued"
    assert (
        payload["certificate"]["code"] == certificate.code == payload["data"]["certificate"]["code"]
    )
    assert payload["officer"]["full_name"] == officer.full_name
    [received] = simulator.received
    assert received["key"] == str(sent.event_id)


@committing
def test_during_a_rotation_every_valid_secret_signs(receiver, subscription, officer, course):
    newer = SigningSecret.objects.create(subscription=subscription, secret=webhooks.new_secret())
    expired = SigningSecret.objects.create(
        subscription=subscription,
        secret=webhooks.new_secret(),
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    certify(officer, course)
    run_worker()

    [request] = receiver.requests
    headers, body = request["headers"], request["body"]
    assert len(headers["webhook-signature"].split()) == 2
    for secret in secrets_of(subscription):
        if secret != expired.secret:
            assert webhooks.verify([secret], headers, body)
    assert webhooks.verify([newer.secret], headers, body)
    with pytest.raises(webhooks.WebhookVerificationError):
        webhooks.verify([expired.secret], headers, body)


@committing
def test_a_subscription_without_a_valid_secret_waits(receiver, subscription, officer, course):
    subscription.secrets.update(expires_at=timezone.now() - timedelta(seconds=1))
    certify(officer, course)
    [waiting] = Delivery.objects.all()
    assert delivery.deliver(waiting.pk) == Outcome.NOT_CONFIGURED
    assert refreshed(waiting).state == State.PENDING and waiting.attempts == 0
    assert receiver.requests == []


# --- Retries --------------------------------------------------------------------------------------


def test_the_retry_schedule_backs_off_to_every_12_hours_with_jitter():
    minutes = [0.5, 2, 10, 30, 60, 120, 240, 480, 720, 720, 720]
    for attempts, full in enumerate(minutes, start=1):
        assert delivery.RETRY_SCHEDULE[attempts - 1 :] == [] or (
            delivery.RETRY_SCHEDULE[attempts - 1].total_seconds() == full * 60
        )
        delays = [delivery.retry_delay(attempts).total_seconds() for _ in range(50)]
        assert all(0.8 * full * 60 <= delay <= full * 60 for delay in delays)
        assert len(set(delays)) > 1
    assert delivery.retry_delay(500) <= timedelta(hours=12)


@committing
def test_a_500_is_retried_on_the_schedule_until_delivered(receiver, subscription, officer, course):
    receiver.reply(500, times=2)
    certify(officer, course)
    [sent] = Delivery.objects.all()

    started = timezone.now()
    run_worker()
    refreshed(sent)
    assert sent.state == State.PENDING and sent.attempts == 1
    assert sent.last_status == 500 and sent.last_error.startswith("HTTP 500")
    assert timedelta(seconds=23) < sent.next_attempt_at - started <= timedelta(seconds=31)
    retries = [t for t in waiting_tasks() if t.run_after == sent.next_attempt_at]
    assert [t.args_kwargs["args"] for t in retries] == [[sent.pk]]

    run_worker()  # nothing is due yet
    assert refreshed(sent).attempts == 1 and len(receiver.requests) == 1

    # The second attempt, when it is due: the next wait is 2 minutes.
    second = sent.next_attempt_at
    assert delivery.deliver(sent.pk, now=second) == Outcome.RETRY
    refreshed(sent)
    assert timedelta(seconds=95) < sent.next_attempt_at - second <= timedelta(minutes=2)

    assert delivery.deliver(sent.pk, now=sent.next_attempt_at) == Outcome.DELIVERED
    refreshed(sent)
    assert sent.state == State.DELIVERED and sent.attempts == 3 and sent.last_error == ""
    assert len({r["headers"]["webhook-id"] for r in receiver.requests}) == 1  # the same event
    assert DeliveryAttempt.objects.filter(delivery=sent).count() == 3


@committing
def test_a_refused_connection_is_retried(receiver, subscription, officer, course):
    Subscription.objects.filter(pk=subscription.pk).update(
        url=f"http://127.0.0.1:{closed_port()}/hooks"
    )
    certify(officer, course)
    [sent] = Delivery.objects.all()

    run_worker()
    refreshed(sent)
    assert sent.state == State.PENDING and sent.attempts == 1
    assert sent.last_status is None and "ConnectionRefusedError" in sent.last_error
    assert refreshed(subscription).failing_since is not None

    Subscription.objects.filter(pk=subscription.pk).update(url=receiver.url)
    assert delivery.deliver(sent.pk, now=sent.next_attempt_at) == Outcome.DELIVERED
    assert refreshed(subscription).failing_since is None


@committing
def test_retry_after_is_honoured_up_to_12_hours(receiver, subscription, officer, course):
    receiver.reply(answer(503, {"Retry-After": "3600"}))
    receiver.reply(answer(429, {"Retry-After": str(7 * 24 * 3600)}))
    certify(officer, course)
    [sent] = Delivery.objects.all()
    now = timezone.now()

    assert delivery.deliver(sent.pk, now=now) == Outcome.RETRY
    assert refreshed(sent).next_attempt_at == now + timedelta(hours=1)
    later = sent.next_attempt_at
    assert delivery.deliver(sent.pk, now=later) == Outcome.RETRY
    assert refreshed(sent).next_attempt_at == later + timedelta(hours=12)


# --- Order ----------------------------------------------------------------------------------------


@committing
def test_a_certificates_deliveries_arrive_in_order(
    receiver, subscription, officer, course, administrator
):
    first = certify(officer, course)
    [issued] = Delivery.objects.all()
    receiver.reply(500)
    run_worker()  # "issued" fails and waits 30 s
    assert refreshed(issued).attempts == 1

    issuing.revoke(first, actor=administrator, reason="Cấp nhầm người")
    revoked = Delivery.objects.get(kind="certificate.revoked")
    other = certify(OfficerFactory(), course)
    run_worker()
    # The revocation waits for the issue; another certificate's delivery does not.
    assert refreshed(revoked).state == State.PENDING and revoked.attempts == 0
    assert delivery.deliver(revoked.pk) == Outcome.WAITING
    assert Delivery.objects.get(event__certificate=other).state == State.DELIVERED

    time_passes(timedelta(minutes=1))
    run_worker()  # the issue is delivered and hands on to the revocation
    assert refreshed(issued).state == State.DELIVERED
    assert refreshed(revoked).state == State.DELIVERED
    ids = [request["headers"]["webhook-id"] for request in receiver.requests]
    assert ids.index(str(issued.event_id)) < ids.index(str(revoked.event_id))
    assert [body["type"] for body in receiver.bodies()][-1] == "certificate.revoked"


# --- Switched off -------------------------------------------------------------------------------


@committing
def test_deliveries_of_a_switched_off_subscription_or_client_are_not_attempted(
    receiver, subscription, officer, course
):
    certify(officer, course)
    [waiting] = Delivery.objects.all()
    Subscription.objects.filter(pk=subscription.pk).update(is_active=False)
    assert delivery.deliver(waiting.pk) == Outcome.PAUSED
    assert not delivery.due_deliveries().exists()

    Subscription.objects.filter(pk=subscription.pk).update(is_active=True)
    subscription.client.is_active = False
    subscription.client.save()
    assert delivery.deliver(waiting.pk) == Outcome.PAUSED
    assert receiver.requests == [] and refreshed(waiting).attempts == 0

    subscription.client.is_active = True
    subscription.client.save()
    assert list(delivery.due_deliveries()) == [waiting]
    assert delivery.deliver(waiting.pk) == Outcome.DELIVERED


# --- Resend ---------------------------------------------------------------------------------------


@committing
def test_resend_sends_a_delivered_delivery_again_with_the_same_id(
    receiver, subscription, officer, course
):
    certify(officer, course)
    run_worker()
    [sent] = Delivery.objects.all()
    assert refreshed(sent).state == State.DELIVERED

    assert delivery.resend(sent) == 1
    assert sent.state == State.PENDING and sent.attempts == 0 and sent.first_attempt_at is None
    assert ready_tasks().count() == 1  # queued on commit
    run_worker()
    assert refreshed(sent).state == State.DELIVERED and sent.attempts == 1
    first, second = receiver.requests
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
    assert first["body"] == second["body"]


@committing
def test_a_failure_in_flight_does_not_undo_a_resend(receiver, subscription, officer, course):
    certify(officer, course)
    [sent] = Delivery.objects.all()
    DBTaskResult.objects.all().delete()
    claimed = delivery.claim(sent.pk)
    request = delivery.build_request(claimed.delivery)
    receiver.reply(500)
    result = delivery.post(request)

    delivery.resend(sent)  # meanwhile, by hand
    assert delivery.record_outcome(claimed, request, result) == Outcome.SUPERSEDED
    refreshed(sent)
    assert sent.state == State.PENDING and sent.attempts == 0
    assert sent.next_attempt_at <= timezone.now()
    assert DeliveryAttempt.objects.filter(delivery=sent, status=500).count() == 1
    assert delivery.deliver(sent.pk) == Outcome.DELIVERED


# --- deliver_events -------------------------------------------------------------------------------


@committing
def test_deliver_events_requeues_what_a_crash_lost(receiver, subscription, officer, course):
    certify(officer, course)
    certify(OfficerFactory(), course)
    lost, leased = Delivery.objects.order_by("position")
    # The first delivery's queued task was lost; a worker died while sending the second one.
    DBTaskResult.objects.all().delete()
    Delivery.objects.filter(pk=leased.pk).update(
        next_attempt_at=timezone.now() + delivery.lease(), last_attempt_at=timezone.now()
    )

    assert "1 of 1 due delivery queued." in command()
    run_worker()
    assert refreshed(lost).state == State.DELIVERED
    assert refreshed(leased).state == State.PENDING  # its lease has not run out yet

    Delivery.objects.filter(pk=leased.pk).update(next_attempt_at=timezone.now())
    assert "1 of 1 due delivery queued." in command()
    run_worker()
    assert refreshed(leased).state == State.DELIVERED
    assert len(receiver.requests) == 2


@committing
def test_deliver_events_sequences_the_feed_then_delivers_inline(
    receiver, subscription, officer, course, monkeypatch
):
    # A process that died between commit and sequencing left an event without a position.
    monkeypatch.setattr(feed, "_sequence_after_commit", lambda: None)
    certify(officer, course)
    assert not Delivery.objects.exists()

    text = command("--now")
    assert "1 new delivery from the feed." in text
    assert "1 of 1 due delivery delivered." in text
    assert Delivery.objects.get().state == State.DELIVERED


@committing
def test_deliver_events_can_resend_failed_ones_and_skip_the_wait(
    receiver, subscription, officer, course
):
    certify(officer, course)
    certify(OfficerFactory(), course)
    failed, waiting = Delivery.objects.order_by("position")
    Delivery.objects.filter(pk=failed.pk).update(state=State.FAILED, attempts=9)
    Delivery.objects.filter(pk=waiting.pk).update(
        attempts=3, next_attempt_at=timezone.now() + timedelta(hours=2)
    )
    DBTaskResult.objects.all().delete()

    assert "0 of 0 due deliveries delivered." in command("--now")

    text = command("--now", "--all", "--resend-failed")
    assert "1 failed delivery is pending again." in text
    assert "2 of 2 due deliveries delivered." in text
    assert refreshed(failed).attempts == 1 and refreshed(waiting).attempts == 4


@committing
def test_without_an_address_the_environments_deliveries_wait(
    settings, officer, course, caplog, monkeypatch
):
    monkeypatch.setattr(delivery, "_warned_unconfigured", False)
    # The environment's receiver was configured when these were recorded, and is not here.
    environment = Subscription.objects.create(name=feed.ENVIRONMENT_NAME)
    certify(officer, course)
    certify(OfficerFactory(), course)
    assert feed.replay(environment, 0) == 2
    with caplog.at_level("WARNING", logger="procedure_system.delivery"):
        assert "0 of 2 due deliveries delivered." in command("--now")
    assert Delivery.objects.filter(state=State.PENDING, attempts=0).count() == 2
    assert len([r for r in caplog.records if "PROCEDURE_SYSTEM_EVENTS_URL" in r.message]) == 1

    with ProcedureSimulator(SECRET) as simulator:
        settings.PROCEDURE_SYSTEM_EVENTS_URL = simulator.url
        settings.PROCEDURE_SYSTEM_SECRET = SECRET
        assert "2 of 2 due deliveries delivered." in command("--now")
    assert len(simulator.received) == 2


# --- End to end -----------------------------------------------------------------------------------


@committing
def test_completing_a_certifying_course_reaches_the_procedure_system_despite_an_outage(
    settings, officer, administrator
):
    simulator = ProcedureSimulator(SECRET).start()
    settings.PROCEDURE_SYSTEM_EVENTS_URL = simulator.url
    settings.PROCEDURE_SYSTEM_SECRET = SECRET
    course = make_course(title="Dịch vụ công trực tuyến", lessons=2, slug_prefix="dvc-push")
    course.issues_certificate = True
    course.save_revision().publish()

    def complete(someone):
        for lesson in course.lessons():
            read(someone, lesson)
        return Certificate.objects.get(officer=someone, course=course)

    certificate = complete(officer)
    assert ready_tasks().count() == 1
    run_worker(max_tasks=10)
    [received] = simulator.received
    assert received["kind"] == "certificate.issued"
    assert received["payload"]["certificate"]["code"] == certificate.code
    assert received["payload"]["officer"]["full_name"] == officer.full_name

    # The procedure system goes down; more happens meanwhile.
    simulator.stop()
    others = [complete(OfficerFactory()) for _ in range(2)]
    issuing.revoke(certificate, actor=administrator, reason="Cấp nhầm người")
    run_worker(max_tasks=10)
    waiting = Delivery.objects.exclude(state=State.DELIVERED)
    assert waiting.count() == 3
    assert all(d.attempts == 1 and "ConnectionRefusedError" in d.last_error for d in waiting)

    # It comes back on the same address; the backlog is sent at once, not after the wait.
    simulator.start()
    assert "3 of 3 due deliveries delivered." in command("--now", "--all")
    # The retries and watchdogs queued meanwhile find nothing left to send.
    time_passes(timedelta(hours=1))
    run_worker(max_tasks=20)
    assert not ready_tasks().exists() and not waiting_tasks().exists()

    deliveries = Delivery.objects.all()
    assert deliveries.count() == 4 and all(d.state == State.DELIVERED for d in deliveries)
    keys = [event["key"] for event in simulator.received]
    assert sorted(keys) == sorted(str(d.event_id) for d in deliveries)  # none lost, none twice
    assert simulator.duplicates == 0 and len(simulator.raw) == 4
    codes = {e["payload"]["certificate"]["code"] for e in simulator.received}
    assert codes == {certificate.code, *(c.code for c in others)}
    assert simulator.received[-1]["kind"] == "certificate.revoked"
    simulator.stop()
