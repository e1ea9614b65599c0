"""Learners take a quiz in the browser; nothing about right answers reaches them early."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import attempts
from assessments.models import Answer, Attempt, Question, QuestionCategory, Quiz, QuizQuestion
from tests.factories import PASSWORD, OfficerFactory

pytestmark = pytest.mark.django_db

RIGHT_FEEDBACK = "Chính xác: Ban Cơ yếu Chính phủ cấp chứng thư."
WRONG_FEEDBACK = "Chưa đúng: xem lại bài 1."
GENERAL = "Nghị định 68/2024/NĐ-CP quy định việc cấp chứng thư."


@pytest.fixture
def quiz(db):
    category = QuestionCategory.from_path("Ngân hàng/Chữ ký số")
    single = Question.objects.create(
        category=category,
        kind=Question.Kind.SINGLE,
        name="Ai cấp",
        text="<p>Ai cấp chứng thư chuyên dùng công vụ?</p>",
        general_feedback=GENERAL,
    )
    Answer.objects.create(
        question=single, text="Ban Cơ yếu Chính phủ", fraction=1, feedback=RIGHT_FEEDBACK
    )
    Answer.objects.create(question=single, text="Bộ Công an", fraction=0, feedback=WRONG_FEEDBACK)
    short = Question.objects.create(
        category=category,
        kind=Question.Kind.SHORT,
        name="Người ký số của cơ quan",
        text="<p>Ai ký số của cơ quan khi phát hành?</p>",
        accent_insensitive=True,
    )
    Answer.objects.create(question=short, text="văn thư", fraction=1)
    quiz = Quiz.objects.create(
        slug="kiem-tra-cks",
        title="Kiểm tra chữ ký số",
        pass_mark=Decimal("50"),
        time_limit_minutes=20,
        review_right_answers=False,
    )
    QuizQuestion.objects.create(quiz=quiz, question=single, sort_order=0)
    QuizQuestion.objects.create(quiz=quiz, question=short, sort_order=1)
    return quiz


@pytest.fixture
def taking(client, learner, quiz):
    client.login(username=learner.username, password=PASSWORD)
    response = client.post(reverse("quiz_start", args=[quiz.slug]))
    attempt = Attempt.objects.get(officer=learner.officer, quiz=quiz)
    assert response.url == reverse("attempt_page", args=[attempt.pk])
    return client, attempt


def choice_id(attempt, text):
    return attempt.slots.get(position=1).question.answers.get(text=text).pk


def token(attempt, text):
    """What the page posts for the choice with this text."""
    return attempts.token_of(attempt.slots.get(position=1), choice_id(attempt, text))


def test_the_attempt_page_shows_no_answer_worth_or_feedback(taking):
    client, attempt = taking
    pages = [
        client.get(reverse("attempt_page", args=[attempt.pk]) + f"?page={n}").content.decode()
        for n in (1, 2)
    ]
    html = "\n".join(pages)
    assert "Ban Cơ yếu Chính phủ" in html and "Bộ Công an" in html
    for secret in (RIGHT_FEEDBACK, WRONG_FEEDBACK, GENERAL, "văn thư", "fraction"):
        assert secret not in html
    assert not re.search(r"data-(correct|right|fraction)", html)


def test_autosave_answers_in_json_without_revealing_anything(taking):
    client, attempt = taking
    response = client.post(
        reverse("attempt_save", args=[attempt.pk]),
        {"positions": "1", "q1-shown": "1", "q1": token(attempt, "Bộ Công an")},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.json() == {"saved": True}
    assert attempt.slots.get(position=1).response == {"answers": [choice_id(attempt, "Bộ Công an")]}


def test_a_dropped_connection_loses_nothing_and_the_attempt_resumes(taking, learner, quiz):
    client, attempt = taking
    client.post(
        reverse("attempt_save", args=[attempt.pk]),
        {"positions": "2", "q2-text": "Van thu"},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    client.logout()  # the phone lost the page; later the officer comes back
    client.login(username=learner.username, password=PASSWORD)
    again = client.post(reverse("quiz_start", args=[quiz.slug]))
    assert again.url == reverse("attempt_page", args=[attempt.pk])
    page = client.get(again.url + "?page=2").content.decode()
    assert 'value="Van thu"' in page


def test_submitting_grades_and_the_review_follows_the_review_options(taking):
    client, attempt = taking
    client.post(
        reverse("attempt_save", args=[attempt.pk]),
        {"positions": "1", "q1-shown": "1", "q1": token(attempt, "Bộ Công an")},
    )
    response = client.post(
        reverse("attempt_save", args=[attempt.pk]),
        {"positions": "2", "q2-text": "Văn thư", "submit": "1"},
        follow=True,
    )
    page = response.content.decode()
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED
    assert attempt.percent == Decimal("50.00")
    assert "50%" in page
    assert WRONG_FEEDBACK in page  # feedback on the chosen answer
    assert RIGHT_FEEDBACK not in page  # not chosen, and right answers are hidden
    assert GENERAL in page


def test_a_second_submission_changes_nothing(taking):
    client, attempt = taking
    client.post(reverse("attempt_save", args=[attempt.pk]), {"submit": "1"})
    attempt.refresh_from_db()
    first = attempt.submitted_at
    client.post(reverse("attempt_save", args=[attempt.pk]), {"submit": "1"})
    attempt.refresh_from_db()
    assert attempt.submitted_at == first


def test_an_answer_sent_after_the_time_limit_is_not_counted(taking):
    client, attempt = taking
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - attempts.GRACE - timedelta(seconds=1)
    )
    response = client.post(
        reverse("attempt_save", args=[attempt.pk]),
        {"positions": "1", "q1-shown": "1", "q1": token(attempt, "Ban Cơ yếu Chính phủ")},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 409
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED
    assert attempt.slots.get(position=1).response is None


def test_learners_cannot_see_or_change_another_learners_attempt(client, taking, dien_bien):
    _client, attempt = taking
    other = OfficerFactory()
    client.login(username=other.user.username, password=PASSWORD)
    for name in ("attempt_page", "attempt_review"):
        assert client.get(reverse(name, args=[attempt.pk])).status_code == 404
    response = client.post(reverse("attempt_save", args=[attempt.pk]), {"submit": "1"})
    assert response.status_code == 404
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.IN_PROGRESS


def test_the_lesson_links_to_the_quiz_it_places(client, learner, quiz):
    from courses.models import LessonPage
    from tests.courses.pages import make_course, publish

    course = make_course(lessons=1)
    lesson = publish(
        course,
        LessonPage(
            title="Kiểm tra cuối khóa",
            slug="kiem-tra-cuoi-khoa",
            body=[{"type": "quiz", "value": {"introduction": "", "quiz": quiz.pk}}],
        ),
    )
    client.login(username=learner.username, password=PASSWORD)
    page = client.get(lesson.url).content.decode()
    assert reverse("quiz_detail", args=[quiz.slug]) in page


def test_scripts_in_imported_question_html_never_reach_the_learner(client, learner, quiz):
    question = quiz.fixed_questions.first().question
    question.text = (
        '<p onclick="steal()">Ai cấp?<script>steal()</script><img src=x onerror=steal()></p>'
    )
    question.save()
    answer = question.answers.first()
    answer.text = '<a href="javascript:steal()">Ban Cơ yếu Chính phủ</a>'
    answer.save()
    client.login(username=learner.username, password=PASSWORD)
    response = client.post(reverse("quiz_start", args=[quiz.slug]), follow=True)
    page = response.content.decode()
    assert "Ai cấp?" in page and "Ban Cơ yếu Chính phủ" in page
    assert "steal()" not in page


@pytest.mark.parametrize("asked, shown", [("²", 1), ("-1", 1), ("hai", 1), ("99", 2)])
def test_an_odd_page_number_shows_the_nearest_page_of_the_quiz(taking, asked, shown):
    client, attempt = taking
    response = client.get(reverse("attempt_page", args=[attempt.pk]), {"page": asked})
    assert response.status_code == 200
    expected = attempt.slots.get(position=shown).question.text
    assert expected in response.content.decode()
