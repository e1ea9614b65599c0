"""Issuing through real course completion, renewal, revocation, expiry, and their audit log."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from certification import issuing
from certification.models import Certificate, CertificateLogEntry
from courses.models import CoursePage, Enrolment
from procedure_system.models import OutboxEvent
from tests.factories import OfficerFactory

from .conftest import COURSE_TITLE, SKILLS, complete

pytestmark = pytest.mark.django_db

Status = Certificate.Status
Action = CertificateLogEntry.Action


def actions(certificate):
    return list(certificate.log_entries.values_list("action", flat=True))


def test_completing_a_certifying_course_issues_a_certificate(holder, course):
    enrolment = complete(holder, course)

    certificate = Certificate.objects.get(officer=holder, course=course)
    assert certificate.status == Status.VALID
    assert certificate.issued_at == enrolment.completed_at
    assert certificate.expires_at == issuing.add_months(enrolment.completed_at, 24)
    assert certificate.course_title == COURSE_TITLE
    assert [skill["code"] for skill in certificate.skills] == SKILLS
    assert certificate.code.startswith("KNS-") and len(certificate.code) == 13
    assert actions(certificate) == [Action.ISSUED]
    assert OutboxEvent.objects.filter(
        certificate=certificate, kind=OutboxEvent.Kind.ISSUED
    ).exists()


def test_a_course_that_does_not_certify_issues_nothing(holder, course):
    course.issues_certificate = False
    course.save()
    complete(holder, course)
    assert not Certificate.objects.exists()


def test_the_certificate_keeps_the_course_title_it_was_issued_with(certificate, course):
    course.title = "Tên mới của khóa học"
    course.save()
    certificate.refresh_from_db()
    assert certificate.course_title == COURSE_TITLE


def test_issuing_again_while_in_force_returns_the_same_certificate(certificate, holder, course):
    assert issuing.issue(holder, course) == certificate
    assert Certificate.objects.count() == 1


def test_completing_after_expiry_renews_and_supersedes_the_old_certificate(holder, course):
    long_ago = timezone.now() - timedelta(days=800)
    old = issuing.issue(holder, course, at=long_ago)
    assert issuing.expire_due() == 1

    new = issuing.issue(holder, course)

    old.refresh_from_db()
    assert old.status == Status.SUPERSEDED
    assert new.renewal_of == old and new.status == Status.VALID and new.code != old.code
    assert actions(old) == [Action.ISSUED, Action.EXPIRED, Action.SUPERSEDED]
    assert actions(new) == [Action.RENEWED]
    assert OutboxEvent.objects.filter(certificate=new, kind=OutboxEvent.Kind.RENEWED).exists()


def test_a_renewal_before_the_expiry_task_ran_expires_the_old_one_on_its_date(holder, course):
    old = issuing.issue(holder, course, at=timezone.now() - timedelta(days=800))

    new = issuing.issue(holder, course)

    old.refresh_from_db()
    assert old.status == Status.SUPERSEDED and new.renewal_of == old
    expired = old.log_entries.get(action=Action.EXPIRED)
    assert expired.at == old.expires_at


def test_revoking_records_who_why_and_when(certificate, administrator):
    issuing.revoke(certificate, administrator, "Cấp nhầm: học viên chưa làm bài kiểm tra.")

    certificate.refresh_from_db()
    assert certificate.status == Status.REVOKED
    assert certificate.revocation_reason == "Cấp nhầm: học viên chưa làm bài kiểm tra."
    entry = certificate.log_entries.get(action=Action.REVOKED)
    assert entry.actor == administrator
    assert entry.reason == "Cấp nhầm: học viên chưa làm bài kiểm tra."
    assert OutboxEvent.objects.filter(
        certificate=certificate, kind=OutboxEvent.Kind.REVOKED
    ).exists()

    # Revoking twice changes nothing.
    issuing.revoke(certificate, administrator, "Lần hai")
    assert certificate.log_entries.filter(action=Action.REVOKED).count() == 1


def test_expire_due_expires_only_certificates_past_their_date(holder, course, dien_bien):
    other = OfficerFactory()
    due = issuing.issue(holder, course, at=timezone.now() - timedelta(days=800))
    fresh = issuing.issue(other, course)

    assert issuing.expire_due() == 1
    assert issuing.expire_due() == 0

    due.refresh_from_db()
    fresh.refresh_from_db()
    assert due.status == Status.EXPIRED and due.status_changed_at == due.expires_at
    assert fresh.status == Status.VALID


def test_a_certificate_without_expiry_never_expires(holder, course):
    course.certificate_valid_months = None
    course.save()
    certificate = issuing.issue(holder, course, at=timezone.now() - timedelta(days=5000))
    assert certificate.expires_at is None
    assert issuing.expire_due() == 0
    assert certificate.effective_status == Status.VALID


def test_a_valid_certificate_past_its_date_shows_as_expired_before_the_task_runs(holder, course):
    certificate = issuing.issue(holder, course, at=timezone.now() - timedelta(days=800))
    assert certificate.status == Status.VALID
    assert certificate.effective_status == Status.EXPIRED


def test_the_expire_certificates_command(holder, course):
    issuing.issue(holder, course, at=timezone.now() - timedelta(days=800))
    out = StringIO()
    call_command("expire_certificates", stdout=out)
    assert out.getvalue().startswith("1 ")
    assert Certificate.objects.get().status == Status.EXPIRED


def test_completions_before_a_course_certified_are_issued_afterwards_dated_at_completion(
    holder, course
):
    CoursePage.objects.filter(pk=course.pk).update(issues_certificate=False)
    enrolment = complete(holder, course)
    assert not Certificate.objects.exists()
    completed = timezone.now() - timedelta(days=10)
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=completed)
    CoursePage.objects.filter(pk=course.pk).update(issues_certificate=True)

    assert issuing.issue_for_completions(Enrolment.objects.all()) == 1
    assert issuing.issue_for_completions(Enrolment.objects.all()) == 0

    certificate = Certificate.objects.get()
    assert certificate.issued_at == completed
    assert certificate.expires_at == issuing.add_months(completed, 24)


def test_a_certificate_points_to_the_set_of_codes_its_skills_list_shared_with_its_likes(
    certificate, holder, course
):
    assert certificate.skill_codes.codes == " ".join(sorted(SKILLS))
    # A certificate listing the same codes (whatever their names and order) shares the set …
    twin = Certificate.objects.create(
        officer=holder,
        course=course,
        course_title=COURSE_TITLE,
        status=Certificate.Status.REVOKED,
        skills=[{"code": code, "name": "?"} for code in reversed(sorted(SKILLS))],
        issued_at=timezone.now(),
    )
    assert twin.skill_codes_id == certificate.skill_codes_id
    # … and one whose skills are corrected follows them.
    twin.skills = [{"code": "IU01", "name": "Hiểu biết về CNTT cơ bản"}]
    twin.save(update_fields=["skills"])
    twin.refresh_from_db()
    assert twin.skill_codes.codes == "IU01"


def test_the_migration_points_existing_certificates_to_the_sets_their_skills_list(
    certificate, holder, course
):
    from importlib import import_module

    from django.apps import apps

    from certification.models import SkillCodes

    migration = import_module("certification.migrations.0004_skill_codes")
    wrong = SkillCodes.objects.create(codes="IU99")
    Certificate.objects.update(skill_codes=wrong)  # as if no set had been chosen yet

    migration.point_certificates_to_their_codes(apps, None)

    certificate.refresh_from_db()
    assert certificate.skill_codes.codes == " ".join(sorted(SKILLS))
