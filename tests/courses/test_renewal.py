"""Recertification: an officer whose certificate has expired, or expires within the renewal
window, takes the course again (a new round); completing the round renews the certificate."""

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from assessments import attempts
from assessments.completion import required_exercises_passed
from assessments.models import (
    Answer,
    Attempt,
    Question,
    QuestionCategory,
    Quiz,
    QuizQuestion,
    SigningExercise,
    SigningSubmission,
)
from certification import issuing, renewal
from certification.models import RENEWAL_WINDOW, Certificate, CertificateLogEntry
from courses import progress
from courses.models import CoursePage, Enrolment, LessonCompletion, LessonPage
from procedure_system.models import OutboxEvent
from tests.assessments.test_course_completion import add_quiz_lesson, take
from tests.courses.pages import make_course, publish
from tests.courses.reading import read
from tests.factories import PASSWORD, OfficerFactory

pytestmark = pytest.mark.django_db

Status = Certificate.Status
Action = CertificateLogEntry.Action
RIGHT, WRONG = "Ban Cơ yếu Chính phủ", "Bộ Công an"

# With a 24-month certificate, issued this many days ago:
EXPIRED = 800  # expired about 70 days ago
EXPIRES_SOON = 700  # expires in about 30 days: within the renewal window
IN_FORCE = 600  # expires in about 130 days: too early to renew


def vi(message, **values):
    """A message as the Vietnamese catalogue has it (the English text until it is translated)."""
    with translation.override("vi"):
        translated = gettext(message)
    return translated % values if values else translated


def html(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def local_date(moment):
    return timezone.localtime(moment).strftime("%d/%m/%Y")


@pytest.fixture
def quiz(db):
    category = QuestionCategory.from_path("Ngân hàng/Chữ ký số")
    question = Question.objects.create(
        category=category, kind=Question.Kind.SINGLE, name="Ai cấp?", text="<p>Ai cấp?</p>"
    )
    Answer.objects.create(question=question, text=RIGHT, fraction=1)
    Answer.objects.create(question=question, text=WRONG, fraction=0)
    quiz = Quiz.objects.create(
        slug="kiem-tra-cks", title="Kiểm tra", pass_mark=Decimal("100"), shuffle_answers=False
    )
    QuizQuestion.objects.create(quiz=quiz, question=question)
    return quiz


def certifying(course, months=24):
    course.issues_certificate = True
    course.certificate_valid_months = months
    course.save()
    return course


@pytest.fixture
def course(dien_bien, quiz):
    """Two lessons and a quiz lesson; a 24-month certificate."""
    course = make_course(lessons=2)
    add_quiz_lesson(course, quiz)
    return certifying(course)


def do_round(officer, course, quiz=None):
    """Mark every lesson done, then pass the quiz; returns the enrolment."""
    for lesson in course.lessons():
        read(officer, lesson)
    if quiz is not None:
        take(officer, quiz, RIGHT)
    return Enrolment.objects.get(officer=officer, course=course)


@contextmanager
def not_yet_certifying(course):
    """Completions recorded inside issue no certificate: the course issues none yet."""
    CoursePage.objects.filter(pk=course.pk).update(issues_certificate=False)
    try:
        yield
    finally:
        CoursePage.objects.filter(pk=course.pk).update(issues_certificate=True)


def certified(officer, course, quiz=None, days_ago=EXPIRED):
    """The officer completed the course `days_ago` days ago and was certified then."""
    moment = timezone.now() - timedelta(days=days_ago)
    with not_yet_certifying(course):
        enrolment = do_round(officer, course, quiz)
    assert enrolment.completed_at is not None
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=moment)
    LessonCompletion.objects.filter(officer=officer).update(completed_at=moment)
    Attempt.objects.filter(officer=officer).update(started_at=moment, submitted_at=moment)
    return issuing.issue(officer, course, at=moment)


def enrolment_of(officer, course):
    return Enrolment.objects.get(officer=officer, course=course)


def client_for(officer):
    client = Client()
    assert client.login(username=officer.user.username, password=PASSWORD)
    return client


def take_again_url(course):
    return reverse("course_take_again", args=[course.pk])


# --- who may take a course again ---------------------------------------------------------------


@pytest.mark.parametrize("days_ago", [EXPIRED, EXPIRES_SOON])
def test_an_expired_certificate_or_one_expiring_within_90_days_may_be_renewed(
    officer, course, quiz, days_ago
):
    certified(officer, course, quiz, days_ago=days_ago)
    assert issuing.may_renew(officer, course)
    assert renewal.may_take_again(officer, enrolment_of(officer, course))


def test_a_certificate_in_force_outside_the_window_may_not_be_renewed_yet(officer, course, quiz):
    certified(officer, course, quiz, days_ago=IN_FORCE)
    enrolment = enrolment_of(officer, course)

    assert not issuing.may_renew(officer, course)
    with pytest.raises(renewal.RenewalNotAllowed):
        renewal.start_new_round(enrolment)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None and enrolment.round_started_at is None


def test_the_window_opens_90_days_before_the_expiry(officer, course, quiz):
    certificate = certified(officer, course, quiz, days_ago=IN_FORCE)
    opens = certificate.expires_at - RENEWAL_WINDOW
    assert timedelta(days=90) == RENEWAL_WINDOW
    assert not issuing.may_renew(officer, course, now=opens - timedelta(seconds=1))
    assert issuing.may_renew(officer, course, now=opens)


def test_no_renewal_without_a_completed_enrolment_or_a_renewable_certificate(
    officer, course, quiz, administrator
):
    # Not completed: nothing to take again.
    progress.enrol(officer, course)
    with pytest.raises(renewal.RenewalNotAllowed):
        renewal.start_new_round(enrolment_of(officer, course))
    assert not issuing.may_renew(officer, course)

    # A revoked certificate is not renewed by taking the course again.
    certificate = certified(officer, course, quiz, days_ago=EXPIRED)
    issuing.revoke(certificate, administrator, "Cấp nhầm")
    assert not issuing.may_renew(officer, course)
    with pytest.raises(renewal.RenewalNotAllowed):
        renewal.start_new_round(enrolment_of(officer, course))


def test_a_certificate_that_never_expires_or_a_course_that_no_longer_certifies_is_not_renewed(
    officer, course, quiz
):
    course.certificate_valid_months = None
    course.save()
    certified(officer, course, quiz, days_ago=EXPIRED)
    assert not issuing.may_renew(officer, course)

    course.certificate_valid_months = 24
    course.issues_certificate = False
    course.save()
    Certificate.objects.update(expires_at=timezone.now() - timedelta(days=1))
    assert not issuing.may_renew(officer, course)


# --- the new round -----------------------------------------------------------------------------


def test_a_new_round_starts_afresh(officer, course, quiz):
    certified(officer, course, quiz, days_ago=EXPIRED)
    enrolment = enrolment_of(officer, course)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        deadline=timezone.localdate() - timedelta(days=700),
        last_lesson=course.lessons().first(),
    )
    now = timezone.now()

    enrolment = renewal.start_new_round(enrolment, now=now)

    enrolment.refresh_from_db()
    assert enrolment.completed_at is None
    assert enrolment.round_started_at == now
    assert enrolment.last_lesson is None
    # The deadline was met by the round completed: the officer is not overdue.
    assert enrolment.deadline is None and not enrolment.is_overdue
    assert not Enrolment.objects.overdue().exists()
    assert not progress.is_complete(enrolment)


def test_the_new_round_requires_the_lessons_and_the_quiz_again(officer, course, quiz):
    certified(officer, course, quiz, days_ago=EXPIRED)
    enrolment = renewal.start_new_round(enrolment_of(officer, course))
    since = enrolment.round_started_at
    assert attempts.round_started(officer, quiz) == since

    # The old passing attempt does not count in this round.
    assert attempts.has_passed(officer, quiz, since=None)
    assert not attempts.has_passed(officer, quiz)
    assert attempts.final_attempt(officer, quiz) is None

    lessons = list(course.lessons())
    for lesson in lessons[:-1]:
        enrolment = read(officer, lesson)
    assert enrolment.completed_at is None
    # Done in the last round, so done again now: its completion is brought forward.
    completion = LessonCompletion.objects.get(officer=officer, lesson=lessons[0])
    assert completion.completed_at >= since
    assert LessonCompletion.objects.filter(officer=officer, lesson=lessons[0]).count() == 1

    enrolment = read(officer, lessons[-1])
    assert enrolment.completed_at is None, "the quiz is not passed in this round"

    take(officer, quiz, WRONG)
    assert enrolment_of(officer, course).completed_at is None

    take(officer, quiz, RIGHT)
    assert enrolment_of(officer, course).completed_at is not None


def test_the_quiz_alone_does_not_complete_the_new_round(officer, course, quiz):
    certified(officer, course, quiz, days_ago=EXPIRED)
    renewal.start_new_round(enrolment_of(officer, course))

    take(officer, quiz, RIGHT)

    assert enrolment_of(officer, course).completed_at is None
    enrolment = do_round(officer, course)
    assert enrolment.completed_at is not None


def test_the_quiz_grading_method_applies_within_the_round(officer, course, quiz):
    quiz.grading = Quiz.Grading.FIRST
    quiz.save()
    certified(officer, course, quiz, days_ago=EXPIRED)
    renewal.start_new_round(enrolment_of(officer, course))

    for lesson in course.lessons():
        read(officer, lesson)
    first = take(officer, quiz, WRONG)
    take(officer, quiz, RIGHT)

    # The round's first attempt counts, not the first attempt ever (passed, long ago).
    assert attempts.final_attempt(officer, quiz) == first
    assert enrolment_of(officer, course).completed_at is None


def test_max_attempts_count_again_in_the_new_round(officer, course, quiz):
    quiz.max_attempts = 1
    quiz.save()
    certified(officer, course, quiz, days_ago=EXPIRED)
    with pytest.raises(attempts.NoAttemptsLeft):
        attempts.start_or_resume(officer, quiz)

    renewal.start_new_round(enrolment_of(officer, course))
    assert attempts.attempts_used(officer, quiz) == 0
    attempt = take(officer, quiz, WRONG)

    assert attempt.number == 2
    with pytest.raises(attempts.NoAttemptsLeft):
        attempts.start_or_resume(officer, quiz)


def test_the_quiz_page_counts_the_rounds_attempts(officer, officer_client, course, quiz):
    quiz.max_attempts = 2
    quiz.save()
    certified(officer, course, quiz, days_ago=EXPIRED)
    url = reverse("quiz_detail", args=[quiz.slug])
    page = html(officer_client.get(url))
    assert page.select_one(".status.done")  # passed, in the completed round
    assert page.find("form", action=reverse("quiz_start", args=[quiz.slug]))

    renewal.start_new_round(enrolment_of(officer, course))

    page = html(officer_client.get(url))
    assert not page.select_one(".status.done")
    assert vi("Attempts left: %(attempts_left)s", attempts_left=2) in page.get_text()
    assert page.find("form", action=reverse("quiz_start", args=[quiz.slug]))


def test_a_signing_exercise_must_be_passed_again(officer, dien_bien):
    course = certifying(make_course(lessons=1, slug_prefix="ky-so"))
    exercise = SigningExercise.objects.create(slug="ky-thu", title="Ký thử")
    publish(
        course,
        LessonPage(
            title="Bài thực hành",
            slug="ky-so-thuc-hanh",
            body=[
                {"type": "signing_exercise", "value": {"introduction": "", "exercise": exercise.pk}}
            ],
        ),
    )

    def passed_submission():
        SigningSubmission.objects.create(
            exercise=exercise, officer=officer, file="x.pdf", original_name="x.pdf", passed=True
        )

    with not_yet_certifying(course):
        do_round(officer, course)
        passed_submission()
        enrolment = do_round(officer, course)
    assert enrolment.completed_at is not None
    issuing.issue(officer, course, at=timezone.now() - timedelta(days=EXPIRED))
    SigningSubmission.objects.update(submitted_at=timezone.now() - timedelta(days=EXPIRED))

    enrolment = renewal.start_new_round(enrolment)
    enrolment = do_round(officer, course)
    assert not required_exercises_passed(enrolment)
    assert enrolment.completed_at is None

    passed_submission()
    assert required_exercises_passed(enrolment)


def test_a_course_taken_again_still_counts_as_a_prerequisite(officer, course, quiz):
    certified(officer, course, quiz, days_ago=EXPIRED)
    follow_up = make_course("Văn bản điện tử", lessons=1, slug_prefix="vbdt")
    follow_up.prerequisites.add(course)
    follow_up.save()

    renewal.start_new_round(enrolment_of(officer, course))

    assert progress.missing_prerequisites(officer, follow_up) == []


# --- renewing the certificate ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_ago", "old_actions"),
    [
        (EXPIRED, [Action.ISSUED, Action.EXPIRED, Action.SUPERSEDED]),
        (EXPIRES_SOON, [Action.ISSUED, Action.SUPERSEDED]),
    ],
)
def test_completing_the_new_round_renews_the_certificate(
    officer, course, quiz, days_ago, old_actions
):
    old = certified(officer, course, quiz, days_ago=days_ago)
    renewal.start_new_round(enrolment_of(officer, course))

    enrolment = do_round(officer, course, quiz)

    old.refresh_from_db()
    new = Certificate.objects.get(officer=officer, course=course, status=Status.VALID)
    assert new != old and new.renewal_of == old
    assert old.status == Status.SUPERSEDED
    assert new.issued_at == enrolment.completed_at
    assert new.expires_at == issuing.add_months(enrolment.completed_at, 24)
    assert list(old.log_entries.values_list("action", flat=True)) == old_actions
    assert list(new.log_entries.values_list("action", flat=True)) == [Action.RENEWED]
    event = OutboxEvent.objects.get(certificate=new)
    assert event.kind == OutboxEvent.Kind.RENEWED == "certificate.renewed"
    assert event.payload["certificate"]["renews"] == old.code
    # The old one's change is in the feed too.
    assert OutboxEvent.objects.filter(certificate=old, kind=OutboxEvent.Kind.SUPERSEDED).exists()
    # Renewed: not renewable again until the new one nears its expiry.
    assert not issuing.may_renew(officer, course)


def test_issuing_within_the_window_renews_and_outside_it_changes_nothing(officer, course):
    in_force = issuing.issue(officer, course, at=timezone.now() - timedelta(days=IN_FORCE))
    assert issuing.issue(officer, course) == in_force
    assert Certificate.objects.count() == 1 and OutboxEvent.objects.count() == 1

    Certificate.objects.filter(pk=in_force.pk).update(
        issued_at=in_force.issued_at - timedelta(days=100),
        expires_at=in_force.expires_at - timedelta(days=100),
    )
    renewal = issuing.issue(officer, course)

    in_force.refresh_from_db()
    assert renewal.renewal_of == in_force and in_force.status == Status.SUPERSEDED
    assert renewal.status == Status.VALID
    assert OutboxEvent.objects.filter(certificate=renewal, kind=OutboxEvent.Kind.RENEWED).exists()


def test_other_officers_are_unaffected(officer, course, quiz):
    colleague = OfficerFactory()
    certified(officer, course, quiz, days_ago=EXPIRED)
    theirs = issuing.issue(colleague, course)
    do_round(colleague, course, quiz)  # certified already: the certificate in force stays

    renewal.start_new_round(enrolment_of(officer, course))
    do_round(officer, course, quiz)

    theirs.refresh_from_db()
    assert theirs.status == Status.VALID and not hasattr(theirs, "renewed_by")
    assert enrolment_of(colleague, course).round_started_at is None
    assert enrolment_of(colleague, course).completed_at is not None
    assert attempts.round_started(colleague, quiz) is None
    assert attempts.has_passed(colleague, quiz)
    [item] = progress.dashboard(colleague)
    assert item.done == item.required == 3
    assert not renewal.may_take_again(colleague, enrolment_of(colleague, course))


# --- the learner's pages -----------------------------------------------------------------------


def test_my_courses_and_the_course_page_offer_to_take_the_course_again(
    officer, officer_client, course, quiz
):
    certificate = certified(officer, course, quiz, days_ago=EXPIRED)
    expired = vi("Your certificate expired on %(date)s.", date=local_date(certificate.expires_at))
    button = vi("Take the course again to renew the certificate")

    for url in (reverse("my_courses"), course.url):
        page = html(officer_client.get(url))
        form = page.find("form", action=take_again_url(course))
        assert form is not None, url
        assert form["method"] == "post" and form.find("input", {"name": "csrfmiddlewaretoken"})
        assert form.button.get_text(strip=True) == button
        assert expired in page.get_text()


def test_a_certificate_expiring_soon_shows_its_expiry(officer, officer_client, course, quiz):
    certificate = certified(officer, course, quiz, days_ago=EXPIRES_SOON)
    expires = vi("Your certificate expires on %(date)s.", date=local_date(certificate.expires_at))
    for url in (reverse("my_courses"), course.url):
        page = html(officer_client.get(url))
        assert expires in page.get_text()
        assert page.find("form", action=take_again_url(course))


def test_no_button_before_the_window(officer, officer_client, course, quiz):
    certified(officer, course, quiz, days_ago=IN_FORCE)
    for url in (reverse("my_courses"), course.url):
        page = html(officer_client.get(url))
        assert not page.find("form", action=take_again_url(course))
        assert not page.select(".renewal")


def test_the_button_starts_a_new_round_and_the_pages_show_it(
    officer, officer_client, course, quiz, settings
):
    settings.LESSON_MINIMUM_TIME = False  # test_reading_time.py is about the wait
    certified(officer, course, quiz, days_ago=EXPIRED)

    response = officer_client.post(take_again_url(course))

    first = course.lessons().first()
    assert response.status_code == 302 and response.url == first.url
    enrolment = enrolment_of(officer, course)
    assert enrolment.completed_at is None and enrolment.round_started_at is not None

    [item] = progress.dashboard(officer)
    assert (item.done, item.required, item.percent) == (0, 3, 0)
    assert item.next_lesson == first and not item.started
    assert not renewal.may_take_again(officer, enrolment)
    statuses = progress.lessons_with_status(course, officer, enrolment)
    assert not any(status.done for status in statuses)
    assert not progress.lesson_context(first, officer)["done"]

    dashboard = html(officer_client.get(reverse("my_courses")))
    assert vi("%(done)s of %(required)s lessons done", done=0, required=3) in dashboard.get_text()
    assert dashboard.find("a", href=first.url, class_="button")
    assert not dashboard.find("form", action=take_again_url(course))
    assert not dashboard.select(".status.done")

    course_page = html(officer_client.get(course.url))
    assert not course_page.select("ol.lessons li.done")
    assert not course_page.find("form", action=take_again_url(course))

    lesson_page = html(officer_client.get(first.url))
    assert lesson_page.find("form", action=reverse("lesson_done", args=[first.pk]))

    officer_client.post(reverse("lesson_done", args=[first.pk]))
    [item] = progress.dashboard(officer)
    assert (item.done, item.started) == (1, True)
    assert len(html(officer_client.get(course.url)).select("ol.lessons li.done")) == 1


def test_the_button_refuses_when_not_eligible(officer, officer_client, course, quiz):
    certified(officer, course, quiz, days_ago=IN_FORCE)

    response = officer_client.post(take_again_url(course), follow=True)

    assert response.redirect_chain[-1][0] == course.url
    message = vi(
        "You can take “%(course)s” again only when your certificate has expired or will "
        "expire within %(days)s days.",
        course=course.title,
        days=90,
    )
    assert message in [str(m) for m in response.context["messages"]]
    enrolment = enrolment_of(officer, course)
    assert enrolment.completed_at is not None and enrolment.round_started_at is None


def test_the_button_needs_a_post_with_a_csrf_token_and_an_enrolment(
    officer, officer_client, course, quiz
):
    certified(officer, course, quiz, days_ago=EXPIRED)
    assert officer_client.get(take_again_url(course)).status_code == 405

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(officer.user)
    assert strict.post(take_again_url(course)).status_code == 403

    colleague = OfficerFactory()
    assert client_for(colleague).post(take_again_url(course)).status_code == 404
    assert enrolment_of(officer, course).round_started_at is None

    anonymous = Client().post(take_again_url(course))
    assert anonymous.status_code == 302 and reverse("login") in anonymous.url


def test_my_courses_uses_as_many_queries_for_many_renewable_courses_as_for_one(
    officer, officer_client, dien_bien
):
    def renewable_course(n):
        course = certifying(make_course(f"Khóa {n}", lessons=2, slug_prefix=f"k{n}"))
        certified(officer, course, days_ago=EXPIRED)
        return course

    def count():
        url = reverse("my_courses")
        assert officer_client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            page = html(officer_client.get(url))
        return len(queries.captured_queries), page

    renewable_course(1)
    one, page = count()
    assert len(page.select(".renewal form")) == 1
    for n in range(2, 5):
        renewable_course(n)
    many, page = count()
    assert len(page.select(".renewal form")) == 4
    assert one == many
