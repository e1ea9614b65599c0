"""The change feed: recording events, giving them positions, and showing them to a client.

Why positions are given after commit. A sequence value taken at insert would be handed out in
the order transactions *start writing*, not the order they *commit*: a slow transaction with
position 7 commits after a fast one with 8, and a client that has read 8 never sees 7. So an
event is written without a position, inside the transaction of its change, and `sequence()`
numbers committed events later, one run at a time under a lock held until its commit
(PostgreSQL: an advisory transaction lock; SQLite: its single writer). A run sees only
committed events and numbers them above every position given before, and a reader sees a
whole run or none of it: once a client has read position P, every event it has not seen gets
a position above P. Clients read only positioned events, so none is skipped or repeated.

Order within one certificate or officer (its *subject*) never depends on a host's clock: an
event is recorded under the subject's row lock (`record` takes it), and its `subject_rank`
(one more than the subject's events so far) is counted under it, so a subject's next event is
counted only once the transaction of its last one has committed; a run numbers each subject's
events in rank order (`feed_order`).

Runs happen right after each commit that recorded events, before each feed read, and from
`manage.py deliver_events`; running when there is nothing to number costs one query.
"""

import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from units.models import AdministrativeUnit, tree_q

from .models import Delivery, OutboxEvent, Subscription

logger = logging.getLogger(__name__)

# The feed's lock for sequencing runs (any constant shared by every process).
SEQUENCE_LOCK = 0x4B4E5346  # "KNSF"
BATCH = 1000
# The version of the event body (`version`): 2 is the Standard Webhooks body.
VERSION = 2

Kind = OutboxEvent.Kind
# What a client sees of a move, depending on which side of it lies in its area.
MOVED_IN = "officer.moved_in"
MOVED_OUT = "officer.moved_out"
# Every type a client can receive (subscriptions filter on these).
CLIENT_TYPES = [
    *(kind.value for kind in Kind),
    MOVED_IN,
    MOVED_OUT,
]


def record(
    kind, *, subject, unit, data, occurred_at, certificate=None, officer=None, previous_unit=None
):
    """Write an event in the current transaction, the one of its change (refused outside a
    transaction: the change would commit without its event). Its position comes after commit.

    The subject's row (the certificate, else the officer) is locked before its events are
    counted. The change has usually locked it already by writing it, but the rank must not
    depend on every caller doing so: without the lock, two transactions recording for one
    subject would count the same rank, and the second would fail on the unique rank."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "feed.record() must run inside the transaction of the change it records."
        )
    row = certificate if certificate is not None else officer
    if row is not None:
        # NO KEY UPDATE (PostgreSQL): the lock the change's own UPDATE takes, which leaves rows
        # pointing to the subject free to be written (FOR UPDATE would deadlock a revocation,
        # whose event points to the officer, with an issue holding that officer).
        rows = type(row).objects.select_for_update(no_key=True).filter(pk=row.pk)
        list(rows.values_list("pk"))
    rank = (
        OutboxEvent.objects.filter(subject=subject).aggregate(rank=Max("subject_rank"))["rank"] or 0
    ) + 1
    event = OutboxEvent.objects.create(
        kind=kind,
        subject=subject,
        subject_rank=rank,
        certificate=certificate,
        officer=officer,
        unit=unit,
        previous_unit=previous_unit,
        payload=data,
        occurred_at=occurred_at,
    )
    transaction.on_commit(_sequence_after_commit, robust=True)
    return event


def _sequence_after_commit():
    sequence()


def sequence():
    """Number committed events without a position and fan them out into deliveries, queued
    once this commits; returns the ids of the deliveries created. Safe to call from anywhere,
    at any time. Whoever numbers an event queues its deliveries: when a feed read numbers an
    event before its own transaction's after-commit run does, that run finds nothing left."""
    created = _number_committed_events()
    if created:
        transaction.on_commit(lambda: _schedule(created), robust=True)
    return created


def _number_committed_events():
    created = []
    # Most calls (every feed read) find nothing to number: they take no lock.
    if not OutboxEvent.objects.filter(position__isnull=True).exists():
        return created
    while True:
        with transaction.atomic():
            _lock()
            # The lowest ranks first: a subject's earlier events always come in the same batch
            # as its later ones, or an earlier one.
            batch = list(
                OutboxEvent.objects.filter(position__isnull=True)
                .order_by("subject_rank", "created_at", "id")
                .select_related(None)[:BATCH]
            )
            if not batch:
                return created
            last = OutboxEvent.objects.aggregate(last=Max("position"))["last"] or 0
            for offset, event in enumerate(feed_order(batch), start=1):
                event.position = last + offset
            OutboxEvent.objects.bulk_update(batch, ["position"])
            created.extend(_fan_out(sorted(batch, key=lambda event: event.position)))
        if len(batch) < BATCH:
            return created


def feed_order(events):
    """The events in the order they were recorded, except that each subject's come in rank
    order: a subject's events take the places its events have in recording time, in rank
    order. Recording times come from the hosts' clocks, which may disagree; the rank, counted
    under the subject's row lock, cannot. Across subjects, recording time is the best guess of
    commit order there is (a renewal's superseded before its renewed)."""
    by_time = sorted(events, key=lambda event: (event.created_at, str(event.pk)))
    by_subject = {}
    for event in sorted(events, key=lambda event: event.subject_rank):
        by_subject.setdefault(event.subject, []).append(event)
    ranked = {subject: iter(subject_events) for subject, subject_events in by_subject.items()}
    return [next(ranked[event.subject]) for event in by_time]


def _lock():
    """Make this transaction the only sequencer until it commits."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEQUENCE_LOCK])
    elif connection.vendor == "sqlite":
        # SQLite's single writer, taken now, before reading: a transaction begun DEFERRED
        # (the project's settings begin IMMEDIATE, but this must not depend on them) would
        # read the same batch as another run and then fail to write ("database is locked").
        with connection.cursor() as cursor:
            cursor.execute("UPDATE procedure_system_outboxevent SET position = NULL WHERE 0")


# Who sees what -------------------------------------------------------------------------------


class Area:
    """A set of administrative units (each with everything under it), as unit ids."""

    def __init__(self, unit_ids):
        self.unit_ids = frozenset(unit_ids)

    @classmethod
    def of_units(cls, units):
        units = list(units)
        if not units:
            return cls(())
        query = Q(pk__in=[])
        for unit in units:
            query |= tree_q(unit)
        return cls(AdministrativeUnit.objects.filter(query).values_list("pk", flat=True))

    @classmethod
    def of_client(cls, client):
        return cls.of_units(client.units.all())

    def __contains__(self, unit_id):
        return unit_id in self.unit_ids

    def sees(self, event):
        return event.unit_id in self or event.previous_unit_id in self

    def q(self, prefix=""):
        """Events of this area, as a query."""
        ids = list(self.unit_ids)
        return Q(**{f"{prefix}unit_id__in": ids}) | Q(**{f"{prefix}previous_unit_id__in": ids})


class Everywhere(Area):
    """The whole country (the receiver configured in the environment)."""

    def __init__(self):
        super().__init__(())

    def __contains__(self, unit_id):
        return True

    def sees(self, event):
        return True

    def q(self, prefix=""):
        return Q()


def presented_kind(event, area):
    """The event's type as a client of this area sees it."""
    if event.kind != Kind.MOVED:
        return event.kind
    into, out_of = event.unit_id in area, event.previous_unit_id in area
    if into and not out_of:
        return MOVED_IN
    if out_of and not into:
        return MOVED_OUT
    return Kind.MOVED.value


def present(event, area):
    """The event's body for a client of this area: nothing outside the area is shown (the
    unit an officer moved to, for the province they left)."""
    kind = presented_kind(event, area)
    data = dict(event.payload)
    if event.kind == Kind.MOVED:
        if event.unit_id not in area:
            data["to_unit"] = None
            data["officer"] = {**data["officer"], "unit": None}
            data["certificates"] = []
        if event.previous_unit_id not in area:
            data["from_unit"] = None
    return {
        "id": str(event.pk),
        "type": kind,
        "version": VERSION,
        "position": event.position,
        "timestamp": event.occurred_at.isoformat(),
        "data": data,
    }


def legacy_body(body):
    """The version-2 body with the version-1 keys beside it (kept for one release)."""
    return {
        **body,
        "event": body["type"],
        "occurred_at": body["timestamp"],
        **{key: body["data"][key] for key in ("certificate", "officer") if key in body["data"]},
    }


def read(area, after=0, limit=100, types=None):
    """The area's events after a position, in feed order, as (bodies, next_after): what the
    pull API's /events answers. `next_after` is the last position read, or `after` when there
    was nothing new, so a client always has somewhere to resume from."""
    sequence()
    events = OutboxEvent.objects.filter(position__gt=after).filter(area.q()).order_by("position")
    if types:
        # moved_in and moved_out are both officer.moved in the feed; the presented type decides.
        stored = {Kind.MOVED.value if t in (MOVED_IN, MOVED_OUT) else t for t in types}
        events = events.filter(kind__in=stored)
    bodies, last = [], after
    # A move may be presented as a type the client did not ask for (moved_out when it wants
    # moved_in): it is left out, but next_after still passes it.
    for event in events[:limit]:
        last = event.position
        body = present(event, area)
        if not types or body["type"] in types:
            bodies.append(body)
    return bodies, last


# Fan-out -------------------------------------------------------------------------------------


def environment_subscription():
    """The receiver configured in the environment, when it is (its row is made on demand)."""
    if not (settings.PROCEDURE_SYSTEM_EVENTS_URL and settings.PROCEDURE_SYSTEM_SECRET):
        return None
    subscription, _created = Subscription.objects.get_or_create(
        client=None, defaults={"name": ENVIRONMENT_NAME}
    )
    return subscription


# The environment receiver's name in the admin: the setting that configures it.
ENVIRONMENT_NAME = "PROCEDURE_SYSTEM_EVENTS_URL"


def area_of(subscription):
    if subscription.is_environment:
        return Everywhere()
    units = list(subscription.units.all()) or list(subscription.client.units.all())
    area = Area.of_units(units)
    if subscription.units.exists():
        # Never wider than the client's own area, whatever was saved.
        area = Area(area.unit_ids & Area.of_client(subscription.client).unit_ids)
    return area


def receiving_subscriptions():
    """Subscriptions that get deliveries: active ones of active clients (a subscription
    disabled after failures keeps getting them, to send once it is enabled again)."""
    subscriptions = list(
        Subscription.objects.filter(is_active=True, client__isnull=False, client__is_active=True)
        .exclude(url="")
        .select_related("client")
    )
    environment = environment_subscription()
    if environment is not None and environment.is_active:
        subscriptions.append(environment)
    return subscriptions


def _new_delivery(subscription, event, kind, now):
    return Delivery(
        subscription=subscription,
        event=event,
        position=event.position,
        subject=event.subject,
        kind=kind,
        next_attempt_at=now,
    )


def _fan_out(events):
    subscriptions = [(s, area_of(s)) for s in receiving_subscriptions()]
    if not subscriptions:
        return []
    now = timezone.now()
    deliveries = []
    for subscription, area in subscriptions:
        wanted = set(subscription.event_types)
        for event in events:
            if not area.sees(event):
                continue
            kind = presented_kind(event, area)
            if wanted and kind not in wanted:
                continue
            deliveries.append(_new_delivery(subscription, event, kind, now))
    Delivery.objects.bulk_create(deliveries, batch_size=500)
    # Both databases give the new ids back (PostgreSQL, SQLite from 3.35).
    return [delivery.pk for delivery in deliveries]


def replay(subscription, after_position):
    """Deliver again every event after a position to one subscription (the admin's "replay
    since"): deliveries made pending again, missing ones created, all sent once the caller's
    transaction commits; returns how many. Only what the subscription receives today is
    replayed (its area and types now), whatever it received before."""
    sequence()
    area = area_of(subscription)
    wanted = set(subscription.event_types)
    now = timezone.now()
    events = (
        OutboxEvent.objects.filter(position__gt=after_position)
        .filter(area.q())
        .order_by("position")
    )
    existing = dict(
        Delivery.objects.filter(subscription=subscription, position__gt=after_position).values_list(
            "event_id", "pk"
        )
    )
    again, fresh = [], []
    for event in events.iterator(chunk_size=BATCH):
        kind = presented_kind(event, area)
        if wanted and kind not in wanted:
            continue
        if event.pk in existing:
            again.append(existing[event.pk])
        else:
            fresh.append(_new_delivery(subscription, event, kind, now))
    for start in range(0, len(again), BATCH):
        Delivery.objects.filter(pk__in=again[start : start + BATCH]).update(
            state=Delivery.State.PENDING, attempts=0, first_attempt_at=None, next_attempt_at=now
        )
    Delivery.objects.bulk_create(fresh, batch_size=500)
    ids = again + [delivery.pk for delivery in fresh]
    if ids:
        transaction.on_commit(lambda: _schedule(ids), robust=True)
    return len(ids)


def _schedule(delivery_ids):
    from .delivery import schedule_due

    schedule_due(delivery_ids)
