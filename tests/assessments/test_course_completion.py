"""A course with a quiz completes only when the quiz is passed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments import attempts
from assessments.models import Answer, Question, QuestionCategory, Quiz, QuizQuestion
from courses.models import Enrolment, LessonPage
from tests.assessments.answering import chosen
from tests.courses.pages import make_course, publish
from tests.courses.reading import read
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(db):
    category = QuestionCategory.from_path("Ngân hàng/Chữ ký số")
    question = Question.objects.create(
        category=category, kind=Question.Kind.SINGLE, name="Ai cấp?", text="<p>Ai cấp?</p>"
    )
    Answer.objects.create(question=question, text="Ban Cơ yếu Chính phủ", fraction=1)
    Answer.objects.create(question=question, text="Bộ Công an", fraction=0)
    quiz = Quiz.objects.create(slug="kiem-tra-cks", title="Kiểm tra", pass_mark=Decimal("100"))
    QuizQuestion.objects.create(quiz=quiz, question=question)
    return quiz


def add_quiz_lesson(course, quiz, optional=False):
    return publish(
        course,
        LessonPage(
            title="Bài kiểm tra",
            slug=f"kiem-tra-{quiz.slug}-{optional}",
            optional=optional,
            body=[{"type": "quiz", "value": {"introduction": "Làm bài", "quiz": quiz.pk}}],
        ),
    )


def take(officer, quiz, answer_text):
    attempt = attempts.start_or_resume(officer, quiz)
    attempts.save_response(attempt, 1, chosen(attempt, 1, answer_text))
    return attempts.submit(attempt)


def test_the_course_completes_when_the_required_quiz_is_passed(dien_bien, quiz):
    course = make_course(lessons=1)
    add_quiz_lesson(course, quiz)
    officer = OfficerFactory()
    for lesson in course.lessons():
        read(officer, lesson)
    enrolment = Enrolment.objects.get(officer=officer, course=course)
    assert enrolment.completed_at is None

    take(officer, quiz, "Bộ Công an")
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None

    take(officer, quiz, "Ban Cơ yếu Chính phủ")
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None


def test_the_course_completes_at_the_moment_the_passing_attempt_was_submitted(dien_bien, quiz):
    """An attempt submitted for a moment (as the demo's officers pass their quizzes days ago)
    completes the course at that moment, not when the code runs."""
    course = make_course(lessons=1)
    add_quiz_lesson(course, quiz)
    officer = OfficerFactory()
    submitted = timezone.now() - timedelta(days=3)
    for lesson in course.lessons():
        read(officer, lesson, now=submitted - timedelta(hours=1))
    attempt = attempts.start_or_resume(officer, quiz, now=submitted - timedelta(minutes=5))
    attempts.save_response(
        attempt, 1, chosen(attempt, 1, "Ban Cơ yếu Chính phủ"), now=submitted - timedelta(minutes=1)
    )
    attempts.submit(attempt, now=submitted)
    assert Enrolment.objects.get(officer=officer, course=course).completed_at == submitted


def test_a_quiz_in_an_optional_lesson_is_not_required(dien_bien, quiz):
    course = make_course(lessons=1)
    add_quiz_lesson(course, quiz, optional=True)
    officer = OfficerFactory()
    enrolment = read(officer, course.lessons().first())
    assert enrolment.completed_at is not None
