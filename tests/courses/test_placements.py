"""Lessons place quizzes and signing exercises with Wagtail's snippet chooser: a placement
names something that exists, Wagtail's reference index knows it, and the old identifiers
were converted."""

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from wagtail.models import ReferenceIndex

from assessments.completion import courses_placing, lessons_placing, required_quizzes
from assessments.models import Question, QuestionCategory, Quiz, QuizQuestion, SigningExercise
from courses.blocks import QuizPlacementBlock, SigningExerciseBlock
from tests.assessments.test_course_completion import add_quiz_lesson
from tests.courses.pages import make_course
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

conversion = importlib.import_module("courses.migrations.0009_placements_by_chooser")


@pytest.fixture
def quiz(db):
    category = QuestionCategory.from_path("Ngân hàng/Chữ ký số")
    question = Question.objects.create(
        category=category, kind=Question.Kind.ESSAY, name="Tự luận", text="<p>Viết.</p>"
    )
    quiz = Quiz.objects.create(slug="kiem-tra", title="Kiểm tra chữ ký số")
    QuizQuestion.objects.create(quiz=quiz, question=question)
    return quiz


@pytest.fixture
def placed(dien_bien, quiz):
    course = make_course(lessons=1)
    return course, add_quiz_lesson(course, quiz)


def test_a_placement_of_a_quiz_that_does_not_exist_cannot_be_saved(db):
    block = QuizPlacementBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"introduction": "", "quiz": 987654}))
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"introduction": "", "quiz": None}))
    exercise_block = SigningExerciseBlock()
    with pytest.raises(ValidationError):
        exercise_block.clean(exercise_block.to_python({"introduction": "", "exercise": None}))


def test_the_reference_index_knows_the_lessons_and_courses_placing_a_quiz(placed, quiz):
    course, lesson = placed
    assert list(lessons_placing(quiz)) == [lesson]
    assert list(courses_placing(quiz)) == [course]
    assert list(required_quizzes(course)) == [quiz]
    # Read from the index, not from the lessons' text: without it nothing is found.
    ReferenceIndex.objects.all().delete()
    assert not courses_placing(quiz).exists()


def test_wagtails_usage_view_lists_the_lessons_placing_a_quiz(placed, quiz, trainer):
    _course, lesson = placed
    client = Client()
    assert client.login(username=trainer.username, password=PASSWORD)
    usage = client.get(reverse("wagtailsnippets_assessments_quiz:usage", args=[quiz.pk]))
    assert usage.status_code == 200
    assert lesson.title in usage.content.decode()


def test_deleting_a_placed_quiz_warns_first(placed, quiz, administrator):
    client = Client()
    assert client.login(username=administrator.username, password=PASSWORD)
    page = client.get(reverse("wagtailsnippets_assessments_quiz:delete", args=[quiz.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("wagtailsnippets_assessments_quiz:usage", args=[quiz.pk]) in html
    assert Quiz.objects.filter(pk=quiz.pk).exists()


def test_the_lesson_editor_offers_the_snippet_chooser(placed, trainer):
    _course, lesson = placed
    client = Client()
    assert client.login(username=trainer.username, password=PASSWORD)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk])).content.decode()
    assert reverse("wagtailsnippetchoosers_assessments_quiz:choose") in html


def test_the_migration_converts_identifiers_to_ids_and_back(quiz):
    exercise = SigningExercise.objects.create(slug="ky-thu", title="Ký thử", trust_roots="")
    ids = {"quiz": {quiz.slug: quiz.pk}, "signingexercise": {exercise.slug: exercise.pk}}
    stream = [
        {"type": "text", "value": "<p>Bài</p>", "id": "a"},
        {"type": "quiz", "value": {"introduction": "Làm bài", "quiz_slug": quiz.slug}, "id": "b"},
        {"type": "quiz", "value": {"introduction": "", "quiz_slug": "go-nham"}, "id": "c"},
        {"type": "signing_exercise", "value": {"exercise_slug": exercise.slug}, "id": "d"},
    ]
    converted = conversion._convert_body(stream, ids, forwards=True)
    assert converted[1]["value"] == {"introduction": "Làm bài", "quiz": quiz.pk}
    assert converted[2]["value"] == {"introduction": "", "quiz": None}  # a typo: to choose
    assert converted[3]["value"] == {"exercise": exercise.pk}
    assert conversion._convert_body(converted, ids, forwards=True) is None  # nothing left

    as_text = conversion._convert_body(
        '[{"type": "quiz", "value": {"quiz_slug": "kiem-tra"}}]', ids, forwards=True
    )
    assert as_text == f'[{{"type": "quiz", "value": {{"quiz": {quiz.pk}}}}}]'

    back = {name: {pk: slug for slug, pk in rows.items()} for name, rows in ids.items()}
    restored = conversion._convert_body(converted, back, forwards=False)
    assert restored[1]["value"] == {"introduction": "Làm bài", "quiz_slug": quiz.slug}
