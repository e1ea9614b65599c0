"""Quizzes and questions are versioned like Moodle 4 and go through the course content review
workflow: a trainer's change is a draft until a reviewer approves it, and an attempt keeps the
version of each question it was drawn with."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from wagtail.models import Revision

from assessments import attempts
from assessments.models import (
    Answer,
    Attempt,
    Question,
    QuestionCategory,
    Quiz,
    QuizQuestion,
    QuizRandomDraw,
)
from assessments.versions import question_version
from officers import roles
from tests.admin_forms import form_data
from tests.assessments.answering import chosen
from tests.factories import PASSWORD, OfficerFactory, officer_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(dien_bien):
    return officer_with_role(roles.REVIEWER, "11", username="reviewer.dienbien").user


@pytest.fixture
def question(dien_bien):
    category = QuestionCategory.from_path("Ngân hàng/Chữ ký số")
    question = Question.objects.create(
        category=category,
        kind=Question.Kind.SINGLE,
        name="Ai cấp chứng thư",
        text="<p>Ai cấp chứng thư số chuyên dùng công vụ?</p>",
    )
    Answer.objects.create(question=question, text="Ban Cơ yếu Chính phủ", fraction=1)
    Answer.objects.create(question=question, text="Bộ Công an", fraction=0)
    return question


@pytest.fixture
def quiz(question):
    quiz = Quiz.objects.create(
        slug="kiem-tra-cks", title="Kiểm tra", pass_mark=Decimal("80"), max_attempts=3
    )
    QuizQuestion.objects.create(quiz=quiz, question=question)
    return quiz


def signed_in(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def edit_url(model, obj):
    return reverse(f"wagtailsnippets_assessments_{model}:edit", args=[obj.pk])


def edit(client, model, obj, action=None, **changes):
    url = edit_url(model, obj)
    data = form_data(client, url)
    data.update(changes)
    if action:
        data[action] = "1"
    return client.post(url, data)


def approve(client, model, obj):
    obj.refresh_from_db()
    task_state = obj.current_workflow_task_state
    assert task_state is not None, "nothing awaits review"
    url = reverse(
        f"wagtailsnippets_assessments_{model}:workflow_action",
        args=[obj.pk, "approve", task_state.pk],
    )
    response = client.post(url, {"comment": ""})
    assert response.status_code in (200, 302), response.status_code
    obj.refresh_from_db()


def test_a_trainers_change_to_a_live_quiz_is_a_draft_until_approved(
    quiz, trainer, reviewer, learner
):
    trainer_client = signed_in(trainer)
    response = edit(trainer_client, "quiz", quiz, pass_mark="0", max_attempts="0")
    assert response.status_code == 302

    quiz.refresh_from_db()
    assert (quiz.pass_mark, quiz.max_attempts) == (Decimal("80"), 3)  # the live version
    assert quiz.has_unpublished_changes
    page = signed_in(learner).get(reverse("quiz_detail", args=[quiz.slug])).content.decode()
    assert "80" in page and "3" in page

    # Publishing is not the trainer's: the row stays as it was.
    edit(trainer_client, "quiz", quiz, action="action-publish", pass_mark="0")
    quiz.refresh_from_db()
    assert quiz.pass_mark == Decimal("80")

    edit(trainer_client, "quiz", quiz, action="action-submit", pass_mark="0", max_attempts="0")
    quiz.refresh_from_db()
    assert quiz.pass_mark == Decimal("80")
    assert quiz.current_workflow_state is not None

    approve(signed_in(reviewer), "quiz", quiz)
    assert (quiz.pass_mark, quiz.max_attempts) == (Decimal("0"), 0)
    assert quiz.live and not quiz.has_unpublished_changes


def test_the_quizs_history_shows_who_changed_what(quiz, trainer, reviewer):
    trainer_client = signed_in(trainer)
    edit(trainer_client, "quiz", quiz, action="action-submit", pass_mark="70")
    approve(signed_in(reviewer), "quiz", quiz)
    history = signed_in(reviewer).get(
        reverse("wagtailsnippets_assessments_quiz:history", args=[quiz.pk])
    )
    text = BeautifulSoup(history.content.decode(), "html.parser").get_text(" ", strip=True)
    trainer_name = trainer.get_full_name() or trainer.get_username()
    reviewer_name = reviewer.get_full_name() or reviewer.get_username()
    assert trainer_name in text and reviewer_name in text
    revisions = Revision.objects.for_instance(quiz).order_by("created_at")
    assert revisions.last().content["pass_mark"] in ("70", "70.00")
    assert quiz.live_revision == revisions.last()


def test_a_trainers_change_to_a_question_is_not_drawn_until_approved(
    quiz, question, trainer, reviewer
):
    trainer_client = signed_in(trainer)
    data = form_data(trainer_client, edit_url("question", question))
    # Make the wrong answer the right one, and the right one wrong.
    answers = {data[f"answers-{n}-text"]: n for n in range(2)}
    data[f"answers-{answers['Bộ Công an']}-fraction"] = "1"
    data[f"answers-{answers['Ban Cơ yếu Chính phủ']}-fraction"] = "0"
    data["action-submit"] = "1"
    assert trainer_client.post(edit_url("question", question), data).status_code == 302

    officer = OfficerFactory()
    before = attempts.start_or_resume(officer, quiz)
    attempts.save_response(before, 1, chosen(before, 1, "Ban Cơ yếu Chính phủ"))
    assert attempts.submit(before).passed  # the live version is still the old one

    approve(signed_in(reviewer), "question", question)
    after = attempts.start_or_resume(officer, quiz)
    attempts.save_response(after, 1, chosen(after, 1, "Bộ Công an"))
    assert attempts.submit(after).passed


def test_past_attempts_keep_their_grade_and_review_when_a_question_changes(quiz, question, learner):
    officer = learner.officer
    attempt = attempts.start_or_resume(officer, quiz)
    attempts.save_response(attempt, 1, chosen(attempt, 1, "Ban Cơ yếu Chính phủ"))
    attempt = attempts.submit(attempt)
    assert attempt.passed and attempt.percent == 100

    # A new version: the right answer reworded, a wrong one removed, fractions swapped.
    right, wrong = question.answers.order_by("pk")
    right.text, right.fraction = "Ban Cơ yếu (đã sửa)", Decimal("0")
    wrong.fraction = Decimal("1")
    question.text = "<p>Câu hỏi đã sửa</p>"
    question.save_revision().publish()
    Answer.objects.filter(pk=wrong.pk).delete()  # and the other answer gone from the bank

    attempt.refresh_from_db()
    assert attempt.passed and attempt.percent == 100
    review = signed_in(learner).get(reverse("attempt_review", args=[attempt.pk]))
    html = review.content.decode()
    assert "Ban Cơ yếu Chính phủ" in html and "Ai cấp chứng thư số" in html
    assert "đã sửa" not in html

    # Marking again (a regrade) reads the version the attempt was drawn with too.
    slot = attempt.slots.get()
    version = question_version(slot.question_revision)
    assert [a.text for a in version.answers.all()] == ["Ban Cơ yếu Chính phủ", "Bộ Công an"]


def test_the_revisions_attempts_use_survive_wagtails_purge(quiz, question):
    attempt = attempts.submit(attempts.start_or_resume(OfficerFactory(), quiz))
    used = attempt.slots.get().question_revision_id
    question.text = "<p>Mới</p>"
    question.save_revision().publish()
    question.text = "<p>Mới hơn</p>"
    question.save_revision().publish()
    call_command("purge_revisions", verbosity=0)
    assert Revision.objects.filter(pk=used).exists()


def test_approving_a_quiz_publishes_the_new_questions_it_draws(quiz, trainer, reviewer, question):
    new = Question.objects.create(
        category=question.category,
        kind=Question.Kind.TRUE_FALSE,
        name="Mất token",
        text="<p>Mất token phải báo thu hồi.</p>",
        live=False,
    )
    Answer.objects.create(question=new, text="Đúng", fraction=1)
    Answer.objects.create(question=new, text="Sai", fraction=0)
    new.save_revision(user=trainer)
    trainer_client = signed_in(trainer)
    edit(
        trainer_client,
        "quiz",
        quiz,
        action="action-submit",
        **{
            "random_draws-TOTAL_FORMS": "1",
            "random_draws-0-category": str(question.category.pk),
            "random_draws-0-count": "1",
            "random_draws-0-id": "",
            "random_draws-0-DELETE": "",
        },
    )
    new.refresh_from_db()
    assert not new.live

    approve(signed_in(reviewer), "quiz", quiz)
    new.refresh_from_db()
    assert new.live and new.live_revision is not None
    attempt = attempts.start_or_resume(OfficerFactory(), quiz)
    assert {slot.question_id for slot in attempt.slots.all()} == {question.pk, new.pk}


def test_new_questions_are_drafts_that_are_never_drawn(quiz, question):
    Question.objects.create(
        category=question.category,
        kind=Question.Kind.SINGLE,
        name="Nháp",
        text="<p>Nháp</p>",
        live=False,
    )
    QuizRandomDraw.objects.create(quiz=quiz, category=question.category, count=1)
    # Only the fixed question is live: the draw cannot be filled, so no attempt starts.
    from assessments.drawing import QuizUnavailable

    with pytest.raises(QuizUnavailable):
        attempts.start_or_resume(OfficerFactory(), quiz)
    assert not Attempt.objects.exists()


def test_learners_do_not_see_quizzes_not_yet_approved(question, learner):
    draft = Quiz.objects.create(slug="nhap", title="Nháp", live=False)
    QuizQuestion.objects.create(quiz=draft, question=question)
    client = signed_in(learner)
    assert client.get(reverse("quiz_detail", args=[draft.slug])).status_code == 404
    assert client.post(reverse("quiz_start", args=[draft.slug])).status_code == 404
    assert not Attempt.objects.exists()


def test_a_trainer_cannot_save_a_quiz_another_has_locked(quiz, trainer, dien_bien):
    other = officer_with_role(roles.TRAINER, "11", username="trainer.khac").user
    quiz.locked, quiz.locked_by = True, other
    quiz.save(update_fields=["locked", "locked_by"])
    client = signed_in(trainer)
    url = edit_url("quiz", quiz)
    data = form_data(client, url)
    data["pass_mark"] = "10"
    client.post(url, data)
    quiz.refresh_from_db()
    assert quiz.latest_revision is None or quiz.latest_revision.content["pass_mark"] != "10"


def test_a_quiz_officers_have_taken_is_not_deleted_and_the_admin_says_why(quiz, administrator):
    attempts.submit(attempts.start_or_resume(OfficerFactory(), quiz))
    client = signed_in(administrator)
    response = client.post(
        reverse("wagtailsnippets_assessments_quiz:delete", args=[quiz.pk]), follow=True
    )
    assert response.status_code == 200
    assert Quiz.objects.filter(pk=quiz.pk).exists() and Attempt.objects.exists()
    assert (
        quiz.title
        in BeautifulSoup(response.content.decode(), "html.parser")
        .select_one(".messages")
        .get_text()
    )


def test_a_quiz_nobody_took_can_be_deleted(question, administrator):
    unused = Quiz.objects.create(slug="khong-dung", title="Không dùng")
    client = signed_in(administrator)
    client.post(reverse("wagtailsnippets_assessments_quiz:delete", args=[unused.pk]))
    assert not Quiz.objects.filter(pk=unused.pk).exists()
