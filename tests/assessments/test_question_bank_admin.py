"""Trainers keep the question bank in the Wagtail admin; other roles cannot reach it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import Answer, Question, QuestionCategory
from tests.factories import PASSWORD

QUESTIONS = reverse("wagtailsnippets_assessments_question:list")


@pytest.fixture
def question(db):
    category = QuestionCategory.from_path("Ngân hàng/Chữ ký số")
    question = Question.objects.create(
        category=category,
        kind=Question.Kind.SINGLE,
        name="Ai cấp chứng thư",
        text="<p>Ai cấp chứng thư chữ ký số chuyên dùng công vụ?</p>",
    )
    Answer.objects.create(question=question, text="Ban Cơ yếu Chính phủ", fraction=Decimal(1))
    Answer.objects.create(question=question, text="Bộ Công an", fraction=Decimal(0))
    return question


def test_categories_are_created_from_a_path_once(db):
    first = QuestionCategory.from_path("Ngân hàng/Chữ ký số/Cơ bản")
    again = QuestionCategory.from_path("Ngân hàng/Chữ ký số/Cơ bản")
    assert first == again
    assert first.path == "Ngân hàng/Chữ ký số/Cơ bản"
    assert QuestionCategory.objects.count() == 3


def test_trainer_lists_and_edits_questions(client, trainer, question):
    assert client.login(username=trainer.username, password=PASSWORD)
    listing = client.get(QUESTIONS)
    assert listing.status_code == 200
    assert "Ai cấp chứng thư" in listing.content.decode()
    edit = reverse("wagtailsnippets_assessments_question:edit", args=[question.pk])
    page = client.get(edit).content.decode()
    assert "Ban Cơ yếu Chính phủ" in page
    assert client.get(reverse("question_import")).status_code == 200


@pytest.mark.parametrize("role", ["learner", "hr_na_sang"])
def test_learners_and_hr_cannot_reach_the_question_bank(client, request, role, question):
    user = request.getfixturevalue(role)
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get(QUESTIONS)
    assert response.status_code in (302, 403)
    assert "Ai cấp chứng thư" not in response.content.decode()
    assert client.get(reverse("question_import")).status_code in (302, 403)


def test_trainer_opens_the_quiz_editor(client, trainer, question):
    assert client.login(username=trainer.username, password=PASSWORD)
    assert client.get(reverse("wagtailsnippets_assessments_quiz:list")).status_code == 200
    add = client.get(reverse("wagtailsnippets_assessments_quiz:add"))
    assert add.status_code == 200
    assert "fixed_questions" in add.content.decode()
