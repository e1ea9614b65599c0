"""Upgrading a database with version-1 outbox events (procedure_system 0001) to the feed: each
event keeps its id and time, gets its position in recording order, its certificate as subject
(ranked in order), its officer's unit, the version-1 body's data; the receiver configured in the
environment gets a delivery for each, delivered ones staying delivered and the rest pending.
"""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from certification.models import Certificate
from procedure_system.models import Delivery, OutboxEvent, Subscription
from tests.courses.pages import make_course
from tests.procedure_system.helpers import certify, officer_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("procedure_system", "0001_initial")]
T0 = timezone.now().replace(microsecond=0) - dt.timedelta(days=10)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def old_body(kind, certificate, event_id, occurred_at):
    officer = certificate.officer
    return {
        "id": str(event_id),
        "event": kind,
        "occurred_at": occurred_at.isoformat(),
        "certificate": {"code": certificate.code, "status": certificate.status},
        "officer": {"id": officer.pk, "full_name": officer.full_name},
    }


def test_version_1_events_join_the_feed_with_their_deliveries(dien_bien):
    course = make_course("Chữ ký số", lessons=1, slug_prefix="migration")
    na_sang, muong_tung = officer_in("03172"), officer_in("03181")
    first = certify(na_sang, course)
    second = certify(muong_tung, course, status=Certificate.Status.REVOKED)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("procedure_system")

    old_apps = migrate(BEFORE)
    OldEvent = old_apps.get_model("procedure_system", "OutboxEvent")
    rows = [
        # (certificate, kind, state, minutes after T0): recorded out of id order on purpose.
        (first, "certificate.issued", "delivered", 0),
        (second, "certificate.issued", "delivered", 1),
        (first, "certificate.renewed", "failed", 2),
        (second, "certificate.revoked", "pending", 3),
    ]
    ids = []
    for certificate, kind, state, minutes in rows:
        event_id = uuid.uuid4()
        created = T0 + dt.timedelta(minutes=minutes)
        occurred = created - dt.timedelta(seconds=30)  # the change, a little before its record
        OldEvent.objects.create(
            id=event_id,
            kind=kind,
            certificate_id=certificate.pk,
            payload=old_body(kind, certificate, event_id, occurred),
            created_at=created,
            state=state,
            attempts=1 if state == "delivered" else 10,
            delivered_at=created if state == "delivered" else None,
            last_status=200 if state == "delivered" else 503,
        )
        ids.append(event_id)

    migrate(latest)

    events = list(OutboxEvent.objects.order_by("position"))
    assert [e.pk for e in events] == ids
    assert [e.position for e in events] == [1, 2, 3, 4]
    assert [(e.subject, e.subject_rank) for e in events] == [
        (f"certificate:{first.pk}", 1),
        (f"certificate:{second.pk}", 1),
        (f"certificate:{first.pk}", 2),
        (f"certificate:{second.pk}", 2),
    ]
    assert [e.unit.code for e in events] == ["03172", "03181", "03172", "03181"]
    assert [e.officer_id for e in events] == [na_sang.pk, muong_tung.pk, na_sang.pk, muong_tung.pk]
    assert events[0].occurred_at == T0 - dt.timedelta(seconds=30)
    # The data as it was sent; the version-1 envelope (id, event, occurred_at) is the body's now.
    assert events[0].payload == {
        "certificate": {"code": first.code, "status": "valid"},
        "officer": {"id": na_sang.pk, "full_name": na_sang.full_name},
    }

    environment = Subscription.objects.get(client=None)
    deliveries = list(Delivery.objects.order_by("position"))
    assert {d.subscription for d in deliveries} == {environment}
    assert [(d.position, d.state, d.attempts) for d in deliveries] == [
        (1, "delivered", 1),
        (2, "delivered", 1),
        (3, "pending", 0),
        (4, "pending", 0),
    ]
    assert [d.kind for d in deliveries] == [kind for _c, kind, _s, _m in rows]
    assert [d.subject for d in deliveries] == [e.subject for e in events]
