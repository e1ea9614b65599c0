"""Push to the procedure system: the outbox, its delivery worker, and the receiver's simulator.

These tests commit for real (events are queued on commit) and run the django_tasks_db worker
in-process against a real HTTP server, the simulator.
"""

import hashlib
import hmac
import json
import socket
import time
from datetime import timedelta

import pytest
import requests
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, get_date_max
from wagtail.models import ModelLogEntry

from certification import issuing
from certification.models import Certificate
from procedure_system import delivery
from procedure_system.models import OutboxEvent
from procedure_system.simulator import ProcedureSimulator
from tests.courses.pages import make_course
from tests.courses.reading import read
from tests.factories import PASSWORD, OfficerFactory, UserFactory

# Events are queued when their transaction commits: these tests commit for real.
committing = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SECRET = "bí-mật-chung-của-hai-hệ-thống"
Kind, State = OutboxEvent.Kind, OutboxEvent.State


@pytest.fixture
def simulator(settings):
    simulator = ProcedureSimulator(SECRET).start()
    settings.PROCEDURE_SYSTEM_EVENTS_URL = simulator.url
    settings.PROCEDURE_SYSTEM_SECRET = SECRET
    settings.PROCEDURE_SYSTEM_TIMEOUT_SECONDS = 5
    settings.PROCEDURE_SYSTEM_MAX_ATTEMPTS = 4
    yield simulator
    simulator.stop()


@pytest.fixture
def course(dien_bien):
    return make_course(title="Chữ ký số chuyên dùng công vụ", lessons=0, slug_prefix="cks-push")


@pytest.fixture
def officer(learner):
    return learner.officer


def certify(officer, course):
    """A certificate and its "issued" event, committed (so its delivery is queued)."""
    return issuing.issue(officer, course)


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


DELIVERY_TASK = "procedure_system.delivery.deliver_event"


def ready_tasks():
    return DBTaskResult.objects.ready().filter(task_path=DELIVERY_TASK)


def waiting_tasks():
    return DBTaskResult.objects.filter(status="READY", task_path=DELIVERY_TASK).exclude(
        run_after=get_date_max()
    )


def time_passes(by=timedelta(hours=7)):
    """Everything waiting out a backoff becomes due: events and their queued tasks."""
    for event in OutboxEvent.objects.filter(state=State.PENDING):
        OutboxEvent.objects.filter(pk=event.pk).update(next_attempt_at=event.next_attempt_at - by)
    for task in waiting_tasks():
        DBTaskResult.objects.filter(pk=task.pk).update(run_after=task.run_after - by)


def refreshed(event):
    event.refresh_from_db()
    return event


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def signed_post(url, payload, key, timestamp=None, secret=SECRET):
    body = json.dumps(payload).encode()
    timestamp = str(timestamp or int(time.time()))
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return requests.post(
        url,
        data=body,
        headers={
            "Content-Type": "application/json",
            "Idempotency-Key": key,
            "X-KNS-Event": payload["event"],
            "X-KNS-Timestamp": timestamp,
            "X-KNS-Signature": f"sha256={signature.hexdigest()}",
        },
        timeout=5,
    )


# --- Signature and headers ---------------------------------------------------------------------


@committing
def test_an_event_is_posted_as_signed_compact_utf8_json(simulator, officer, course):
    certificate = certify(officer, course)
    event = OutboxEvent.objects.get(certificate=certificate)
    before = int(time.time())

    run_worker()

    assert refreshed(event).state == State.DELIVERED
    assert event.attempts == 1 and event.last_status == 201 and event.delivered_at
    [request] = simulator.raw
    headers, body = request["headers"], request["body"]
    assert headers["Content-Type"] == "application/json"
    assert headers["Idempotency-Key"] == str(event.pk)
    assert headers["X-KNS-Event"] == "certificate.issued"
    timestamp = headers["X-KNS-Timestamp"]
    assert before <= int(timestamp) <= int(time.time())
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    assert headers["X-KNS-Signature"] == "sha256=" + expected.hexdigest()
    # Compact, UTF-8, Vietnamese unescaped, exactly the stored payload.
    assert body == json.dumps(event.payload, ensure_ascii=False, separators=(",", ":")).encode()
    assert officer.full_name.encode() in body and b"\\u" not in body
    assert json.loads(body)["certificate"]["code"] == certificate.code
    [received] = simulator.received
    assert received["key"] == str(event.pk) and received["kind"] == "certificate.issued"


def test_the_receiver_refuses_a_bad_signature_or_a_stale_timestamp(simulator):
    payload = {"event": "certificate.issued", "certificate": {"code": "KNS-2345-6789"}}

    forged = signed_post(simulator.url, payload, "k1", secret="not-the-secret")
    assert forged.status_code == 401 and forged.json()["error"] == "bad X-KNS-Signature"

    stale = signed_post(simulator.url, payload, "k2", timestamp=int(time.time()) - 301)
    assert stale.status_code == 401 and "5 minutes" in stale.json()["error"]

    unsigned = requests.post(simulator.url, json=payload, timeout=5)
    assert unsigned.status_code == 401 and "error" in unsigned.json()

    assert simulator.received == [] and simulator.rejected == 3
    assert signed_post(simulator.url, payload, "k3").status_code == 201


@committing
def test_the_receiver_keeps_an_event_once_per_idempotency_key(simulator, officer, course):
    payload = {"event": "certificate.issued", "certificate": {"code": "KNS-2345-6789"}}
    assert signed_post(simulator.url, payload, "same-key").status_code == 201
    repeat = signed_post(simulator.url, payload, "same-key")
    assert repeat.status_code == 200 and repeat.json()["status"] == "duplicate"
    assert len(simulator.received) == 1

    # The platform sending an event twice (e.g. retried by hand after a lost answer).
    certificate = certify(officer, course)
    run_worker()
    event = OutboxEvent.objects.get(certificate=certificate)
    OutboxEvent.objects.filter(pk=event.pk).update(
        state=State.PENDING, next_attempt_at=timezone.now()
    )
    assert delivery.deliver(event.pk) == delivery.Outcome.DELIVERED
    assert simulator.duplicates == 2
    assert [e["key"] for e in simulator.received] == ["same-key", str(event.pk)]
    listing = requests.get(simulator.url, timeout=5).json()
    assert listing["count"] == 2 and listing["events"][1]["payload"] == event.payload


def test_the_simulator_keeps_its_records_across_restarts(tmp_path, settings):
    store = tmp_path / "received.json"
    with ProcedureSimulator(SECRET, store=store) as first:
        payload = {"event": "certificate.revoked", "certificate": {"code": "KNS-2345-6789"}}
        assert signed_post(first.url, payload, "k").status_code == 201
    with ProcedureSimulator(SECRET, store=store) as second:
        assert signed_post(second.url, payload, "k").status_code == 200
        assert [event["key"] for event in second.received] == ["k"]


# --- Retries -----------------------------------------------------------------------------------


def test_backoff_doubles_from_30_seconds_up_to_6_hours_with_jitter():
    for attempts, full in [(1, 30), (2, 60), (3, 120), (8, 30 * 2**7)]:
        delays = [delivery.backoff(attempts).total_seconds() for _ in range(50)]
        assert all(0.8 * full <= delay <= full for delay in delays)
        assert len(set(delays)) > 1
    assert 0.8 * 6 * 3600 <= delivery.backoff(30).total_seconds() <= 6 * 3600


@committing
def test_a_500_is_retried_with_backoff_until_delivered(simulator, officer, course):
    simulator.fail_next(500, times=2)
    certificate = certify(officer, course)
    event = OutboxEvent.objects.get(certificate=certificate)

    started = timezone.now()
    run_worker()
    refreshed(event)
    assert event.state == State.PENDING and event.attempts == 1
    assert event.last_status == 500 and event.last_error.startswith("HTTP 500")
    delay = event.next_attempt_at - started
    assert timedelta(seconds=23) < delay <= timedelta(seconds=31)
    [retry] = waiting_tasks()
    assert retry.run_after == event.next_attempt_at
    assert retry.args_kwargs["args"] == [str(event.pk)]

    run_worker()  # nothing is due yet
    assert refreshed(event).attempts == 1 and len(simulator.raw) == 1

    time_passes()
    started = timezone.now()
    run_worker()
    refreshed(event)
    assert event.attempts == 2 and event.state == State.PENDING
    assert timedelta(seconds=47) < event.next_attempt_at - started <= timedelta(seconds=61)

    time_passes()
    run_worker()
    refreshed(event)
    assert event.state == State.DELIVERED and event.attempts == 3 and event.last_error == ""
    assert [e["key"] for e in simulator.received] == [str(event.pk)]


@committing
def test_a_refused_connection_is_retried(settings, simulator, officer, course):
    settings.PROCEDURE_SYSTEM_EVENTS_URL = f"http://127.0.0.1:{closed_port()}/events"
    certificate = certify(officer, course)
    event = OutboxEvent.objects.get(certificate=certificate)

    run_worker()
    refreshed(event)
    assert event.state == State.PENDING and event.attempts == 1
    assert event.last_status is None and "ConnectionError" in event.last_error
    assert event.next_attempt_at > timezone.now() + timedelta(seconds=20)
    assert waiting_tasks().count() == 1

    settings.PROCEDURE_SYSTEM_EVENTS_URL = simulator.url
    time_passes()
    run_worker()
    assert refreshed(event).state == State.DELIVERED


@committing
def test_failed_after_max_attempts_then_retried_by_hand_in_the_admin(
    settings, simulator, officer, course, administrator
):
    settings.PROCEDURE_SYSTEM_MAX_ATTEMPTS = 3
    simulator.fail_next(503, times=3)
    certificate = certify(officer, course)
    event = OutboxEvent.objects.get(certificate=certificate)
    for _ in range(3):
        run_worker()
        time_passes()
    refreshed(event)
    assert event.state == State.FAILED and event.attempts == 3 and event.last_status == 503
    assert not waiting_tasks().exists() and not ready_tasks().exists()

    # A later event of the same certificate waits behind the failed one.
    issuing.revoke(certificate, actor=administrator, reason="Cấp nhầm người")
    revoked = OutboxEvent.objects.get(certificate=certificate, kind=Kind.REVOKED)
    run_worker()
    assert refreshed(revoked).state == State.PENDING and revoked.attempts == 0
    assert len(simulator.raw) == 3

    client = Client()
    assert client.login(username=administrator.username, password=PASSWORD)
    index = client.get(reverse("outbox_event:index"), {"state": "failed"})
    assert index.status_code == 200
    assert certificate.code in index.content.decode()
    retry_url = reverse("outbox_event:retry", args=[event.pk])
    assert retry_url in index.content.decode()
    revocations = client.get(reverse("outbox_event:index"), {"kind": "certificate.revoked"})
    assert reverse("outbox_event:inspect", args=[revoked.pk]) in revocations.content.decode()
    assert reverse("outbox_event:inspect", args=[event.pk]) not in revocations.content.decode()
    assert reverse("outbox_event:index") in client.get(reverse("wagtailadmin_home")).text
    inspect = client.get(reverse("outbox_event:inspect", args=[event.pk]))
    assert inspect.status_code == 200 and retry_url in inspect.text
    assert "HTTP 503" in inspect.text
    assert f"&quot;code&quot;: &quot;{certificate.code}&quot;" in inspect.text  # the payload
    assert client.get(retry_url).status_code == 200

    response = client.post(retry_url)
    assert response.status_code == 302
    refreshed(event)
    assert event.state == State.PENDING and event.attempts == 0
    entry = ModelLogEntry.objects.get(action="procedure_system.retry_event")
    assert entry.object_id == str(event.pk) and entry.user == administrator
    assert entry.data["attempts"] == 3
    history = client.get(reverse("outbox_event:history", args=[event.pk]))
    assert history.status_code == 200

    run_worker()
    assert refreshed(event).state == State.DELIVERED and event.attempts == 1
    assert refreshed(revoked).state == State.DELIVERED
    assert [e["kind"] for e in simulator.received] == ["certificate.issued", "certificate.revoked"]

    # Delivered: nothing left to retry.
    assert client.post(retry_url).status_code == 302
    assert refreshed(event).state == State.DELIVERED


@committing
def test_only_change_permission_may_retry(simulator, officer, course, settings):
    settings.PROCEDURE_SYSTEM_EVENTS_URL = ""
    certificate = certify(officer, course)
    event = OutboxEvent.objects.get(certificate=certificate)
    watcher_group = Group.objects.create(name="Outbox watchers")
    watcher_group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_outboxevent"),
    )
    watcher = UserFactory(username="xem.sukien")
    watcher.groups.add(watcher_group)
    client = Client()
    assert client.login(username=watcher.username, password=PASSWORD)

    index = client.get(reverse("outbox_event:index"))
    assert index.status_code == 200 and certificate.code in index.content.decode()
    retry_url = reverse("outbox_event:retry", args=[event.pk])
    assert retry_url not in index.content.decode()
    assert client.get(reverse("outbox_event:inspect", args=[event.pk])).status_code == 200
    refused = client.post(retry_url)  # Wagtail turns the 403 into a redirect with a message
    assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")
    assert not ModelLogEntry.objects.filter(action="procedure_system.retry_event").exists()
    # Read-only: no add, edit or delete views.
    assert client.get("/admin/outbox_event/new/").status_code == 404
    assert client.get(f"/admin/outbox_event/edit/{event.pk}/").status_code == 404


# --- Order and catching up ---------------------------------------------------------------------


@committing
def test_events_of_a_certificate_arrive_in_order(simulator, officer, course, administrator):
    first = certify(officer, course)
    issued = OutboxEvent.objects.get(certificate=first)
    simulator.fail_next(500)
    run_worker()  # "issued" fails and waits 30 s
    assert refreshed(issued).attempts == 1

    issuing.revoke(first, actor=administrator, reason="Cấp nhầm người")
    revoked = OutboxEvent.objects.get(certificate=first, kind=Kind.REVOKED)
    other = certify(OfficerFactory(), course)
    run_worker()
    # The revocation waits for the issue; another certificate's event does not.
    assert refreshed(revoked).state == State.PENDING and revoked.attempts == 0
    assert OutboxEvent.objects.get(certificate=other).state == State.DELIVERED

    time_passes()
    run_worker()
    assert refreshed(issued).state == State.DELIVERED
    assert refreshed(revoked).state == State.DELIVERED
    keys = [event["key"] for event in simulator.received]
    assert keys.index(str(issued.pk)) < keys.index(str(revoked.pk))
    assert len(keys) == 3 == len(set(keys))


@committing
def test_without_an_address_events_wait_then_deliver_events_sends_them(
    settings, simulator, officer, course, caplog, monkeypatch
):
    monkeypatch.setattr(delivery, "_warned_unconfigured", False)
    settings.PROCEDURE_SYSTEM_EVENTS_URL = ""
    certify(officer, course)
    certify(OfficerFactory(), course)
    with caplog.at_level("WARNING", logger="procedure_system.delivery"):
        run_worker()
    assert OutboxEvent.objects.filter(state=State.PENDING, attempts=0).count() == 2
    assert len([r for r in caplog.records if "PROCEDURE_SYSTEM_EVENTS_URL" in r.message]) == 1

    settings.PROCEDURE_SYSTEM_EVENTS_URL = simulator.url
    call_command("deliver_events", "--now", stdout=(out := _Output()))
    assert "Đã gửi 2/2 sự kiện đến hạn." in out.text
    assert OutboxEvent.objects.filter(state=State.DELIVERED).count() == 2
    assert len(simulator.received) == 2


@committing
def test_deliver_events_requeues_what_a_crash_lost(simulator, officer, course):
    certify(officer, course)
    certify(OfficerFactory(), course)
    lost, leased = OutboxEvent.objects.order_by("created_at")
    # The first event's queued task was lost; a worker died while sending the second one.
    DBTaskResult.objects.all().delete()
    OutboxEvent.objects.filter(pk=leased.pk).update(
        next_attempt_at=timezone.now() + delivery.lease(), last_attempt_at=timezone.now()
    )

    call_command("deliver_events", stdout=(out := _Output()))
    assert "Đã xếp hàng gửi 1/1 sự kiện đến hạn." in out.text
    run_worker()
    assert refreshed(lost).state == State.DELIVERED
    assert refreshed(leased).state == State.PENDING  # its lease has not run out yet

    OutboxEvent.objects.filter(pk=leased.pk).update(next_attempt_at=timezone.now())
    call_command("deliver_events", stdout=(out := _Output()))
    assert "Đã xếp hàng gửi 1/1 sự kiện đến hạn." in out.text
    run_worker()
    assert refreshed(leased).state == State.DELIVERED
    assert len(simulator.received) == 2


@committing
def test_deliver_events_can_retry_failed_ones_and_skip_the_backoff(simulator, officer, course):
    certify(officer, course)
    certify(OfficerFactory(), course)
    failed, waiting = OutboxEvent.objects.order_by("created_at")
    OutboxEvent.objects.filter(pk=failed.pk).update(state=State.FAILED, attempts=4)
    OutboxEvent.objects.filter(pk=waiting.pk).update(
        attempts=3, next_attempt_at=timezone.now() + timedelta(hours=2)
    )
    DBTaskResult.objects.all().delete()

    call_command("deliver_events", "--now", stdout=(out := _Output()))
    assert "Đã gửi 0/0 sự kiện đến hạn." in out.text

    call_command("deliver_events", "--now", "--all", "--retry-failed", stdout=(out := _Output()))
    assert "1 sự kiện gửi lỗi đã được đưa lại vào hàng chờ." in out.text
    assert "Đã gửi 2/2 sự kiện đến hạn." in out.text
    assert refreshed(failed).attempts == 1 and refreshed(waiting).attempts == 4


# --- End to end --------------------------------------------------------------------------------


@committing
def test_completing_a_certifying_course_reaches_the_procedure_system_despite_an_outage(
    simulator, officer, administrator
):
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
    [request] = simulator.raw
    timestamp = request["headers"]["X-KNS-Timestamp"]
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + request["body"], "sha256")
    assert request["headers"]["X-KNS-Signature"] == f"sha256={expected.hexdigest()}"

    # The procedure system goes down; more happens meanwhile.
    simulator.stop()
    others = [complete(OfficerFactory()) for _ in range(2)]
    issuing.revoke(certificate, actor=administrator, reason="Cấp nhầm người")
    run_worker(max_tasks=10)
    waiting = OutboxEvent.objects.exclude(state=State.DELIVERED)
    assert waiting.count() == 3
    assert all(e.attempts == 1 and "ConnectionError" in e.last_error for e in waiting)
    assert waiting_tasks().count() == 3

    # It comes back on the same address; the backlog is sent at once, not after the backoff.
    simulator.start()
    call_command("deliver_events", "--now", "--all", stdout=(out := _Output()))
    assert "Đã gửi 3/3 sự kiện đến hạn." in out.text
    # The retries the backoff had queued find nothing left to send.
    time_passes()
    run_worker(max_tasks=10)
    assert not ready_tasks().exists() and not waiting_tasks().exists()

    events = OutboxEvent.objects.all()
    assert events.count() == 4 and all(e.state == State.DELIVERED for e in events)
    keys = [event["key"] for event in simulator.received]
    assert sorted(keys) == sorted(str(e.pk) for e in events)  # none lost, none twice
    assert simulator.duplicates == 0 and len(simulator.raw) == 4
    codes = {e["payload"]["certificate"]["code"] for e in simulator.received}
    assert codes == {certificate.code, *(c.code for c in others)}
    assert simulator.received[-1]["kind"] == "certificate.revoked"


class _Output:
    """A stdout for call_command that keeps what was written."""

    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass
