"""Existing outbox events join the feed: positions in the order they were recorded, their
certificate as subject, the version-1 body's time and data kept as the event's data; the receiver
configured in the environment gets a delivery for each, delivered ones kept as delivered and
the rest pending again (with the new, longer retry schedule)."""

from collections import defaultdict

from django.db import migrations
from django.utils.dateparse import parse_datetime

ENVIRONMENT_NAME = "PROCEDURE_SYSTEM_EVENTS_URL"


def fill(apps, schema_editor):
    OutboxEvent = apps.get_model("procedure_system", "OutboxEvent")
    Subscription = apps.get_model("procedure_system", "Subscription")
    Delivery = apps.get_model("procedure_system", "Delivery")
    events = list(
        OutboxEvent.objects.select_related("certificate__officer").order_by("created_at", "id")
    )
    if not events:
        return
    subscription, _created = Subscription.objects.get_or_create(
        client=None, defaults={"name": ENVIRONMENT_NAME}
    )
    ranks = defaultdict(int)
    deliveries = []
    for position, event in enumerate(events, start=1):
        certificate = event.certificate
        event.subject = f"certificate:{event.certificate_id}" if certificate else f"event:{event.pk}"
        ranks[event.subject] += 1
        event.subject_rank = ranks[event.subject]
        event.position = position
        payload = event.payload or {}
        # The change's own time, as the version-1 body told it (the recording time if not).
        event.occurred_at = parse_datetime(payload.get("occurred_at") or "") or event.created_at
        if certificate is not None:
            event.officer_id = certificate.officer_id
            event.unit_id = certificate.officer.unit_id
        event.payload = {key: payload[key] for key in ("certificate", "officer") if key in payload}
        delivered = event.state == "delivered"
        deliveries.append(
            Delivery(
                subscription=subscription,
                event=event,
                position=position,
                subject=event.subject,
                kind=event.kind,
                state="delivered" if delivered else "pending",
                attempts=event.attempts if delivered else 0,
                last_attempt_at=event.last_attempt_at,
                last_status=event.last_status,
                last_error=event.last_error,
                delivered_at=event.delivered_at,
                next_attempt_at=event.next_attempt_at,
            )
        )
    OutboxEvent.objects.bulk_update(
        events,
        ["subject", "subject_rank", "position", "occurred_at", "officer", "unit", "payload"],
        batch_size=500,
    )
    Delivery.objects.bulk_create(deliveries, batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("procedure_system", "0002_feed_and_subscriptions"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
