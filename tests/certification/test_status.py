"""The certificate status rules at their home (certification.models): in force, expired,
expiring within the renewal window, and due for renewal, each said once for a query and once
for a single certificate, and the two agree at every boundary."""

from datetime import timedelta

import pytest
from django.utils import timezone

from certification.models import (
    RENEWAL_WINDOW,
    Certificate,
    expired_q,
    expiring_q,
    in_force_q,
)

pytestmark = pytest.mark.django_db

Status = Certificate.Status
DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)


def test_the_renewal_window_is_ninety_days():
    assert timedelta(days=90) == RENEWAL_WINDOW


@pytest.mark.parametrize(
    ("status", "expires_in", "in_force", "expired", "expiring", "renewal_due"),
    [
        (Status.VALID, None, True, False, False, False),
        (Status.VALID, 91 * DAY, True, False, False, False),
        (Status.VALID, 90 * DAY, True, False, True, True),  # the window's end is included
        (Status.VALID, MINUTE, True, False, True, True),
        (Status.VALID, timedelta(0), False, True, False, True),  # expires at this very moment
        (Status.VALID, -DAY, False, True, False, True),  # past its expiry, not yet recorded
        (Status.EXPIRED, -DAY, False, True, False, True),
        (Status.REVOKED, 400 * DAY, False, False, False, False),
        (Status.SUPERSEDED, 400 * DAY, False, False, False, False),
    ],
)
def test_a_query_and_a_single_certificate_agree_on_its_status(
    certificate, status, expires_in, in_force, expired, expiring, renewal_due
):
    now = timezone.now()
    Certificate.objects.filter(pk=certificate.pk).update(
        status=status, expires_at=None if expires_in is None else now + expires_in
    )
    certificate.refresh_from_db()
    this = Certificate.objects.filter(pk=certificate.pk)

    assert certificate.is_in_force(now) is in_force
    assert this.filter(in_force_q(now)).exists() is in_force
    assert this.in_force(now).exists() is in_force
    assert this.filter(expired_q(now)).exists() is expired
    assert this.past_expiry(now).exists() is (expired and status == Status.VALID)
    assert this.filter(expiring_q(now)).exists() is expiring
    assert certificate.renewal_due(now) is renewal_due
    # effective_status reads the clock itself: it is a moment later, still on the same side.
    assert (certificate.effective_status == Status.EXPIRED) is expired


def test_renewal_falls_due_exactly_when_the_window_opens(certificate):
    opens = certificate.expires_at - RENEWAL_WINDOW
    assert not certificate.renewal_due(opens - timedelta(seconds=1))
    assert certificate.renewal_due(opens)
    assert certificate.is_in_force(opens)
