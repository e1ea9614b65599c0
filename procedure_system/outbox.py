"""What goes into the change feed: certificate and officer changes, recorded with the change.

`record_certificate_change` and `record_officer_change` subscribe to certification's and the
officers' events (ProcedureSystemConfig.ready), which are told inside the transaction that
makes the change: if it rolls back, the event never existed; once it commits, the event gets
its feed position and is delivered (feed.py, delivery.py).
"""

from django.conf import settings
from django.urls import reverse

from certification import events as certificate_events
from certification.models import Certificate
from officers import events as officer_events

from . import feed
from .models import OutboxEvent

Kind = OutboxEvent.Kind

# certification's change → the event's type.
CERTIFICATE_KINDS = {
    certificate_events.ISSUED: Kind.ISSUED,
    certificate_events.RENEWED: Kind.RENEWED,
    certificate_events.SUPERSEDED: Kind.SUPERSEDED,
    certificate_events.REVOKED: Kind.REVOKED,
    certificate_events.EXPIRED: Kind.EXPIRED,
}
OFFICER_KINDS = {
    officer_events.ACCOUNT_LINKED: Kind.ACCOUNT_LINKED,
    officer_events.ACCOUNT_CONFIRMED: Kind.ACCOUNT_CONFIRMED,
    officer_events.ACCOUNT_UNLINKED: Kind.ACCOUNT_UNLINKED,
    officer_events.MOVED: Kind.MOVED,
}


def unit_data(unit):
    return {"code": unit.code, "name": unit.name} if unit else None


def officer_data(officer, unit=None):
    """What the procedure system needs of an officer, no more personal data."""
    return {
        "id": officer.pk,
        "full_name": officer.full_name,
        "procedure_account": officer.procedure_account or None,
        "unit": unit_data(unit or officer.unit),
    }


def certificate_data(certificate):
    return {
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
    }


def record_certificate_change(change, certificate):
    """Subscriber of certification's events."""
    officer = certificate.officer
    return feed.record(
        CERTIFICATE_KINDS[change],
        subject=f"certificate:{certificate.pk}",
        unit=officer.unit,
        data={"certificate": certificate_data(certificate), "officer": officer_data(officer)},
        occurred_at=certificate.status_changed_at,
        certificate=certificate,
        officer=officer,
    )


def record_officer_change(change):
    """Subscriber of the officers' events (an officer_events.Change)."""
    officer = change.officer
    data = {"officer": officer_data(officer)}
    previous_unit = None
    if change.kind == officer_events.MOVED:
        previous_unit = change.previous_unit
        data["from_unit"] = unit_data(previous_unit)
        data["to_unit"] = unit_data(officer.unit)
        # What the area the officer joins needs to know of them at once.
        data["certificates"] = [
            {"code": code, "status": status, "course_id": course_id}
            for code, status, course_id in Certificate.objects.filter(officer=officer)
            .order_by("issued_at", "pk")
            .values_list("code", "status", "course_id")
        ]
    else:
        data["account"] = change.account
    return feed.record(
        OFFICER_KINDS[change.kind],
        subject=f"officer:{officer.pk}",
        unit=officer.unit,
        previous_unit=previous_unit,
        data=data,
        occurred_at=change.at,
        officer=officer,
    )
