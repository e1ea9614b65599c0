"""Quizzes in a course's lessons count towards completing it: each must be passed."""

from django.db.models import TextField
from django.db.models.functions import Cast

from courses import progress
from courses.models import CoursePage, Enrolment, LessonPage

from .attempts import has_passed
from .models import Quiz


def quiz_slugs_in(lessons):
    return {
        block.value["quiz_slug"]
        for lesson in lessons
        for block in lesson.body
        if block.block_type == "quiz" and block.value.get("quiz_slug")
    }


def required_quizzes(course):
    """Quizzes placed in the course's required (non-optional) live lessons."""
    return Quiz.objects.filter(slug__in=quiz_slugs_in(progress.required_lessons(course)))


@progress.completion_check
def required_quizzes_passed(enrolment):
    return all(has_passed(enrolment.officer, quiz) for quiz in required_quizzes(enrolment.course))


def courses_placing(quiz):
    # The slug appears in the lessons' stored StreamField JSON; confirm on the blocks.
    candidates = (
        LessonPage.objects.live()
        .annotate(stored_body=Cast("body", output_field=TextField()))
        .filter(stored_body__contains=quiz.slug)
    )
    paths = {
        lesson.path[: -LessonPage.steplen]
        for lesson in candidates
        if quiz.slug in quiz_slugs_in([lesson])
    }
    return CoursePage.objects.filter(path__in=paths)


def on_attempt_finished(attempt):
    """A passed quiz may complete the courses that place it."""
    if not attempt.passed:
        return
    for enrolment in Enrolment.objects.filter(
        officer=attempt.officer, course__in=courses_placing(attempt.quiz), completed_at=None
    ).select_related("course", "officer"):
        progress.complete_if_done(enrolment)
