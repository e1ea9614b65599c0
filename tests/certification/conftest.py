"""Certificates: a certifying course, officers who complete it, and a signing CA made per test
session in a temporary directory (with `cryptography`, offline)."""

import pytest
from django.test import Client

from certification import demo_ca
from courses.models import SkillTag
from officers import roles
from tests.courses.pages import make_course
from tests.courses.reading import read
from tests.factories import PASSWORD, OfficerFactory, officer_with_role
from units.models import AdministrativeUnit

OFFICER_NAME = "Lò Văn Cán"
COURSE_TITLE = "Chữ ký số chuyên dùng công vụ"
SKILLS = ["IU01", "IU06"]


@pytest.fixture(scope="session")
def signing_ca(tmp_path_factory):
    return demo_ca.create(tmp_path_factory.mktemp("signing-ca"))


@pytest.fixture(autouse=True)
def signing_settings(settings, signing_ca):
    settings.CERTIFICATE_SIGNING_KEY = str(signing_ca.key)
    settings.CERTIFICATE_SIGNING_CERT = str(signing_ca.cert)
    settings.CERTIFICATE_SIGNING_CHAIN = str(signing_ca.chain)
    settings.CERTIFICATE_SIGNING_KEY_PASSWORD = ""
    settings.CERTIFICATE_SIGNING_CRLS = ",".join(str(path) for path in signing_ca.crls)
    settings.CERTIFICATE_SIGNING_OCSP = ""
    settings.CERTIFICATE_TSA_URL = settings.CERTIFICATE_TSA_CHAIN = ""
    settings.PUBLIC_BASE_URL = "https://kynangso.example.vn"
    return settings


@pytest.fixture
def course(db):
    course = make_course(COURSE_TITLE, lessons=2, slug_prefix="cks")
    course.issues_certificate = True
    course.certificate_valid_months = 24
    course.skill_tags.set(SkillTag.objects.filter(code__in=SKILLS))
    course.save()
    return course


def complete(officer, course):
    """Complete the course the way a learner does: every lesson marked done."""
    enrolment = None
    for lesson in course.lessons():
        enrolment = read(officer, lesson)
    assert enrolment.completed_at is not None
    return enrolment


@pytest.fixture
def holder(learner):
    """The learner of Xã Na Sang, by the name the PDF must show."""
    officer = learner.officer
    officer.full_name = OFFICER_NAME
    officer.save()
    return officer


@pytest.fixture
def certificate(holder, course):
    complete(holder, course)
    return holder.certificates.get()


@pytest.fixture
def other_learner(dien_bien):
    return officer_with_role(roles.LEARNER, "03172", username="hocvien2.nasang").user


@pytest.fixture
def muong_tung_officer(dien_bien):
    return OfficerFactory(
        full_name="Quàng Thị Hoa",
        unit=AdministrativeUnit.objects.current().get(code="03181"),
    )


def client_for(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def tsa(settings, tmp_path_factory):
    """A local RFC 3161 time-stamping authority (its own demo CA), the one the PDFs use."""
    from certification.tsa_simulator import TimeStampSimulator

    simulator = TimeStampSimulator(tmp_path_factory.mktemp("tsa")).start()
    settings.CERTIFICATE_TSA_URL = simulator.url
    settings.CERTIFICATE_TSA_CHAIN = str(simulator.root)
    yield simulator
    simulator.stop()
