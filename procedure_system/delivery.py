"""Pushing the feed to subscriptions: each Delivery POSTed until its receiver has it, healing
itself after outages, dead workers and slow receivers.

A delivery is one event for one subscription, POSTed as compact UTF-8 JSON (feed.present(); the
environment's receiver gets feed.legacy_body() and the version-1 headers too), signed as
Standard Webhooks (webhooks.py). It runs as the task `deliver_delivery` on the "queue" backend
(`manage.py db_worker --backend queue`):

1. Claim (`claim`): under the delivery's row lock (skipping a row another worker holds), check
   that it is pending and due, that its subscription is on, and that no delivery of the same
   subscription and subject with a lower position is still pending (order per certificate or
   officer); then push next_attempt_at forward by a lease and commit, so no lock is held during
   the HTTP call and no other worker takes it meanwhile. The same commit queues a *watchdog*:
   the same task, due when the lease ends. If the worker dies mid-request, the watchdog finds
   the delivery due again and sends it; otherwise it finds nothing to do.
2. POST, outside any transaction, within a total deadline of PROCEDURE_SYSTEM_TIMEOUT_SECONDS
   (connecting, sending and reading together: a receiver that answers one byte a second is cut
   off), reading at most 64 KiB of the answer (sending.py), following no redirect.
3. Record the outcome under the lock, with the attempt in the log (DeliveryAttempt):
   - 2xx: delivered; the subject's next pending delivery is handed on (queued now).
   - anything else: tried again after RETRY_SCHEDULE (30 s, 2 min, 10 min … then every 12 h;
     Retry-After is honoured up to 12 h). When the first attempt is PROCEDURE_SYSTEM_RETRY_DAYS
     old, the delivery is failed: it no longer holds back the subject's later deliveries. When
     the subscription has had no success for that long, it is disabled and the administrators
     are told by e-mail; its deliveries wait, pending, until `enable`. 410 Gone disables it at
     once.

Nothing is lost to a crash: `manage.py deliver_events` (cron) sequences the feed, marks the task
rows of dead workers failed (`reap_abandoned_tasks`) and queues whatever is due. Sending twice is
harmless: the receiver keeps each webhook-id once.
"""

import logging
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from . import feed, webhooks
from .models import Delivery, DeliveryAttempt, SigningSecret, Subscription
from .sending import USER_AGENT, Request, Result, encode, post, shown_url

logger = logging.getLogger(__name__)

State = Delivery.State

# The wait after the n-th failed attempt; after the last, every RETRY_CAP.
RETRY_SCHEDULE = [
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=2),
    timedelta(hours=4),
    timedelta(hours=8),
]
RETRY_CAP = timedelta(hours=12)
# How much of each delay may be taken off at random, so a backlog does not retry in lockstep.
RETRY_JITTER = 0.2
# A pending delivery due for longer than this is stuck (no worker, or a worker that cannot
# reach the database): /health/ says so.
STUCK_AFTER = timedelta(minutes=15)
TASK_PATHS = (
    "procedure_system.delivery.deliver_delivery",
    # The task of version 1: its rows left RUNNING by a dead worker are reaped too.
    "procedure_system.delivery.deliver_event",
)


class Outcome:
    """What a delivery task did (its return value, kept with the task's result)."""

    DELIVERED = "delivered"
    RETRY = "retry scheduled"
    FAILED = "failed after the retry span"
    DISABLED = "failed; subscription disabled"
    NOT_CONFIGURED = "receiver not configured"
    PAUSED = "subscription disabled or switched off"
    GONE = "gone or taken by another worker"
    NOT_PENDING = "not pending"
    NOT_DUE = "not due"
    WAITING = "waiting for an earlier delivery of its subject"
    SUPERSEDED = "resent or taken over while in flight"


def retry_span():
    return timedelta(days=settings.PROCEDURE_SYSTEM_RETRY_DAYS)


def lease():
    """How long a claimed delivery is left to the worker sending it: the total deadline, and
    as much again (and a few seconds) to record the outcome. A worker that takes longer is
    taken for dead: the watchdog sends again (the receiver keeps each webhook-id once)."""
    return timedelta(seconds=2 * settings.PROCEDURE_SYSTEM_TIMEOUT_SECONDS + 5)


def retry_delay(attempts):
    """The wait after the `attempts`-th failed attempt, shortened by up to 20 % at random."""
    full = RETRY_SCHEDULE[attempts - 1] if attempts <= len(RETRY_SCHEDULE) else RETRY_CAP
    return full * (1 - RETRY_JITTER * secrets.SystemRandom().random())


# Queueing -----------------------------------------------------------------------------------


@task(backend="queue")
def deliver_delivery(delivery_id):
    return deliver(delivery_id)


def _enqueue(delivery_id, run_after=None):
    """Queue one delivery task; never raises (what is not queued, deliver_events queues)."""
    try:
        # A savepoint: a failed insert must not break the caller's transaction.
        with transaction.atomic():
            queued = deliver_delivery.using(run_after=run_after) if run_after else deliver_delivery
            return queued.enqueue(delivery_id)
    except Exception:
        logger.exception("Could not queue delivery %s; it stays pending", delivery_id)
        return None


def schedule_due(delivery_ids=None):
    """Queue the delivery task for these deliveries, or for every due one; returns how many
    were queued. Never raises: a delivery not queued stays pending for deliver_events."""
    try:
        if delivery_ids is None:
            delivery_ids = list(due_deliveries().values_list("pk", flat=True))
    except Exception:
        logger.exception("Could not list the due deliveries")
        return 0
    return sum(1 for delivery_id in delivery_ids if _enqueue(delivery_id))


def _schedule_on_commit(delivery_ids, run_after=None):
    delivery_ids = list(delivery_ids)
    if run_after is None:
        transaction.on_commit(lambda: schedule_due(delivery_ids), robust=True)
    else:
        transaction.on_commit(lambda: [_enqueue(pk, run_after) for pk in delivery_ids], robust=True)


def receiving_q(prefix=""):
    """Deliveries whose subscription is on: switched on, its client active, not disabled."""
    return Q(
        **{
            f"{prefix}subscription__is_active": True,
            f"{prefix}subscription__disabled_at__isnull": True,
        }
    ) & (
        Q(**{f"{prefix}subscription__client__isnull": True})
        | Q(**{f"{prefix}subscription__client__is_active": True})
    )


def due_deliveries(now=None):
    """Pending deliveries of subscriptions that are on, due now, in feed order (a delivery
    behind an earlier one of its subject comes after it)."""
    now = now or timezone.now()
    return (
        Delivery.objects.filter(state=State.PENDING, next_attempt_at__lte=now)
        .filter(receiving_q())
        .order_by("position", "subscription_id")
    )


def _earlier_pending(subscription_id, subject, position):
    return Delivery.objects.filter(
        subscription_id=subscription_id,
        subject=subject,
        position__lt=position,
        state=State.PENDING,
    )


# Delivering ---------------------------------------------------------------------------------


_warned_unconfigured = False


def _warn_unconfigured():
    """Say once per process that the environment's deliveries wait, not once per delivery."""
    global _warned_unconfigured
    if not _warned_unconfigured:
        _warned_unconfigured = True
        logger.warning(
            "PROCEDURE_SYSTEM_EVENTS_URL or PROCEDURE_SYSTEM_SECRET is not set: deliveries to "
            "the procedure system stay pending; run `manage.py deliver_events` once it is set."
        )


class Claim:
    """A delivery taken for one attempt, until `lease_until`."""

    def __init__(self, delivery, lease_until):
        self.delivery = delivery
        self.lease_until = lease_until


def deliver(delivery_id, now=None):
    """Try to deliver once (see the module's docstring); returns an Outcome.

    `now` stands in for the clock when deciding what is due and when to try again.
    """
    reap_abandoned_tasks()
    claimed = claim(delivery_id, now)
    if not isinstance(claimed, Claim):
        return claimed
    try:
        request = build_request(claimed.delivery)
    except Exception as exc:
        # Counted as a failed attempt, so the delivery still fails after the retry span
        # instead of being claimed again for ever.
        logger.exception("Could not build the request of delivery %s", delivery_id)
        request = Request(claimed.delivery.subscription.url, {}, b"")
        result = Result(error=f"Could not build the request: {type(exc).__name__}")
    else:
        result = post(request)
    return record_outcome(claimed, request, result, now)


def _locked(queryset):
    skip_locked = connection.features.has_select_for_update_skip_locked
    return queryset.select_for_update(skip_locked=skip_locked)


def claim(delivery_id, now=None):
    """Step 1: take the delivery for one attempt (a Claim), or say why not (an Outcome)."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = _locked(Delivery.objects.filter(pk=delivery_id)).first()
        if delivery is None:
            return Outcome.GONE
        if delivery.state != State.PENDING:
            return Outcome.NOT_PENDING
        if delivery.next_attempt_at > now:
            return Outcome.NOT_DUE
        subscription = Subscription.objects.select_related("client").get(
            pk=delivery.subscription_id
        )
        if not _is_on(subscription):
            return Outcome.PAUSED
        if not _target(subscription):
            return Outcome.NOT_CONFIGURED
        if _earlier_pending(delivery.subscription_id, delivery.subject, delivery.position).exists():
            # The earlier one hands on to this one once it is delivered or failed.
            return Outcome.WAITING
        lease_until = now + lease()
        delivery.next_attempt_at = lease_until
        delivery.first_attempt_at = delivery.first_attempt_at or now
        delivery.last_attempt_at = now
        delivery.save(update_fields=["next_attempt_at", "first_attempt_at", "last_attempt_at"])
        # In the claim's own commit: a worker that dies after it still leaves the watchdog.
        _enqueue(delivery.pk, run_after=lease_until)
    delivery.subscription = subscription
    return Claim(delivery, lease_until)


def _is_on(subscription):
    return (
        subscription.is_active
        and not subscription.is_disabled
        and (subscription.client is None or subscription.client.is_active)
    )


def _target(subscription):
    """(url, secrets) to send to, or None when the subscription has nowhere or nothing to sign
    with (its deliveries wait)."""
    if subscription.is_environment:
        url, secret = settings.PROCEDURE_SYSTEM_EVENTS_URL, settings.PROCEDURE_SYSTEM_SECRET
        if not (url and secret):
            _warn_unconfigured()
            return None
        return url, [secret]
    valid = SigningSecret.objects.filter(subscription=subscription).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    )
    keys = list(valid.values_list("secret", flat=True))
    if not (subscription.url and keys):
        return None
    return subscription.url, keys


def build_request(delivery):
    """Step 2a: the body and headers of the delivery's next attempt, signed now."""
    subscription = delivery.subscription
    url, keys = _target(subscription)
    event = delivery.event
    body = feed.present(event, feed.area_of(subscription))
    if subscription.is_environment:
        body = feed.legacy_body(body)
    data = encode(body)
    legacy = {}
    if subscription.is_environment:
        legacy = {"legacy_kind": body["type"], "legacy_secret": keys[0]}
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **webhooks.headers(keys, event.pk, int(time.time()), data, **legacy),
    }
    return Request(url, headers, data)


def record_outcome(claimed, request, result, now=None):
    """Step 3: log the attempt and decide what comes next, under the delivery's lock."""
    now = now or timezone.now()
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery_id=claimed.delivery.pk,
            at=now,
            url=shown_url(request.url),
            request_headers=request.logged_headers(),
            status=result.status,
            response_excerpt=result.excerpt,
            error=result.error,
            duration_ms=result.duration_ms,
        )
        delivery = Delivery.objects.select_for_update().filter(pk=claimed.delivery.pk).first()
        if delivery is None or delivery.state == State.DELIVERED:
            return Outcome.GONE if delivery is None else Outcome.NOT_PENDING
        delivery.attempts += 1
        delivery.last_status = result.status
        delivery.last_error = result.error
        if result.ok:
            # The receiver has it, whatever happened meanwhile.
            return _delivered(delivery, now)
        if delivery.state != State.PENDING or delivery.next_attempt_at != claimed.lease_until:
            # Resent by hand (or taken over after the lease ran out) while in flight: the newer
            # attempt decides.
            return Outcome.SUPERSEDED
        return _failed_attempt(delivery, result, now)


def _delivered(delivery, now):
    delivery.state = State.DELIVERED
    delivery.delivered_at = delivery.next_attempt_at = now
    delivery.save(
        update_fields=[
            "state",
            "delivered_at",
            "next_attempt_at",
            "attempts",
            "last_status",
            "last_error",
        ]
    )
    Subscription.objects.filter(pk=delivery.subscription_id).update(
        last_success_at=now, failing_since=None
    )
    _hand_on(delivery, now)
    logger.info(
        "Delivered %s %s to subscription %s",
        delivery.kind,
        delivery.event_id,
        delivery.subscription_id,
    )
    return Outcome.DELIVERED


def _failed_attempt(delivery, result, now):
    fields = ["attempts", "last_status", "last_error", "next_attempt_at", "state"]
    outcome = Outcome.RETRY
    # Decided by when the attempt was made (its claim), not when its answer came: the retry
    # span and the failing period are measured between attempts.
    attempted = delivery.last_attempt_at
    span_end = delivery.first_attempt_at + retry_span()
    if attempted >= span_end:
        delivery.state = State.FAILED
        delivery.next_attempt_at = now
        outcome = Outcome.FAILED
        logger.warning(
            "Giving up on delivery %s (%s) after %s attempts: %s",
            delivery.pk,
            delivery.kind,
            delivery.attempts,
            result.error,
        )
    else:
        delay = retry_delay(delivery.attempts)
        if result.retry_after:
            delay = min(max(delay, timedelta(seconds=result.retry_after)), RETRY_CAP)
        # The last attempt comes when the span ends, not up to 12 h after it.
        delivery.next_attempt_at = min(now + delay, span_end)
    delivery.save(update_fields=fields)
    if delivery.state == State.FAILED:
        # Failed, it holds back the subject's later deliveries no longer.
        _hand_on(delivery, now)
    else:
        _schedule_on_commit([delivery.pk], run_after=delivery.next_attempt_at)
    subscription_id = delivery.subscription_id
    Subscription.objects.filter(pk=subscription_id, failing_since__isnull=True).update(
        failing_since=attempted
    )
    if result.status == 410:
        reason = gettext("The receiver answered 410 Gone: it wants no more deliveries.")
        disabled = _disable(subscription_id, now, reason, Q())
    else:
        reason = gettext(
            "No successful delivery for %(days)s days; the last attempt: %(error)s"
        ) % {"days": f"{settings.PROCEDURE_SYSTEM_RETRY_DAYS:g}", "error": result.error}
        condition = Q(failing_since__lte=attempted - retry_span())
        disabled = _disable(subscription_id, now, reason, condition)
    if disabled:
        return Outcome.DISABLED
    if outcome == Outcome.RETRY:
        logger.info(
            "Attempt %s of delivery %s failed (%s); next at %s",
            delivery.attempts,
            delivery.pk,
            result.error,
            delivery.next_attempt_at.isoformat(),
        )
    return outcome


def _disable(subscription_id, now, reason, condition):
    """Disable the subscription if the condition holds and it is not already; returns whether
    this call did (so the administrators are told once)."""
    changed = (
        Subscription.objects.filter(pk=subscription_id, disabled_at__isnull=True)
        .filter(condition)
        .update(disabled_at=now, disabled_reason=reason)
    )
    if changed:
        logger.error("Subscription %s disabled: %s", subscription_id, reason)
        transaction.on_commit(lambda: alert_administrators(subscription_id), robust=True)
    return bool(changed)


def _hand_on(delivery, now):
    """Let the subject's next delivery, which waited for this one, go now."""
    following = (
        Delivery.objects.filter(
            subscription_id=delivery.subscription_id,
            subject=delivery.subject,
            position__gt=delivery.position,
            state=State.PENDING,
        )
        .order_by("position")
        .first()
    )
    if following is None:
        return
    if following.next_attempt_at > now:
        Delivery.objects.filter(pk=following.pk).update(next_attempt_at=now)
    _schedule_on_commit([following.pk])


# Telling the administrators -----------------------------------------------------------------


def administrator_emails():
    """settings.ADMINS when set, else the active superusers that have an e-mail address."""
    admins = getattr(settings, "ADMINS", None)
    if admins:
        return [entry if isinstance(entry, str) else entry[1] for entry in admins]
    users = get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(email="")
    return list(users.values_list("email", flat=True))


def alert_administrators(subscription_id):
    """E-mail the administrators that a subscription was disabled. Never raises."""
    try:
        subscription = Subscription.objects.select_related("client").get(pk=subscription_id)
        recipients = administrator_emails()
        if not recipients:
            logger.warning("Subscription %s disabled and no administrator to tell", subscription)
            return
        pending = subscription.deliveries.filter(state=State.PENDING).count()
        with translation.override(settings.LANGUAGE_CODE):
            subject = gettext("Webhook subscription “%(name)s” disabled") % {
                "name": subscription.name
            }
            body = render_to_string(
                "procedure_system/subscription_disabled_email.txt",
                {"subscription": subscription, "pending": pending},
            )
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:
        logger.exception(
            "Could not tell the administrators that subscription %s is disabled", subscription_id
        )


# By hand: resend, enable ----------------------------------------------------------------------


def resend(delivery, user=None):
    """Make a delivered, failed or pending delivery pending again now, with the full retry
    span before it fails again, and queue it once the transaction commits. Returns the number
    of attempts it had (last_status and last_error keep the last failure until the next
    attempt)."""
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        previous_attempts = locked.attempts
        locked.state = State.PENDING
        locked.attempts = 0
        locked.first_attempt_at = None
        locked.delivered_at = None
        locked.next_attempt_at = timezone.now()
        locked.save(
            update_fields=[
                "state",
                "attempts",
                "first_attempt_at",
                "delivered_at",
                "next_attempt_at",
            ]
        )
        _schedule_on_commit([locked.pk])
    logger.info("Delivery %s resent by %s", delivery.pk, user or "the system")
    for field in ("state", "attempts", "first_attempt_at", "delivered_at", "next_attempt_at"):
        setattr(delivery, field, getattr(locked, field))
    return previous_attempts


def enable(subscription):
    """Switch a disabled subscription back on: its pending deliveries go now, each with the
    full retry span again (failed ones stay failed; resend them one by one)."""
    now = timezone.now()
    with transaction.atomic():
        # Deliveries first, then the subscription: the order an outcome locks them in.
        pending = Delivery.objects.filter(subscription=subscription, state=State.PENDING)
        ids = list(pending.order_by("position").values_list("pk", flat=True))
        pending.update(attempts=0, first_attempt_at=None, next_attempt_at=now)
        Subscription.objects.filter(pk=subscription.pk).update(
            disabled_at=None, disabled_reason="", failing_since=None
        )
        _schedule_on_commit(ids)
    subscription.disabled_at, subscription.disabled_reason = None, ""
    subscription.failing_since = None
    return len(ids)


# Dead workers and health -------------------------------------------------------------------


def reap_abandoned_tasks(now=None):
    """Mark failed the delivery task rows left RUNNING by a worker that died (started longer
    ago than a lease: a live worker would have finished); returns how many. Their deliveries
    are resumed by the watchdog their claim queued."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    try:
        return (
            DBTaskResult.objects.running()
            .filter(task_path__in=TASK_PATHS, started_at__lt=now - lease())
            .update(
                status="FAILED",
                finished_at=now,
                exception_class_path="procedure_system.delivery.WorkerLost",
                traceback="The worker running this task stopped before it finished (killed, "
                "or its machine lost); the delivery is tried again by its watchdog task.",
            )
        )
    except Exception:
        logger.exception("Could not reap abandoned delivery tasks")
        return 0


def stuck_deliveries(now=None):
    """Pending deliveries of subscriptions that are on, due for longer than STUCK_AFTER and
    not waiting behind an earlier one: no worker has taken them."""
    now = now or timezone.now()
    earlier = Delivery.objects.filter(
        subscription_id=OuterRef("subscription_id"),
        subject=OuterRef("subject"),
        position__lt=OuterRef("position"),
        state=State.PENDING,
    )
    return due_deliveries(now - STUCK_AFTER).exclude(Exists(earlier))


def health_problems(now=None):
    """What /health/ reports about deliveries, in English for the operator; empty when fine.
    Counts only: a public endpoint names no receiver."""
    now = now or timezone.now()
    problems = []
    failed = Delivery.objects.filter(state=State.FAILED).filter(
        Q(subscription__is_active=True)
        & (Q(subscription__client__isnull=True) | Q(subscription__client__is_active=True))
    )
    if count := failed.count():
        problems.append(f"failed deliveries: {count} (retried for the whole retry span)")
    if count := stuck_deliveries(now).count():
        minutes = int(STUCK_AFTER.total_seconds() // 60)
        problems.append(f"stuck deliveries: {count} (due for more than {minutes} minutes)")
    disabled = Subscription.objects.filter(is_active=True, disabled_at__isnull=False)
    if count := disabled.count():
        problems.append(f"disabled webhook subscriptions: {count}")
    return problems
