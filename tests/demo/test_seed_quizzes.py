"""The demo quizzes: sound question banks, officers' attempts consistent with their progress."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from assessments import attempts
from assessments.completion import lessons_placing, required_quizzes
from assessments.grading import response_fraction
from assessments.models import (
    Answer,
    Attempt,
    AttemptQuestion,
    Question,
    QuestionCategory,
    Quiz,
    QuizQuestion,
    QuizRandomDraw,
)
from courses.models import CoursePage, Enrolment, LessonCompletion
from demo.accounts import DEMO_PASSWORD, demo_officers, seed_demo
from demo.catalogue import seed_courses
from demo.quizzes import (
    ESSAY_OFFICER,
    ESSAY_QUIZ,
    QUIZZES,
    seed_quiz_attempts,
    seed_quizzes,
)
from toolkit.text import fold

pytestmark = pytest.mark.django_db

COURSE_QUIZZES = {
    "chu-ky-so-chuyen-dung-cong-vu": "chu-ky-so-chuyen-dung-cong-vu",
    "phan-mem-quan-ly-van-ban": "quan-ly-van-ban-va-dieu-hanh",
    "dich-vu-cong-truc-tuyen-mot-cua": "dich-vu-cong-truc-tuyen-mot-cua",
}
DEMO_USERNAMES = [row[0] for row in demo_officers()]


@pytest.fixture
def seeded(db):
    """The order of the seed_demo command: quizzes before courses, attempts after."""
    seed_demo()
    seed_quizzes()
    seed_courses()
    seed_quiz_attempts()


def bank(quiz):
    """Every question an attempt at the quiz may get: fixed ones and the drawn categories'."""
    fixed = Question.objects.filter(
        pk__in=QuizQuestion.objects.filter(quiz=quiz).values("question")
    )
    drawn = Question.objects.filter(
        category__in=QuizRandomDraw.objects.filter(quiz=quiz).values("category")
    )
    return (fixed | drawn).distinct()


def right_response(question):
    answers = list(question.answers.all())
    if question.kind == Question.Kind.SHORT:
        return {"text": answers[0].text}
    return {"answers": [answer.pk for answer in answers if answer.fraction > 0]}


def counts():
    models = [
        QuestionCategory,
        Question,
        Answer,
        Quiz,
        QuizQuestion,
        QuizRandomDraw,
        Attempt,
        AttemptQuestion,
        Enrolment,
        LessonCompletion,
    ]
    return {
        **{model.__name__: model.objects.count() for model in models},
        "completed": Enrolment.objects.exclude(completed_at=None).count(),
        "answer ids": sorted(Answer.objects.values_list("pk", flat=True)),
    }


def test_each_course_has_its_quiz_with_at_least_ten_questions(seeded):
    for course_slug, quiz_slug in COURSE_QUIZZES.items():
        course = CoursePage.objects.get(slug=course_slug)
        quiz = Quiz.objects.get(slug=quiz_slug)
        assert list(required_quizzes(course)) == [quiz]
        assert bank(quiz).count() >= 10, quiz_slug
        assert quiz.pass_mark == Decimal("80")
        assert quiz.max_attempts == 3 and quiz.time_limit_minutes == 15
        assert quiz.grading == Quiz.Grading.HIGHEST
        assert quiz.review_score and quiz.review_correctness
        assert quiz.review_feedback and quiz.review_right_answers
        assert quiz.introduction
    quizzes = Quiz.objects.filter(slug__in=COURSE_QUIZZES.values())
    assert {quiz.layout for quiz in quizzes} == {Quiz.Layout.ONE_PER_PAGE, Quiz.Layout.ALL}
    drawing = quizzes.filter(random_draws__isnull=False).distinct()
    assert drawing.count() >= 1
    for quiz in drawing:
        draw = quiz.random_draws.get()
        assert draw.count <= draw.category.questions.count()
        assert draw.count >= 10


def test_questions_mix_kinds_and_their_answers_are_sound(seeded):
    questions = Question.objects.prefetch_related("answers")
    kinds = {question.kind for question in questions}
    assert kinds == set(Question.Kind.values)
    for question in questions:
        answers = list(question.answers.all())
        assert question.general_feedback, question.name
        if question.kind in (Question.Kind.SINGLE, Question.Kind.TRUE_FALSE):
            assert [a.fraction for a in answers if a.fraction != 0] == [1], question.name
            assert len(answers) >= 2
        elif question.kind == Question.Kind.MULTIPLE:
            positive = [a.fraction for a in answers if a.fraction > 0]
            negative = [a.fraction for a in answers if a.fraction < 0]
            assert len(positive) >= 2 and sum(positive) == 1, question.name
            assert negative and all(-1 <= f < 0 for f in negative), question.name
            assert sum(positive) + sum(negative) <= 0  # ticking every box earns nothing
        elif question.kind == Question.Kind.SHORT:
            assert answers and all(a.fraction == 1 for a in answers), question.name
            assert question.accent_insensitive
        else:
            assert not answers
        # Whoever picks a wrong answer is told why.
        for answer in answers:
            if answer.fraction <= 0:
                assert answer.feedback, (question.name, answer.text)


def test_every_right_answer_earns_full_marks_and_a_wrong_one_does_not(seeded):
    for question in Question.objects.prefetch_related("answers"):
        answers = question.answers.all()
        if question.kind == Question.Kind.ESSAY:
            assert response_fraction(question, answers, {"text": "Bài làm"}) is None
            continue
        assert response_fraction(question, answers, right_response(question)) == 1, question
        if question.kind == Question.Kind.SHORT:
            # Typed on a phone without accents, in capitals, it still counts.
            unaccented = {"text": fold(answers[0].text).upper()}
            assert response_fraction(question, answers, unaccented) == 1
        else:
            wrong = [a.pk for a in answers if a.fraction <= 0][:1]
            assert response_fraction(question, answers, {"answers": wrong}) == 0


def test_completed_demo_enrolments_have_a_passed_final_attempt_before_completion(seeded):
    completed = Enrolment.objects.filter(
        officer__user__username__in=DEMO_USERNAMES, completed_at__isnull=False
    ).select_related("officer", "course")
    assert completed.count() >= 10
    for enrolment in completed:
        for quiz in required_quizzes(enrolment.course):
            assert attempts.has_passed(enrolment.officer, quiz), enrolment
            final = attempts.final_attempt(enrolment.officer, quiz)
            assert final.submitted_at == enrolment.completed_at
            first = Attempt.objects.filter(officer=enrolment.officer, quiz=quiz).earliest("number")
            assert enrolment.enrolled_at < first.started_at
            done = LessonCompletion.objects.filter(
                officer=enrolment.officer, lesson__in=enrolment.course.lessons()
            )
            assert all(c.completed_at < first.started_at for c in done)
    # The attempts are in the past, within the time limit, and graded.
    for attempt in Attempt.objects.filter(quiz__slug__in=COURSE_QUIZZES.values()):
        assert attempt.state == Attempt.State.FINISHED
        assert attempt.submitted_at <= attempt.deadline
        assert attempt.passed == (attempt.percent >= 80)
    # Some officers needed a second try; some half-way officers failed their only try.
    assert Attempt.objects.filter(number=2, passed=True).exists()
    # Nobody passed a quiz without the course completing; some in progress failed a try.
    failed_in_progress = 0
    for enrolment in Enrolment.objects.filter(completed_at=None).select_related("officer"):
        for quiz in required_quizzes(enrolment.course):
            assert not attempts.has_passed(enrolment.officer, quiz)
            tries = Attempt.objects.filter(officer=enrolment.officer, quiz=quiz)
            failed_in_progress += tries.filter(passed=False).exists()
    assert failed_in_progress >= 3
    # Overdue enrolments remain.
    assert Enrolment.objects.overdue().exists()


def test_an_essay_waits_for_marking_in_an_optional_quiz(seeded):
    quiz = Quiz.objects.get(slug=ESSAY_QUIZ)
    attempt = Attempt.objects.get(quiz=quiz)
    assert attempt.officer.user.username == ESSAY_OFFICER
    assert attempt.state == Attempt.State.NEEDS_MARKING
    slot = attempt.slots.get()
    assert slot.question.kind == Question.Kind.ESSAY and slot.awarded is None
    assert slot.response["text"]
    # Placed in an optional lesson: no course requires it.
    lessons = list(lessons_placing(quiz))
    assert lessons and all(lesson.optional for lesson in lessons)
    assert not any(quiz in required_quizzes(course) for course in CoursePage.objects.all())


def test_seeding_again_changes_nothing(seeded):
    before = counts()
    seed_quizzes()
    seed_courses()
    assert seed_quiz_attempts() == 0
    assert counts() == before


def test_the_seed_demo_command_seeds_quizzes_and_attempts_and_can_run_twice(dien_bien, settings):
    settings.DEBUG = True  # the command seeds in development only
    with translation.override("vi"):  # the command activates Vietnamese; restore afterwards
        call_command("seed_demo", stdout=StringIO())
        before = counts()
        call_command("seed_demo", stdout=StringIO())
    assert counts() == before
    assert before["Quiz"] == len(QUIZZES)
    completed = Enrolment.objects.exclude(completed_at=None).select_related("officer", "course")
    assert completed.exists()
    for enrolment in completed:
        for quiz in required_quizzes(enrolment.course):
            assert attempts.has_passed(enrolment.officer, quiz)


def test_quiz_lessons_quiz_pages_and_reviews_render(seeded):
    client = Client()
    officer = Attempt.objects.filter(passed=True).select_related("officer__user").first().officer
    assert client.login(username=officer.user.username, password=DEMO_PASSWORD)
    # Courses are taken in order: the officer sees a quiz's lesson once the lessons before
    # it are done, as they are for the officers who passed it.
    for quiz in Quiz.objects.all():
        passed = Attempt.objects.filter(quiz=quiz).select_related("officer__user").first()
        reader = Client()
        assert reader.login(username=passed.officer.user.username, password=DEMO_PASSWORD)
        lessons = list(lessons_placing(quiz))
        assert lessons, quiz.slug
        for lesson in lessons:
            response = reader.get(lesson.url)
            assert response.status_code == 200
            assert escape(quiz.title) in response.content.decode()
        response = client.get(reverse("quiz_detail", args=[quiz.slug]))
        assert response.status_code == 200
    for attempt in Attempt.objects.filter(officer=officer):
        response = client.get(reverse("attempt_review", args=[attempt.pk]))
        assert response.status_code == 200
