"""Issuing, renewing, revoking and expiring certificates.

Every change is logged on the certificate and told to certification's subscribers
(certification/events.py: the procedure system's outbox) in the same transaction, so the
procedure system hears of each one exactly as it was recorded.

A certificate is issued when a course is completed: `on_course_completed` subscribes to the
course-completion event (courses/events.py) in CertificationConfig.ready().
"""

import calendar
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

import audit
from audit.models import Action
from officers.models import Officer

from . import events
from .models import Certificate, CertificateIssuer, CertificateLogEntry


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later; the 31st becomes the month's last day when it has none."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def on_course_completed(enrolment):
    """Subscriber of the course-completion event: a certifying course issues (or renews) the
    officer's certificate, dated at the completion."""
    if enrolment.course.issues_certificate:
        issue(enrolment.officer, enrolment.course, at=enrolment.completed_at)


def issue_for_completions(enrolments):
    """Issue a certificate, dated at the completion, for each completed enrolment (of the given
    queryset) in a certifying course that has no certificate yet; returns how many (e.g.
    completions recorded before a course was made to issue certificates)."""
    pending = (
        enrolments.filter(completed_at__isnull=False, course__issues_certificate=True)
        .exclude(
            Exists(
                Certificate.objects.filter(officer=OuterRef("officer"), course=OuterRef("course"))
            )
        )
        .select_related("officer", "course")
        .order_by("completed_at", "pk")
    )
    count = 0
    for enrolment in pending:
        issue(enrolment.officer, enrolment.course, at=enrolment.completed_at)
        count += 1
    return count


def latest_certificates(officer, course=None):
    """The officer's latest certificate for each course (by course id), revoked ones left out
    (one query); only the given course's when there is one."""
    if officer is None:
        return {}
    certificates = Certificate.objects.filter(officer=officer)
    if course is not None:
        certificates = certificates.filter(course=course)
    certificates = (
        certificates.exclude(status=Certificate.Status.REVOKED)
        .order_by("issued_at", "pk")
        .only("code", "course_id", "status", "expires_at", "issued_at")
    )
    return {certificate.course_id: certificate for certificate in certificates}


def may_renew(officer, course, now=None, certificates=None):
    """Whether the officer may take the course again to renew its certificate: the course
    issues certificates and the officer's latest one for it is due for renewal
    (Certificate.renewal_due). A revoked certificate is not renewed this way.

    `certificates`: latest_certificates(officer), when the caller has it already.
    """
    if officer is None or not course.issues_certificate:
        return False
    if certificates is None:
        certificates = latest_certificates(officer, course)
    latest = certificates.get(course.pk)
    return (
        latest is not None
        and latest.status in (Certificate.Status.VALID, Certificate.Status.EXPIRED)
        and latest.renewal_due(now)
    )


@transaction.atomic
def issue(officer, course, at=None):
    """The officer's certificate for the course: the one in force, or a new one.

    A completion after the previous certificate expired, or when it is due for renewal
    (Certificate.renewal_due: within RENEWAL_WINDOW of its expiry), renews it: the new
    certificate points to the old one, which is marked superseded.
    """
    at = at or timezone.now()
    # One issue per officer at a time: two completions of the same course at once would both
    # find no valid certificate and both create one (the second breaking the one-valid rule).
    # NO KEY UPDATE (PostgreSQL): rows that only point to the officer (a revocation's feed
    # event, written while it holds the certificate this issue waits for) can still be written;
    # a plain FOR UPDATE would have both wait for each other (a deadlock).
    Officer.objects.select_for_update(no_key=True).filter(pk=officer.pk).first()
    valid = (
        Certificate.objects.select_for_update()
        .filter(officer=officer, course=course, status=Certificate.Status.VALID)
        .first()
    )
    if valid and not valid.renewal_due(at):
        return valid
    if valid:
        if not valid.is_in_force(at):
            expire(valid, at=valid.expires_at)
        previous = valid
    else:
        # Locked like the valid one: a revocation of it at the same moment either comes first
        # (it is then no longer expired, and not renewed) or waits for the renewal.
        previous = (
            Certificate.objects.select_for_update()
            .filter(officer=officer, course=course, status=Certificate.Status.EXPIRED)
            .order_by("-issued_at", "-pk")
            .first()
        )
    if previous:
        # Before the new one exists: only one certificate per course may be valid.
        _change(previous, Certificate.Status.SUPERSEDED, CertificateLogEntry.Action.SUPERSEDED, at)
        events.certificate_changed(events.SUPERSEDED, previous)
    certificate = Certificate.objects.create(
        officer=officer,
        course=course,
        course_title=course.title,
        skills=[{"code": tag.code, "name": tag.name} for tag in course.skill_tags.all()],
        issued_at=at,
        expires_at=add_months(at, course.certificate_valid_months)
        if course.certificate_valid_months
        else None,
        status_changed_at=at,
        renewal_of=previous,
        issuer=issuer_of(officer),
    )
    if previous:
        _log(certificate, CertificateLogEntry.Action.RENEWED, at)
        events.certificate_changed(events.RENEWED, certificate)
    else:
        _log(certificate, CertificateLogEntry.Action.ISSUED, at)
        events.certificate_changed(events.ISSUED, certificate)
    return certificate


def issuer_of(officer):
    """Who issues and signs the officer's certificates now, as a certificate records it."""
    issuer = CertificateIssuer.objects.for_unit(officer.unit)
    return issuer.as_printed() if issuer else {}


@transaction.atomic
def revoke(certificate, actor, reason, at=None):
    """Withdraw a certificate (e.g. issued in error); the reason is kept in the log."""
    at = at or timezone.now()
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == Certificate.Status.REVOKED:
        return certificate
    certificate.revocation_reason = reason
    _change(
        certificate,
        Certificate.Status.REVOKED,
        CertificateLogEntry.Action.REVOKED,
        at,
        actor=actor,
        reason=reason,
    )
    events.certificate_changed(events.REVOKED, certificate)
    audit.record(
        actor,
        Action.CERTIFICATE_REVOKED,
        target=certificate,
        unit=certificate.officer.unit,
        officer=certificate.officer.full_name,
        course=certificate.course_title,
        reason=reason,
    )
    return certificate


@transaction.atomic
def expire(certificate, at=None):
    at = at or timezone.now()
    _change(certificate, Certificate.Status.EXPIRED, CertificateLogEntry.Action.EXPIRED, at)
    events.certificate_changed(events.EXPIRED, certificate)
    return certificate


def expire_due(now=None):
    """Record the expiry of every certificate past its date (run periodically); returns how
    many expired."""
    now = now or timezone.now()
    due = Certificate.objects.past_expiry(now)
    count = 0
    for pk in due.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            certificate = (
                Certificate.objects.select_for_update()
                .filter(pk=pk, status=Certificate.Status.VALID)
                .first()
            )
            if certificate:
                expire(certificate, at=certificate.expires_at)
                count += 1
    return count


def _change(certificate, status, action, at, actor=None, reason=""):
    certificate.status = status
    certificate.status_changed_at = at
    certificate.save(
        update_fields=["status", "status_changed_at", "revocation_reason", "updated_at"]
    )
    _log(certificate, action, at, actor=actor, reason=reason)


def _log(certificate, action, at, actor=None, reason=""):
    CertificateLogEntry.objects.create(
        certificate=certificate, action=action, at=at, actor=actor, reason=reason
    )
