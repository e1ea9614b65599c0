"""Demo certificates: every completed demo enrolment in a certifying course has its certificate,
dated at the completion, and the demo CA exists to sign the PDFs."""

from django.conf import settings

from certification import demo_ca, issuing
from courses.models import Enrolment

from .accounts import demo_officers
from .catalogue import LEARNER_ACCOUNT


def seed_certificates():
    """Issue the missing certificates of demo officers (idempotent); returns how many."""
    usernames = [LEARNER_ACCOUNT] + [row[0] for row in demo_officers()]
    count = issuing.issue_for_completions(
        Enrolment.objects.filter(officer__user__username__in=usernames)
    )
    issuing.expire_due()
    return count


def ensure_demo_ca():
    """The demo CA, unless the settings name a real signing certificate; returns its directory
    or None."""
    if settings.CERTIFICATE_SIGNING_KEY:
        return None
    demo_ca.create()
    return demo_ca.directory()
