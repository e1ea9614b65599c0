"""Delivery heals itself: the faults an integrator hit, each against a real receiver.

An outage longer than the retry span, a receiver that is gone (410), a trickling or endless
answer, a redirect, a worker killed mid-request, task rows left RUNNING by a dead worker.
Time is simulated with `now=`; nothing sleeps longer than the deadline under test.
"""

import time
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from certification import issuing
from procedure_system import delivery
from procedure_system.models import Delivery, DeliveryAttempt, Subscription
from tests.factories import OfficerFactory, UserFactory
from tests.procedure_system.test_push import (
    DELIVERY_TASK,
    Outcome,
    Receiver,
    State,
    _delivery_settings,
    answer,
    certify,
    command,
    committing,
    course,
    officer,
    push,
    receiver,
    refreshed,
    run_worker,
    subscription,
    time_passes,
    waiting_tasks,
)

# The push tests' fixtures, shared: pytest finds them by their names in this module.
FIXTURES = (_delivery_settings, course, officer, push, receiver, subscription)


@pytest.fixture
def superuser(dien_bien):
    return UserFactory(username="quantri", email="quantri@dienbien.gov.vn", is_superuser=True)


def retry_until_settled(sent, limit=40):
    """Attempt the delivery each time it is due again, until it is no longer retried;
    returns the outcomes."""
    outcomes = []
    while len(outcomes) < limit:
        outcome = delivery.deliver(sent.pk, now=refreshed(sent).next_attempt_at)
        outcomes.append(outcome)
        if outcome != Outcome.RETRY:
            return outcomes
    raise AssertionError(f"still retried after {limit} attempts")


# --- An outage longer than the retry span ------------------------------------------------------


@committing
def test_an_outage_longer_than_the_retry_span_fails_the_delivery_and_disables_the_subscription(
    settings, push, administrator, superuser
):
    settings.ADMINS = []
    push.receiver.decide = lambda request: 503
    certificate = certify(push.officer, push.course)
    [issued] = Delivery.objects.all()
    assert delivery.deliver(issued.pk) == Outcome.RETRY
    issuing.revoke(certificate, actor=administrator, reason="Cấp nhầm người")
    revoked = Delivery.objects.get(kind="certificate.revoked")
    assert delivery.deliver(revoked.pk) == Outcome.WAITING

    outcomes = retry_until_settled(issued)

    refreshed(issued)
    # Retried for three days, on the schedule, then given up on.
    assert outcomes[-1] == Outcome.DISABLED and set(outcomes[:-1]) == {Outcome.RETRY}
    assert issued.state == State.FAILED and issued.attempts == len(outcomes) + 1
    assert issued.last_attempt_at - issued.first_attempt_at == timedelta(days=3)
    assert 12 <= issued.attempts <= 18
    assert DeliveryAttempt.objects.filter(delivery=issued, status=503).count() == issued.attempts
    refreshed(push.subscription)
    # Written for the administrators, in the site's language (Vietnamese by default).
    assert push.subscription.is_disabled and "3 ngày" in push.subscription.disabled_reason
    assert "HTTP 503" in push.subscription.disabled_reason

    # The administrators are told, once.
    [alert] = mail.outbox
    assert alert.to == [superuser.email]
    assert push.subscription.name in alert.subject and push.subscription.name in alert.body
    assert push.subscription.client.name in alert.body and "HTTP 503" in alert.body

    # Disabled: nothing more is attempted, the revocation waits (pending, not failed).
    requests_so_far = len(push.receiver.requests)
    assert delivery.deliver(revoked.pk, now=issued.last_attempt_at) == Outcome.PAUSED
    assert not delivery.due_deliveries().exists()
    assert len(push.receiver.requests) == requests_so_far
    assert refreshed(revoked).state == State.PENDING
    assert delivery.health_problems() == [
        "failed deliveries: 1 (retried for the whole retry span)",
        "disabled webhook subscriptions: 1",
    ]

    # The receiver is back and the subscription enabled: the revocation goes, not held back by
    # the failed issue.
    push.receiver.decide = lambda request: 204
    assert delivery.enable(push.subscription) == 1
    run_worker()
    assert refreshed(revoked).state == State.DELIVERED
    assert refreshed(issued).state == State.FAILED
    assert not refreshed(push.subscription).is_disabled and push.subscription.failing_since is None
    assert len(mail.outbox) == 1

    delivery.resend(issued)
    run_worker()
    assert refreshed(issued).state == State.DELIVERED
    assert delivery.health_problems() == []
    assert push.receiver.bodies()[-2]["type"] == "certificate.revoked"
    assert push.receiver.bodies()[-1]["type"] == "certificate.issued"


@committing
def test_the_alert_goes_to_settings_admins_when_set(settings, push, superuser):
    settings.ADMINS = [("Trực hệ thống", "truc@dienbien.gov.vn")]
    push.receiver.decide = lambda request: 500
    certify(push.officer, push.course)
    [sent] = Delivery.objects.all()
    retry_until_settled(sent)
    [alert] = mail.outbox
    assert alert.to == ["truc@dienbien.gov.vn"]


@committing
def test_one_rejected_event_fails_alone_and_hands_on_to_its_certificates_next(push, administrator):
    certificate = certify(push.officer, push.course)
    [poison] = Delivery.objects.all()
    poison_id = str(poison.event_id)
    push.receiver.decide = lambda request: (
        400 if request["headers"]["webhook-id"] == poison_id else 204
    )
    first = timezone.now()
    assert delivery.deliver(poison.pk, now=first) == Outcome.RETRY
    issuing.revoke(certificate, actor=administrator, reason="Cấp nhầm người")
    revoked = Delivery.objects.get(kind="certificate.revoked")
    # Another certificate's delivery succeeds a day later: the push.receiver is up.
    certify(OfficerFactory(), push.course)
    other = Delivery.objects.exclude(pk__in=[poison.pk, revoked.pk]).get()
    assert delivery.deliver(other.pk, now=first + timedelta(days=1)) == Outcome.DELIVERED

    outcomes = retry_until_settled(poison)

    assert outcomes[-1] == Outcome.FAILED
    assert refreshed(poison).state == State.FAILED
    assert not refreshed(push.subscription).is_disabled
    # Failed, it no longer holds the revocation back: handed on, queued at once.
    assert delivery.deliver(revoked.pk, now=poison.last_attempt_at) == Outcome.DELIVERED


@committing
def test_410_gone_disables_the_subscription_at_once(push, superuser):
    push.receiver.reply(410)
    certify(push.officer, push.course)
    [sent] = Delivery.objects.all()

    assert delivery.deliver(sent.pk) == Outcome.DISABLED
    refreshed(push.subscription)
    assert push.subscription.is_disabled and "410" in push.subscription.disabled_reason
    assert refreshed(sent).state == State.PENDING and sent.attempts == 1
    [alert] = mail.outbox
    assert "410" in alert.body

    delivery.enable(push.subscription)
    run_worker()
    assert refreshed(sent).state == State.DELIVERED


# --- Slow, endless and redirecting answers --------------------------------------------------


def trickle(handler):
    """The status line one byte a second: every read gets something, no answer ever ends."""
    for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok":
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(1)


@committing
def test_a_trickling_receiver_is_cut_off_at_the_total_deadline(settings, push):
    settings.PROCEDURE_SYSTEM_TIMEOUT_SECONDS = 1.5
    push.receiver.reply(trickle)
    certify(push.officer, push.course)
    [sent] = Delivery.objects.all()

    started = time.monotonic()
    assert delivery.deliver(sent.pk) == Outcome.RETRY
    assert time.monotonic() - started < 3
    [attempt] = DeliveryAttempt.objects.filter(delivery=sent)
    assert attempt.status is None and "1.5 s deadline" in attempt.error
    assert 1400 <= attempt.duration_ms < 3000
    assert refreshed(sent).last_error == attempt.error


def endless_answer(handler):
    """200, then a body far larger than anyone should read."""
    handler.send_response(200)
    handler.send_header("Content-Length", str(200 * 1024 * 1024))
    handler.end_headers()
    chunk = b"x" * 65536
    for _ in range(200 * 16):
        handler.wfile.write(chunk)


@committing
def test_a_huge_answer_is_read_only_in_part(settings, push):
    push.receiver.reply(endless_answer)
    certify(push.officer, push.course)
    [sent] = Delivery.objects.all()

    started = time.monotonic()
    assert delivery.deliver(sent.pk) == Outcome.DELIVERED
    assert time.monotonic() - started < 3
    [attempt] = DeliveryAttempt.objects.filter(delivery=sent)
    assert attempt.status == 200 and attempt.response_excerpt == "x" * 1000


@committing
def test_a_redirect_is_not_followed(push):
    elsewhere = Receiver()
    try:
        push.receiver.reply(answer(302, {"Location": elsewhere.url}))
        certify(push.officer, push.course)
        [sent] = Delivery.objects.all()
        assert delivery.deliver(sent.pk) == Outcome.RETRY
        assert refreshed(sent).last_status == 302
        assert "redirect" in sent.last_error and elsewhere.url in sent.last_error
        assert elsewhere.requests == []
    finally:
        elsewhere.stop()


# --- Dead workers --------------------------------------------------------------------------------


@committing
def test_a_delivery_claimed_by_a_worker_that_died_is_resumed_by_its_watchdog(push):
    certify(push.officer, push.course)
    [sent] = Delivery.objects.all()
    DBTaskResult.objects.all().delete()  # only the watchdog will be left

    claimed = delivery.claim(sent.pk)  # … and the worker dies before it records anything
    [watchdog] = waiting_tasks()
    assert watchdog.run_after == claimed.lease_until == refreshed(sent).next_attempt_at
    assert watchdog.args_kwargs["args"] == [sent.pk]
    # Within the lease nobody else takes it.
    assert delivery.deliver(sent.pk) == Outcome.NOT_DUE
    run_worker()
    assert refreshed(sent).state == State.PENDING and push.receiver.requests == []

    time_passes(delivery.lease())
    run_worker()
    assert refreshed(sent).state == State.DELIVERED and sent.attempts == 1
    assert len(push.receiver.requests) == 1


def running_task(started_ago, task_path=DELIVERY_TASK):
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}},
        task_path=task_path,
        backend_name="queue",
        run_after=get_date_max(),
        status="RUNNING",
        worker_ids=[f"host-{uuid.uuid4().hex[:6]}"],
    )
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now() - started_ago)
    return task


@pytest.mark.django_db
def test_task_rows_left_running_by_a_dead_worker_are_marked_failed():
    abandoned = running_task(timedelta(hours=2))
    old_version = running_task(timedelta(days=20), "procedure_system.delivery.deliver_event")
    in_progress = running_task(timedelta(seconds=2))
    other_task = running_task(timedelta(hours=2), "certification.tasks.sign_certificate")

    assert delivery.reap_abandoned_tasks() == 2
    assert refreshed(abandoned).status == "FAILED" and abandoned.finished_at
    assert abandoned.exception_class_path.endswith("WorkerLost")
    assert refreshed(old_version).status == "FAILED"
    assert refreshed(in_progress).status == "RUNNING"
    assert refreshed(other_task).status == "RUNNING"


@pytest.mark.django_db
def test_deliver_events_reaps_them_too():
    running_task(timedelta(hours=2))
    assert "1 task left running by a dead worker marked failed." in command()
    assert not DBTaskResult.objects.running().filter(task_path=DELIVERY_TASK).exists()


@committing
def test_https_checks_the_receivers_certificate(push):
    # A plain-HTTP (or self-signed) receiver behind an https:// URL: refused, retried later.
    url = push.receiver.url.replace("http://", "https://")
    Subscription.objects.filter(pk=push.subscription.pk).update(url=url)
    certify(push.officer, push.course)
    [sent] = Delivery.objects.all()
    assert delivery.deliver(sent.pk) == Outcome.RETRY
    assert "SSL" in refreshed(sent).last_error and sent.last_status is None
