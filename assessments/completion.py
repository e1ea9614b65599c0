"""Quizzes and signing exercises in a course's lessons count towards completing it: each one
placed in a required lesson must be passed (conditions of the course-completion event,
courses/events.py, added in AssessmentsConfig.ready())."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from wagtail.models import ReferenceIndex

from courses import progress
from courses.models import CoursePage, Enrolment, LessonPage

from .attempts import has_passed
from .models import Quiz, SigningExercise, SigningSubmission


def _placed_ids(lessons, block_type, key):
    """Ids of what the lessons' `block_type` blocks place, read from their stored data."""
    return {
        block["value"][key]
        for lesson in lessons
        for block in lesson.body.raw_data
        if block["type"] == block_type and block["value"].get(key)
    }


def required_quizzes(course):
    """Quizzes placed in the course's required (non-optional) live lessons."""
    lessons = progress.required_lessons(course).only("body")
    return Quiz.objects.filter(pk__in=_placed_ids(lessons, "quiz", "quiz"))


def required_exercises(course):
    """Signing exercises placed in the course's required (non-optional) live lessons."""
    lessons = progress.required_lessons(course).only("body")
    return SigningExercise.objects.filter(
        pk__in=_placed_ids(lessons, "signing_exercise", "exercise")
    )


def required_quizzes_passed(enrolment):
    since = enrolment.round_started_at
    return all(
        has_passed(enrolment.officer, quiz, since) for quiz in required_quizzes(enrolment.course)
    )


def passed_submissions(officer, since):
    """The officer's passing signing submissions in a round started at `since` (None: all)."""
    passed = SigningSubmission.objects.filter(officer=officer, passed=True)
    return passed if since is None else passed.filter(submitted_at__gte=since)


def required_exercises_passed(enrolment):
    required = set(required_exercises(enrolment.course).values_list("pk", flat=True))
    passed = set(
        passed_submissions(enrolment.officer, enrolment.round_started_at)
        .filter(exercise__in=required)
        .values_list("exercise_id", flat=True)
    )
    return required <= passed


def lessons_placing(obj):
    """The live lessons that place `obj` (a quiz or a signing exercise), from Wagtail's
    reference index, which the chooser blocks feed."""
    lesson_ids = (
        ReferenceIndex.get_references_to(obj)
        .filter(content_type=ContentType.objects.get_for_model(LessonPage))
        .values_list("object_id", flat=True)
    )
    return LessonPage.objects.live().filter(pk__in=[int(pk) for pk in lesson_ids])


def courses_placing(obj):
    """The courses with a live lesson placing `obj` (a quiz or a signing exercise)."""
    paths = {lesson.path[: -LessonPage.steplen] for lesson in lessons_placing(obj).only("path")}
    return CoursePage.objects.filter(path__in=paths)


def _round_started(officer, courses):
    # A quiz or exercise may sit in several courses: the latest round of those counts.
    return Enrolment.objects.filter(officer=officer, course__in=courses).aggregate(
        started=Max("round_started_at")
    )["started"]


def quiz_round_started(officer, quiz):
    """When the officer's current round of a quiz began (None: they never took a course
    placing it again): attempts before it no longer count."""
    return _round_started(officer, courses_placing(quiz))


def exercise_round_started(officer, exercise):
    """As quiz_round_started, for a signing exercise."""
    return _round_started(officer, courses_placing(exercise))


def _complete_courses(officer, courses, now=None):
    for enrolment in Enrolment.objects.filter(
        officer=officer, course__in=courses, completed_at=None
    ).select_related("course", "officer"):
        progress.complete_if_done(enrolment, now)


def on_attempt_finished(attempt, now=None):
    """A passed quiz may complete the courses that place it (at `now`: when it was submitted,
    or marked)."""
    if attempt.passed:
        _complete_courses(attempt.officer, courses_placing(attempt.quiz), now)


def on_submission_checked(submission):
    """A passed signing exercise may complete the courses that place it."""
    if submission.passed:
        _complete_courses(submission.officer, courses_placing(submission.exercise))
