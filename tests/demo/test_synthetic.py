"""The synthetic national dataset (demo/synthetic.py, `manage.py generate_synthetic`).

Small sizes here; the full size (140,000 officers, 3,321 communes) is run by `make bench`.
"""

import datetime
import hashlib
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Q

from assessments.models import Attempt
from certification.models import Certificate, CertificateLogEntry
from courses.models import Assignment, CoursePage, Enrolment, LessonCompletion, LessonVisit
from demo.synthetic import (
    COURSES,
    READING_RANGE,
    UNUSABLE_PASSWORD,
    SyntheticDataRefused,
    generate,
)
from officers import roles
from officers.models import JobPosition, Officer
from officers.names import sort_key
from reports import queries
from units.models import AdministrativeUnit

AS_OF = datetime.date(2026, 11, 1)
SLUGS = [spec.slug for spec in COURSES]


@pytest.fixture(scope="module")
def national(django_db_setup, django_db_blocker):
    """One dataset for the module, rolled back at its end (generating takes seconds)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate(officers=2000, communes=50, seed=1, today=AS_OF, lesson_sample=0.2)
        transaction.set_rollback(True)


@pytest.fixture
def dataset(national, db):
    return national


def completion_by_commune():
    rows = (
        Enrolment.objects.values("officer__unit")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(completed_at__isnull=False)))
        .values_list("n", "done")
    )
    return [done / n for n, done in rows]


def test_officers_are_spread_over_the_requested_communes_of_all_34_provinces(dataset):
    assert dataset.officers == Officer.objects.count() == 2000
    assert AdministrativeUnit.objects.current().communes().count() == 3321
    per_commune = Counter(Officer.objects.values_list("unit__code", flat=True))
    assert len(per_commune) == 50
    assert min(per_commune.values()) >= 25 and max(per_commune.values()) <= 60
    provinces = set(Officer.objects.values_list("unit__parent__code", flat=True))
    assert len(provinces) == 34 == dataset.provinces
    # Every commune has its People's Committee chair; every position is held somewhere.
    chairs = Officer.objects.filter(job_position__code="chu-tich").values("unit").distinct()
    assert chairs.count() == 50
    assert set(Officer.objects.values_list("job_position__code", flat=True)) >= set(
        JobPosition.objects.values_list("code", flat=True)
    )


def test_people_look_real_but_cannot_log_in_or_be_mailed(dataset):
    officers = list(Officer.objects.select_related("user"))
    assert all(o.sort_key == sort_key(o.full_name) for o in officers)
    assert all(len(o.full_name.split()) >= 3 for o in officers)
    assert sum(o.full_name.startswith("Nguyễn ") for o in officers) > 2000 * 0.2
    assert all(o.user.password == UNUSABLE_PASSWORD for o in officers)
    assert not any(o.user.has_usable_password() for o in officers[:10])
    assert all(o.email.endswith(".invalid") and not o.phone for o in officers)
    with_account = sum(bool(o.procedure_account) for o in officers)
    assert 0.65 < with_account / 2000 < 0.75 and with_account == dataset.procedure_accounts
    ids = [o.national_id for o in officers if o.national_id]
    assert len(ids) == len(set(ids)) and all(len(i) == 12 and i.isdigit() for i in ids)
    learners = get_user_model().objects.filter(groups__name=roles.LEARNER)
    assert learners.count() == 2000


def test_catalogue_enrolments_attempts_and_certificates(dataset):
    courses = CoursePage.objects.filter(slug__in=SLUGS).live()
    assert courses.count() == 12
    assert all(c.lessons().exists() and c.skill_tags.exists() for c in courses)
    assert courses.filter(issues_certificate=True).count() == 5
    assert all(c.required_for_positions.exists() for c in courses)

    enrolments = Enrolment.objects.all()
    assert dataset.enrolments == enrolments.count()
    assert 6 <= enrolments.count() / 2000 <= 8  # ≈ 1M for 140,000 officers
    assigned = enrolments.filter(source=Enrolment.Source.ASSIGNED)
    assert assigned.count() > 0.8 * enrolments.count()
    assert not assigned.filter(assignment__isnull=True, round_started_at__isnull=True).exists()
    assert Assignment.objects.count() == dataset.assignments
    assert not Assignment.objects.filter(created_at__date__gte=AS_OF).exists()
    assert not enrolments.filter(completed_at__date__gte=AS_OF).exists()
    assert dataset.overdue == enrolments.overdue(today=AS_OF).count() > 0
    assert dataset.completed == enrolments.filter(completed_at__isnull=False).count()

    # Every completion was earned: a passing, finished attempt at the course's quiz.
    attempts = Attempt.objects.all()
    assert dataset.attempts == attempts.count()
    assert set(attempts.values_list("state", flat=True)) == {Attempt.State.FINISHED}
    assert not attempts.filter(passed=True, percent__lt=80).exists()
    assert not attempts.filter(passed=False, percent__gte=80).exists()
    assert attempts.filter(passed=False).exists()
    completed = enrolments.filter(completed_at__isnull=False).select_related("course")
    passed = set(attempts.filter(passed=True).values_list("officer_id", "quiz__slug").distinct())
    assert all((e.officer_id, f"kiem-tra-{e.course.slug}") in passed for e in completed)

    # Certificates: one per completed enrolment in a certifying course, plus renewals.
    certificates = Certificate.objects.all()
    statuses = Counter(certificates.values_list("status", flat=True))
    assert set(statuses) == set(Certificate.Status.values)
    assert statuses == Counter(dataset.certificates)
    assert statuses[Certificate.Status.VALID] > sum(statuses.values()) / 2
    assert not certificates.filter(course__issues_certificate=False).exists()
    certified = completed.filter(course__issues_certificate=True)
    holders = set(certificates.values_list("officer_id", "course_id"))
    assert all((e.officer_id, e.course_id) in holders for e in certified)
    renewals = certificates.filter(renewal_of__isnull=False)
    assert renewals.count() == statuses[Certificate.Status.SUPERSEDED]
    assert not renewals.exclude(renewal_of__status=Certificate.Status.SUPERSEDED).exists()
    assert not certificates.filter(
        status=Certificate.Status.VALID, expires_at__date__lt=AS_OF
    ).exists()
    assert not certificates.filter(status=Certificate.Status.REVOKED, revocation_reason="").exists()
    assert CertificateLogEntry.objects.count() == dataset.certificate_log_entries
    assert CertificateLogEntry.objects.values("certificate").distinct().count() == sum(
        statuses.values()
    )

    # Lesson-by-lesson progress for a sample of communes only.
    completions = LessonCompletion.objects.all()
    assert dataset.lesson_completions == completions.count() > 0
    sampled = set(completions.values_list("officer__unit", flat=True))
    assert 0 < len(sampled) < 50


def test_every_lesson_done_has_the_time_spent_on_it(dataset):
    completions = LessonCompletion.objects.order_by()
    done = {(c.officer_id, c.lesson_id): c.completed_at for c in completions}
    visits = list(
        LessonVisit.objects.values_list(
            "officer_id", "lesson_id", "opened_at", "last_seen_at", "seconds_spent"
        )
    )
    assert len(visits) == len(done) > 0
    taking_again = set(
        Enrolment.objects.filter(round_started_at__isnull=False).values_list(
            "officer_id", flat=True
        )
    )
    high = READING_RANGE[1]
    for officer_id, lesson_id, opened_at, last_seen_at, seconds in visits:
        # Opened before it was done, last heard from when it was marked done.
        assert opened_at <= last_seen_at == done[(officer_id, lesson_id)]
        # In a first round the time counted fits between opening and done; a round taking the
        # course again adds the first round's time.
        if officer_id not in taking_again:
            assert seconds <= (last_seen_at - opened_at).total_seconds()
        assert 0 <= seconds <= 2 * high
    total = sum(seconds for *_rest, seconds in visits)
    assert dataset.seconds_spent == total
    assert 8 < total / len(visits) / 60 < 25  # lessons of about 20 minutes
    # The coverage report has time to show (to an administrator who is nobody's officer).
    administrator = get_user_model()(username="synthetic.admin", is_superuser=True)
    rows = queries.coverage_by_course(administrator)
    assert sum(row.officers_with_time for row in rows) > 0
    assert all(row.average_minutes is None or 3 < row.average_minutes < 200 for row in rows)


def test_provinces_and_communes_differ_so_reports_show_red_amber_and_green(dataset):
    rates = completion_by_commune()
    assert min(rates) < 0.4 and max(rates) > 0.7
    # Communes of one province differ too, some far behind the rest.
    by_province = (
        Enrolment.objects.values("officer__unit__parent__code")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(completed_at__isnull=False)))
        .values_list("n", "done")
    )
    province_rates = [done / n for n, done in by_province]
    assert max(province_rates) - min(province_rates) > 0.15
    overdue_by_commune = Counter(
        Enrolment.objects.overdue(today=AS_OF).values_list("officer__unit", flat=True)
    )
    assert len(overdue_by_commune) > 40


def digest():
    """The generated data by natural keys (never primary keys: sequences differ between runs)."""
    parts = [
        list(
            Officer.objects.order_by("user__username").values_list(
                "user__username",
                "full_name",
                "unit__code",
                "job_position__code",
                "national_id",
                "procedure_account",
            )
        ),
        list(
            Enrolment.objects.order_by("officer__user__username", "course__slug").values_list(
                "officer__user__username",
                "course__slug",
                "source",
                "enrolled_at",
                "deadline",
                "completed_at",
                "round_started_at",
            )
        ),
        list(
            Attempt.objects.order_by("officer__user__username", "quiz__slug", "number").values_list(
                "officer__user__username", "quiz__slug", "number", "percent", "submitted_at"
            )
        ),
        list(
            Certificate.objects.order_by("code").values_list(
                "code",
                "officer__user__username",
                "course__slug",
                "status",
                "issued_at",
                "expires_at",
                "renewal_of__code",
            )
        ),
        list(
            LessonCompletion.objects.order_by(
                "officer__user__username", "lesson__path"
            ).values_list("officer__user__username", "lesson__slug", "completed_at")
        ),
        list(
            LessonVisit.objects.order_by("officer__user__username", "lesson__path").values_list(
                "officer__user__username", "lesson__slug", "opened_at", "seconds_spent"
            )
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def generate_and_digest(seed):
    """Generate (added to whatever the database holds), digest, and roll back."""
    before = Officer.objects.count()
    with transaction.atomic():
        generate(officers=400, communes=12, seed=seed, today=AS_OF, lesson_sample=0.5, append=True)
        result = digest()
        transaction.set_rollback(True)
    assert Officer.objects.count() == before
    return result


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(db):
    first = generate_and_digest(seed=7)
    assert generate_and_digest(seed=7) == first
    assert generate_and_digest(seed=8) != first


def test_a_database_with_officers_is_refused_unless_appending(dataset):
    counts = (Officer.objects.count(), Enrolment.objects.count())
    with pytest.raises(SyntheticDataRefused, match="already holds 2,000 officers"):
        generate(officers=100, communes=4, seed=1, today=AS_OF)
    with pytest.raises(CommandError, match="--append"):
        call_command("generate_synthetic", "--officers", "100", "--communes", "4")
    assert (Officer.objects.count(), Enrolment.objects.count()) == counts

    # Appending, even with the same seed, adds new people with their own history.
    totals = generate(officers=100, communes=4, seed=1, today=AS_OF, append=True)
    assert totals.officers == 100 and Officer.objects.count() == 2100
    assert get_user_model().objects.values("username").distinct().count() == 2100
    assert CoursePage.objects.filter(slug__in=SLUGS).count() == 12  # the catalogue is reused
    assert Enrolment.objects.count() == counts[1] + totals.enrolments


def test_the_command_prints_progress_and_totals(dataset):
    out = StringIO()
    call_command(
        "generate_synthetic",
        "--officers",
        "150",
        "--communes",
        "5",
        "--seed",
        "3",
        "--today",
        AS_OF.isoformat(),
        "--password",
        "Mat-khau-tong-hop-2026",
        "--append",
        stdout=out,
    )
    output = out.getvalue()
    assert "Loading the national administrative units" in output
    assert "150 / 150 officers" in output
    assert "officers 150" in output and "enrolments" in output and "certificates" in output
    assert Officer.objects.count() == 2150
    # One hash for every new account: the password is hashed once, not 150 times.
    new_users = get_user_model().objects.exclude(password=UNUSABLE_PASSWORD)
    assert new_users.count() == 150
    assert new_users.values("password").distinct().count() == 1
    assert new_users.first().check_password("Mat-khau-tong-hop-2026")
