"""Demo certificates. They are issued as in production: when a demo officer completes a course
(the passing attempt is submitted at a moment in the past), the completion is recorded at that
moment and certification issues the certificate dated at it. Here only what the command
reports, and the demo CA that signs the PDFs."""

from django.conf import settings

from certification import demo_ca
from certification.models import Certificate

from .accounts import demo_officers
from .catalogue import LEARNER_ACCOUNT


def demo_certificates():
    """The certificates of the demo officers and of the learner account."""
    usernames = [LEARNER_ACCOUNT] + [row[0] for row in demo_officers()]
    return Certificate.objects.filter(officer__user__username__in=usernames)


def ensure_demo_ca():
    """The demo CA, unless the settings name a real signing certificate; returns its directory
    or None."""
    if settings.CERTIFICATE_SIGNING_KEY:
        return None
    demo_ca.create()
    return demo_ca.directory()
