"""A quiz always works: one whose questions cannot be drawn is refused when saved and not
started later; no attempt without questions is ever made, and an old one is closed."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from assessments import attempts
from assessments.drawing import QuizUnavailable, Shortfall
from assessments.models import (
    Answer,
    Attempt,
    Question,
    QuestionCategory,
    Quiz,
    QuizRandomDraw,
)
from tests.admin_forms import form_data
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(dien_bien):
    category = QuestionCategory.from_path("Ngân hàng/Chữ ký số")
    questions = []
    for n in range(2):
        question = Question.objects.create(
            category=category, kind=Question.Kind.SINGLE, name=f"Câu {n}", text=f"<p>Câu {n}</p>"
        )
        Answer.objects.create(question=question, text="Đúng", fraction=1)
        Answer.objects.create(question=question, text="Sai", fraction=0)
        questions.append(question)
    return category, questions


def client_of(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def add_form(client):
    url = reverse("wagtailsnippets_assessments_quiz:add")
    data = form_data(client, url)
    data.update(title="Kiểm tra rút ngẫu nhiên", slug="rut-ngau-nhien", pass_mark="80")
    return url, data


def with_draw(data, category, count, n=0):
    data.update(
        {
            "random_draws-TOTAL_FORMS": str(n + 1),
            f"random_draws-{n}-category": str(category.pk),
            f"random_draws-{n}-count": str(count),
            f"random_draws-{n}-id": "",
            f"random_draws-{n}-DELETE": "",
        }
    )
    return data


def errors_of(response):
    page = BeautifulSoup(response.content.decode(), "html.parser")
    return page.get_text(" ", strip=True)


def test_a_draw_from_an_empty_category_is_refused_with_the_reason(bank, trainer):
    client = client_of(trainer)
    empty = QuestionCategory.from_path("Ngân hàng/X")
    url, data = add_form(client)
    response = client.post(url, with_draw(data, empty, 3))
    assert response.status_code == 200
    with translation.override("vi"):
        reason = str(Shortfall(category=empty, wanted=3, available=0))
    assert reason in errors_of(response)
    assert "Ngân hàng/X" in reason
    assert not Quiz.objects.exists()


def test_drawing_more_than_the_category_holds_is_refused(bank, trainer):
    category, questions = bank
    client = client_of(trainer)
    url, data = add_form(client)
    # A fixed question of the category is not drawn again: one left for a draw of two.
    data.update(
        {
            "fixed_questions-TOTAL_FORMS": "1",
            "fixed_questions-0-question": str(questions[0].pk),
            "fixed_questions-0-id": "",
            "fixed_questions-0-DELETE": "",
        }
    )
    response = client.post(url, with_draw(data, category, 2))
    assert response.status_code == 200 and not Quiz.objects.exists()
    response = client.post(url, with_draw(data, category, 1))
    assert response.status_code == 302
    assert Quiz.objects.get().random_draws.get().count == 1


def test_a_quiz_without_questions_is_refused(bank, trainer):
    client = client_of(trainer)
    url, data = add_form(client)
    response = client.post(url, data)
    assert response.status_code == 200
    with translation.override("vi"):
        assert str(Shortfall()) in errors_of(response)
    assert not Quiz.objects.exists()


def test_a_draft_saved_by_a_trainer_is_checked_too(bank, trainer):
    category, _questions = bank
    quiz = Quiz.objects.create(slug="co-san", title="Có sẵn")
    QuizRandomDraw.objects.create(quiz=quiz, category=category, count=2)
    client = client_of(trainer)
    url = reverse("wagtailsnippets_assessments_quiz:edit", args=[quiz.pk])
    data = form_data(client, url)
    data["random_draws-0-count"] = "5"
    response = client.post(url, data)
    assert response.status_code == 200
    assert quiz.latest_revision is None
    quiz.refresh_from_db()
    assert quiz.random_draws.get().count == 2


@pytest.fixture
def drawn_quiz(bank):
    category, _questions = bank
    quiz = Quiz.objects.create(slug="rut-hai", title="Rút hai câu", pass_mark=Decimal("50"))
    QuizRandomDraw.objects.create(quiz=quiz, category=category, count=2)
    return quiz


def test_a_quiz_that_can_no_longer_be_filled_says_so_instead_of_starting(drawn_quiz, bank, learner):
    _category, questions = bank
    questions[1].unpublish()  # a reviewer withdrew a question: one left for a draw of two
    client = client_of(learner)
    page = client.get(reverse("quiz_detail", args=[drawn_quiz.slug])).content.decode()
    soup = BeautifulSoup(page, "html.parser")
    assert not soup.find("form", action=reverse("quiz_start", args=[drawn_quiz.slug]))
    with translation.override("vi"):
        assert str(Shortfall(category=_category, wanted=2, available=1)) in soup.get_text()

    response = client.post(reverse("quiz_start", args=[drawn_quiz.slug]))
    assert response.url == reverse("quiz_detail", args=[drawn_quiz.slug])
    assert not Attempt.objects.exists()
    with pytest.raises(QuizUnavailable):
        attempts.start_or_resume(learner.officer, drawn_quiz)
    assert not Attempt.objects.exists()


def test_an_old_attempt_without_questions_is_closed_and_does_not_count(drawn_quiz, learner):
    drawn_quiz.max_attempts = 1
    drawn_quiz.save()
    empty = Attempt.objects.create(
        quiz=drawn_quiz, officer=learner.officer, number=1, started_at=timezone.now()
    )
    client = client_of(learner)
    # Its page no longer fails: it sends the learner to the quiz.
    response = client.get(reverse("attempt_page", args=[empty.pk]))
    assert response.url == reverse("quiz_detail", args=[drawn_quiz.slug])

    response = client.post(reverse("quiz_start", args=[drawn_quiz.slug]), follow=True)
    empty.refresh_from_db()
    assert empty.state == Attempt.State.VOID
    assert "does not count" in response.content.decode() or "không được tính" in (
        response.content.decode()
    )
    # It did not use up the only attempt: a real one started.
    started = Attempt.objects.exclude(pk=empty.pk).get()
    assert started.slots.count() == 2
    assert response.redirect_chain[-1][0] == reverse("attempt_page", args=[started.pk])
    # The quiz page lists it as closed, with no review to open.
    page = client.get(reverse("quiz_detail", args=[drawn_quiz.slug])).content.decode()
    assert reverse("attempt_review", args=[empty.pk]) not in page
    review = client.get(reverse("attempt_review", args=[empty.pk]))
    assert review.url == reverse("quiz_detail", args=[drawn_quiz.slug])


def test_page_numbers_that_are_not_numbers_do_not_fail(drawn_quiz, learner):
    client = client_of(learner)
    start = client.post(reverse("quiz_start", args=[drawn_quiz.slug]))
    for bad in ("abc", "-1", "99999999999", "1e3", ""):
        assert client.get(f"{start.url}?page={bad}").status_code == 200
    attempt = Attempt.objects.get()
    response = client.post(
        reverse("attempt_save", args=[attempt.pk]), {"positions": "1", "go_to": "abc"}
    )
    assert response.status_code == 302
