"""Delivering the outbox's events to the procedure system, in order, until it has them.

Each event is POSTed as compact UTF-8 JSON to settings.PROCEDURE_SYSTEM_EVENTS_URL, signed:

    Content-Type: application/json
    Idempotency-Key: <event id>          the receiver keeps each event once
    X-KNS-Event: <kind>                  e.g. certificate.issued
    X-KNS-Timestamp: <unix seconds>
    X-KNS-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>

Delivery runs as a task on the "queue" backend (`manage.py db_worker --backend queue`):

1. Claim: under the event's row lock (skipping a row another worker holds), check that it is
   pending, due, and that no earlier event of the same certificate is still undelivered; then
   push next_attempt_at forward by a lease and commit, so no lock is held during the HTTP call
   and no other worker takes the event while it is in flight.
2. POST, outside any transaction.
3. Record the outcome: a 2xx marks it delivered and hands on to the certificate's next event;
   anything else (refused connection, timeout, 4xx, 5xx) counts an attempt and schedules the
   next one after an exponential backoff, until PROCEDURE_SYSTEM_MAX_ATTEMPTS attempts have
   failed: the event is then "failed" and waits for someone to retry it from the admin.

An event waiting for an earlier one of its certificate is not attempted: the earlier one hands
on to it once delivered. Events are never lost: whatever a crash or an outage leaves pending is
picked up by `manage.py deliver_events`, to run from cron.
"""

import hashlib
import hmac
import json
import logging
import secrets
import time
from datetime import timedelta

import requests
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from .models import OutboxEvent

logger = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=6)
# How much of each delay may be taken off at random, so a backlog does not retry in lockstep.
BACKOFF_JITTER = 0.2
USER_AGENT = "kynangso-outbox/1"
ERROR_LENGTH = 1000


class Outcome:
    """What a delivery task did (its return value, kept with the task's result)."""

    DELIVERED = "delivered"
    RETRY = "retry scheduled"
    FAILED = "failed"
    NOT_CONFIGURED = "not configured"
    GONE = "gone or taken by another worker"
    NOT_PENDING = "not pending"
    NOT_DUE = "not due"
    WAITING = "waiting for an earlier event"


_warned_unconfigured = False


def is_configured():
    return bool(settings.PROCEDURE_SYSTEM_EVENTS_URL and settings.PROCEDURE_SYSTEM_SECRET)


def warn_unconfigured():
    """Say once per process that events wait, rather than once per event."""
    global _warned_unconfigured
    if not _warned_unconfigured:
        _warned_unconfigured = True
        logger.warning(
            "PROCEDURE_SYSTEM_EVENTS_URL or PROCEDURE_SYSTEM_SECRET is not set: events for "
            "the procedure system stay pending; run `manage.py deliver_events` once it is set."
        )


def encode(payload):
    """The body exactly as sent and signed: compact JSON, UTF-8, Vietnamese left readable."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(secret, timestamp, body):
    """The X-KNS-Signature value for a body sent at a timestamp (unix seconds)."""
    message = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def backoff(attempts):
    """The wait after the `attempts`-th failed attempt: 30 s, 1 min, 2 min… up to 6 h, each
    shortened by up to 20 % at random."""
    delay = min(BACKOFF_BASE * 2 ** (attempts - 1), BACKOFF_CAP)
    return delay * (1 - BACKOFF_JITTER * secrets.SystemRandom().random())


def lease():
    """How long a claimed event is left to the worker sending it (a request may spend the
    timeout on connecting and again on reading)."""
    return timedelta(seconds=2 * settings.PROCEDURE_SYSTEM_TIMEOUT_SECONDS + 60)


def schedule_delivery(event_id, run_after=None):
    """Queue the delivery of an event, now or at `run_after`.

    Never raises: if the queue cannot take it, the event is still in the outbox and
    `deliver_events` will schedule it. Returns the task result, or None.
    """
    try:
        deliver = deliver_event.using(run_after=run_after) if run_after else deliver_event
        return deliver.enqueue(str(event_id))
    except Exception:
        logger.exception("Could not queue the delivery of event %s; it stays pending", event_id)
        return None


@task(backend="queue")
def deliver_event(event_id):
    return deliver(event_id)


def deliver(event_id, now=None):
    """Try to deliver one event (see the module's docstring); returns an Outcome.

    `now` stands in for the clock when deciding what is due and when to try again.
    """
    if not is_configured():
        warn_unconfigured()
        return Outcome.NOT_CONFIGURED
    claimed = _claim(event_id, now or timezone.now())
    if isinstance(claimed, str):
        return claimed
    event, lease_until = claimed
    status, error, retry_after = _post(event)
    return _record_outcome(event.pk, lease_until, status, error, retry_after, now)


def _locked(queryset):
    skip_locked = connection.features.has_select_for_update_skip_locked
    return queryset.select_for_update(skip_locked=skip_locked)


def _claim(event_id, now):
    with transaction.atomic():
        event = _locked(OutboxEvent.objects.filter(pk=event_id)).first()
        if event is None:
            return Outcome.GONE
        if event.state != OutboxEvent.State.PENDING:
            return Outcome.NOT_PENDING
        if event.next_attempt_at > now:
            return Outcome.NOT_DUE
        if earlier_undelivered(event).exists():
            # The earlier event hands on to this one once delivered (see _record_outcome).
            return Outcome.WAITING
        event.next_attempt_at = now + lease()
        event.last_attempt_at = now
        event.save(update_fields=["next_attempt_at", "last_attempt_at"])
    return event, event.next_attempt_at


def earlier_undelivered(event):
    """Events of the same certificate recorded before this one and not yet delivered."""
    if event.certificate_id is None:
        return OutboxEvent.objects.none()
    return (
        OutboxEvent.objects.filter(certificate_id=event.certificate_id)
        .exclude(state=OutboxEvent.State.DELIVERED)
        .filter(
            Q(created_at__lt=event.created_at) | Q(created_at=event.created_at, id__lt=event.id)
        )
    )


def _post(event):
    """Send the event; returns (HTTP status or None, error text or "", Retry-After seconds)."""
    body = encode(event.payload)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": str(event.pk),
        "X-KNS-Event": event.kind,
        "X-KNS-Timestamp": timestamp,
        "X-KNS-Signature": sign(settings.PROCEDURE_SYSTEM_SECRET, timestamp, body),
        "User-Agent": USER_AGENT,
    }
    try:
        response = requests.post(
            settings.PROCEDURE_SYSTEM_EVENTS_URL,
            data=body,
            headers=headers,
            timeout=settings.PROCEDURE_SYSTEM_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH], None
    if 200 <= response.status_code < 300:
        return response.status_code, "", None
    error = f"HTTP {response.status_code}: {response.text[:300]}"[:ERROR_LENGTH]
    return response.status_code, error, _retry_after(response)


def _retry_after(response):
    try:
        return max(0, int(response.headers.get("Retry-After", "")))
    except ValueError:
        return None


def _record_outcome(event_id, lease_until, status, error, retry_after, now=None):
    now = now or timezone.now()
    with transaction.atomic():
        event = OutboxEvent.objects.select_for_update().filter(pk=event_id).first()
        if event is None or event.state == OutboxEvent.State.DELIVERED:
            return Outcome.GONE if event is None else Outcome.NOT_PENDING
        if not error:
            event.state = OutboxEvent.State.DELIVERED
            event.delivered_at = event.next_attempt_at = now
            event.attempts += 1
            event.last_status = status
            event.last_error = ""
            event.save(
                update_fields=[
                    "state",
                    "delivered_at",
                    "next_attempt_at",
                    "attempts",
                    "last_status",
                    "last_error",
                ]
            )
            _hand_on(event, now)
            logger.info("Delivered %s %s", event.kind, event.pk)
            return Outcome.DELIVERED
        if event.state != OutboxEvent.State.PENDING or event.next_attempt_at != lease_until:
            # Retried by hand (or taken over after the lease ran out) while this attempt was
            # in flight: the newer attempt decides.
            return Outcome.NOT_PENDING
        event.attempts += 1
        event.last_status = status
        event.last_error = error
        if event.attempts >= settings.PROCEDURE_SYSTEM_MAX_ATTEMPTS:
            event.state = OutboxEvent.State.FAILED
            event.next_attempt_at = now
            event.save(
                update_fields=["state", "attempts", "last_status", "last_error", "next_attempt_at"]
            )
            logger.warning(
                "Giving up on %s %s after %s attempts: %s",
                event.kind,
                event.pk,
                event.attempts,
                error,
            )
            return Outcome.FAILED
        delay = backoff(event.attempts)
        if retry_after:
            delay = min(max(delay, timedelta(seconds=retry_after)), BACKOFF_CAP)
        event.next_attempt_at = now + delay
        event.save(update_fields=["attempts", "last_status", "last_error", "next_attempt_at"])
        run_after = event.next_attempt_at
        transaction.on_commit(lambda: schedule_delivery(event_id, run_after=run_after))
        logger.info(
            "Attempt %s of %s %s failed (%s); next at %s",
            event.attempts,
            event.kind,
            event.pk,
            error,
            run_after.isoformat(),
        )
        return Outcome.RETRY


def _hand_on(event, now):
    """Let the certificate's next event, which waited for this one, go now."""
    if event.certificate_id is None:
        return
    following = (
        OutboxEvent.objects.filter(
            certificate_id=event.certificate_id, state=OutboxEvent.State.PENDING
        )
        .filter(
            Q(created_at__gt=event.created_at) | Q(created_at=event.created_at, id__gt=event.id)
        )
        .order_by("created_at", "id")
        .first()
    )
    if following is None:
        return
    if following.next_attempt_at > now:
        OutboxEvent.objects.filter(pk=following.pk).update(next_attempt_at=now)
    transaction.on_commit(lambda: schedule_delivery(following.pk))


def retry(event, schedule=True):
    """Send a pending or failed event again, now (the admin's "Retry now").

    The attempt count starts again from 0, so the event gets the full series of automatic
    retries before it fails again; the count it had is returned, for the admin's log (and
    last_status/last_error keep the last failure until the next attempt). Call inside a
    transaction that has locked the event; the delivery is queued once it commits.
    """
    previous_attempts = event.attempts
    event.state = OutboxEvent.State.PENDING
    event.attempts = 0
    event.next_attempt_at = timezone.now()
    event.save(update_fields=["state", "attempts", "next_attempt_at"])
    if schedule:
        event_id = event.pk
        transaction.on_commit(lambda: schedule_delivery(event_id))
    return previous_attempts


def due_events(now=None):
    """Pending events whose time has come, oldest first."""
    now = now or timezone.now()
    return OutboxEvent.objects.filter(
        state=OutboxEvent.State.PENDING, next_attempt_at__lte=now
    ).order_by("created_at", "id")
