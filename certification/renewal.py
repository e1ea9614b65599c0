"""Taking a completed course again to renew its certificate: the renewal is certification's
rule (issuing.may_renew), the new round is an enrolment starting over.

Completing the new round renews the certificate through the completion event
(courses/events.py → issuing.on_course_completed → issuing.issue).
"""

from django.db import transaction
from django.utils import timezone

from courses.models import Enrolment

from .issuing import may_renew


class RenewalNotAllowed(Exception):
    pass


def may_take_again(officer, enrolment, now=None, certificates=None):
    """Whether the officer may take the enrolment's completed course again to renew its
    certificate. `certificates`: the officer's latest certificates by course
    (issuing.latest_certificates), when the caller has them already."""
    return enrolment.completed_at is not None and may_renew(
        officer, enrolment.course, now, certificates
    )


@transaction.atomic
def start_new_round(enrolment, now=None):
    """Take a completed course again to renew its certificate: the lessons, quizzes and
    exercises must be done again, and only work from now on counts.

    The deadline, met by the completed round, no longer applies. Raises RenewalNotAllowed
    unless the certificate is expired or due for renewal.
    """
    now = now or timezone.now()
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("officer", "course")
        .get(pk=enrolment.pk)
    )
    if not may_take_again(enrolment.officer, enrolment, now):
        raise RenewalNotAllowed
    enrolment.completed_at = None
    enrolment.round_started_at = now
    enrolment.last_lesson = None
    enrolment.deadline = None
    enrolment.save(update_fields=["completed_at", "round_started_at", "last_lesson", "deadline"])
    return enrolment
