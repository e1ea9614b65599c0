"""The transactional outbox: certificate events recorded with the change they describe.

`record_certificate_change` subscribes to certification's events (ProcedureSystemConfig.ready),
which are told inside the transaction that changes the certificate: if that transaction rolls
back, the event never existed; once it commits, the event waits in the outbox until a worker
has delivered it (see delivery.py).
"""

import uuid

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from certification import events

from .models import OutboxEvent

# certification's change → the event the procedure system is sent.
KINDS = {
    events.ISSUED: OutboxEvent.Kind.ISSUED,
    events.RENEWED: OutboxEvent.Kind.RENEWED,
    events.REVOKED: OutboxEvent.Kind.REVOKED,
    events.EXPIRED: OutboxEvent.Kind.EXPIRED,
}


def certificate_payload(kind, certificate):
    """The event's JSON body: what the procedure system needs, no more personal data."""
    officer = certificate.officer
    return {
        "event": kind,
        "certificate": {
            "code": certificate.code,
            "status": certificate.status,
            "course": {"id": certificate.course_id, "title": certificate.course_title},
            "skills": certificate.skills,
            "issued_at": certificate.issued_at.isoformat(),
            "expires_at": certificate.expires_at.isoformat() if certificate.expires_at else None,
            "revocation_reason": certificate.revocation_reason or None,
            "renews": certificate.renewal_of.code if certificate.renewal_of_id else None,
            "verify_url": settings.PUBLIC_BASE_URL
            + reverse("certificate_verify", args=[certificate.code]),
        },
        "officer": {
            "id": officer.pk,
            "full_name": officer.full_name,
            "procedure_account": officer.procedure_account or None,
            "unit": {"code": officer.unit.code, "name": officer.unit.name},
        },
    }


def record_certificate_change(change, certificate):
    """Subscriber of certification's events."""
    return record(KINDS[change], certificate)


def record(kind, certificate):
    event_id = uuid.uuid4()
    payload = {
        "id": str(event_id),
        "occurred_at": certificate.status_changed_at.isoformat(),
        **certificate_payload(kind, certificate),
    }
    event = OutboxEvent.objects.create(
        id=event_id, kind=kind, certificate=certificate, payload=payload
    )
    transaction.on_commit(lambda: _deliver_soon(event.pk))
    return event


def _deliver_soon(event_id):
    from .delivery import schedule_delivery

    schedule_delivery(event_id)
