"""Issuing at the same moment on PostgreSQL: two completions of one course by one officer (two
browser tabs, a retried request) give one certificate, never an error; two renewals give one
renewal; a revocation and a renewal of the same expired certificate agree with the feed.

SQLite serialises writers, so this is about PostgreSQL's row locks; CI runs it there.
"""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.utils import timezone

from certification import issuing
from certification.models import Certificate
from procedure_system import feed
from procedure_system.models import OutboxEvent

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-lock concurrency needs PostgreSQL"
    ),
]

TOGETHER = 6


def run_together(jobs):
    """Run the callables at the same moment, each on its own database connection."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        try:
            barrier.wait()
            return job()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def events_of(certificate):
    feed.sequence()
    return list(
        OutboxEvent.objects.filter(certificate=certificate)
        .order_by("position")
        .values_list("kind", flat=True)
    )


def test_simultaneous_issues_give_one_valid_certificate(holder, course):
    results = run_together([lambda: issuing.issue(holder, course)] * TOGETHER)

    assert len({certificate.pk for certificate in results}) == 1
    assert Certificate.objects.filter(officer=holder, course=course).count() == 1
    assert events_of(results[0]) == ["certificate.issued"]


def test_simultaneous_renewals_give_one_renewal(holder, course):
    old = issuing.issue(holder, course, at=timezone.now() - dt.timedelta(days=800))

    results = run_together([lambda: issuing.issue(holder, course)] * TOGETHER)

    assert len({certificate.pk for certificate in results}) == 1
    [valid] = Certificate.objects.filter(officer=holder, course=course, status="valid")
    assert valid.renewal_of == old
    old.refresh_from_db()
    assert old.status == Certificate.Status.SUPERSEDED
    assert events_of(old) == [
        "certificate.issued",
        "certificate.expired",
        "certificate.superseded",
    ]
    assert events_of(valid) == ["certificate.renewed"]


def test_a_revocation_and_a_renewal_of_one_expired_certificate_agree_with_the_feed(
    holder, course, administrator
):
    for _round in range(5):
        old = issuing.issue(holder, course, at=timezone.now() - dt.timedelta(days=800))
        issuing.expire_due()
        run_together(
            [
                lambda old=old: issuing.revoke(old, administrator, "Cấp nhầm"),
                lambda: issuing.issue(holder, course),
            ]
        )
        old.refresh_from_db()
        # Either the revocation came first (the new certificate is then not its renewal), or
        # the renewal did and the superseded certificate was revoked after.
        [new] = Certificate.objects.filter(officer=holder, course=course, status="valid")
        expected = ["certificate.issued", "certificate.expired"]
        if new.renewal_of_id == old.pk:
            expected += ["certificate.superseded", "certificate.revoked"]
        else:
            expected += ["certificate.revoked"]
        assert events_of(old) == expected
        assert old.status == Certificate.Status.REVOKED
        issuing.revoke(new, administrator, "Dọn")
