"""Quizzes and signing exercises in a course's lessons count towards completing it: each one
placed in a required lesson must be passed."""

from django.db.models import Max, TextField
from django.db.models.functions import Cast

from courses import progress
from courses.models import CoursePage, Enrolment, LessonPage

from .attempts import has_passed
from .models import Quiz, SigningExercise, SigningSubmission


def _slugs_in(lessons, block_type, key):
    return {
        block.value[key]
        for lesson in lessons
        for block in lesson.body
        if block.block_type == block_type and block.value.get(key)
    }


def quiz_slugs_in(lessons):
    return _slugs_in(lessons, "quiz", "quiz_slug")


def exercise_slugs_in(lessons):
    return _slugs_in(lessons, "signing_exercise", "exercise_slug")


def required_quizzes(course):
    """Quizzes placed in the course's required (non-optional) live lessons."""
    return Quiz.objects.filter(slug__in=quiz_slugs_in(progress.required_lessons(course)))


def required_exercises(course):
    """Signing exercises placed in the course's required (non-optional) live lessons."""
    return SigningExercise.objects.filter(
        slug__in=exercise_slugs_in(progress.required_lessons(course))
    )


@progress.completion_check
def required_quizzes_passed(enrolment):
    since = enrolment.round_started_at
    return all(
        has_passed(enrolment.officer, quiz, since) for quiz in required_quizzes(enrolment.course)
    )


def passed_submissions(officer, since):
    """The officer's passing signing submissions in a round started at `since` (None: all)."""
    passed = SigningSubmission.objects.filter(officer=officer, passed=True)
    return passed if since is None else passed.filter(submitted_at__gte=since)


@progress.completion_check
def required_exercises_passed(enrolment):
    required = set(required_exercises(enrolment.course).values_list("pk", flat=True))
    passed = set(
        passed_submissions(enrolment.officer, enrolment.round_started_at)
        .filter(exercise__in=required)
        .values_list("exercise_id", flat=True)
    )
    return required <= passed


def _courses_placing(slug, slugs_in):
    # The slug appears in the lessons' stored StreamField JSON; confirm on the blocks.
    candidates = (
        LessonPage.objects.live()
        .annotate(stored_body=Cast("body", output_field=TextField()))
        .filter(stored_body__contains=slug)
    )
    paths = {
        lesson.path[: -LessonPage.steplen] for lesson in candidates if slug in slugs_in([lesson])
    }
    return CoursePage.objects.filter(path__in=paths)


def courses_placing(quiz):
    return _courses_placing(quiz.slug, quiz_slugs_in)


def courses_placing_exercise(exercise):
    return _courses_placing(exercise.slug, exercise_slugs_in)


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
    return _round_started(officer, courses_placing_exercise(exercise))


def _complete_courses(officer, courses):
    for enrolment in Enrolment.objects.filter(
        officer=officer, course__in=courses, completed_at=None
    ).select_related("course", "officer"):
        progress.complete_if_done(enrolment)


def on_attempt_finished(attempt):
    """A passed quiz may complete the courses that place it."""
    if attempt.passed:
        _complete_courses(attempt.officer, courses_placing(attempt.quiz))


def on_submission_checked(submission):
    """A passed signing exercise may complete the courses that place it."""
    if submission.passed:
        _complete_courses(submission.officer, courses_placing_exercise(submission.exercise))
