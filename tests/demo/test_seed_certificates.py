"""The demo: every completed demo enrolment has its certificate, dated at the completion."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Exists, OuterRef
from django.utils import translation

from certification import demo_ca
from certification.models import Certificate
from courses.models import CoursePage, Enrolment

pytestmark = pytest.mark.django_db


def test_seed_demo_issues_the_certificates_of_completed_courses_once(settings, tmp_path):
    settings.CERTIFICATE_SIGNING_KEY = settings.CERTIFICATE_SIGNING_CERT = ""
    settings.CERTIFICATE_SIGNING_CHAIN = ""
    settings.PRIVATE_ROOT = tmp_path
    settings.DEBUG = True  # the command seeds in development only

    with translation.override("vi"):  # the command activates Vietnamese; restore afterwards
        call_command("seed_demo", stdout=StringIO())

    assert CoursePage.objects.filter(issues_certificate=True).count() == 3
    assert set(CoursePage.objects.values_list("certificate_valid_months", flat=True)) == {24}
    completed = Enrolment.objects.filter(completed_at__isnull=False)
    assert completed.exists()
    without = completed.exclude(
        Exists(Certificate.objects.filter(officer=OuterRef("officer"), course=OuterRef("course")))
    )
    assert not without.exists()
    for certificate in Certificate.objects.all():
        enrolment = completed.get(officer=certificate.officer, course=certificate.course)
        assert certificate.issued_at == enrolment.completed_at
    assert demo_ca.exists()

    count = Certificate.objects.count()
    with translation.override("vi"):
        call_command("seed_demo", stdout=StringIO())
    assert Certificate.objects.count() == count
