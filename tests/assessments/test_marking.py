"""Essay answers wait in the trainers' marking queue; marking them finishes the attempt."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import attempts
from assessments.marking import MarkOutOfRange, awaiting_marking, mark_answer
from assessments.models import Answer, Attempt, Question, QuestionCategory, Quiz, QuizQuestion
from courses.models import Enrolment
from tests.assessments.answering import chosen
from tests.assessments.test_course_completion import add_quiz_lesson
from tests.courses.pages import make_course
from tests.courses.reading import read
from tests.factories import PASSWORD, OfficerFactory

pytestmark = pytest.mark.django_db

ESSAY_TEXT = "Khi mất USB Token, tôi báo ngay cho văn thư để đề nghị thu hồi chứng thư số."


@pytest.fixture
def essay_quiz(dien_bien):
    category = QuestionCategory.from_path("Tự luận/Chữ ký số")
    essay = Question.objects.create(
        category=category,
        kind=Question.Kind.ESSAY,
        name="Mất token",
        text="<p>Trình bày việc cần làm khi mất USB Token.</p>",
        general_feedback="Báo thu hồi chứng thư số ngay.",
        default_mark=Decimal("2"),
    )
    single = Question.objects.create(
        category=category, kind=Question.Kind.SINGLE, name="Ai cấp?", text="<p>Ai cấp?</p>"
    )
    right = Answer.objects.create(question=single, text="Ban Cơ yếu Chính phủ", fraction=1)
    Answer.objects.create(question=single, text="Bộ Công an", fraction=0)
    quiz = Quiz.objects.create(slug="tu-luan", title="Bài tự luận", pass_mark=Decimal("75"))
    QuizQuestion.objects.create(quiz=quiz, question=single, sort_order=1)
    QuizQuestion.objects.create(quiz=quiz, question=essay, sort_order=2)
    quiz.right_answer = right
    return quiz


def sit(officer, quiz, essay_text=ESSAY_TEXT):
    attempt = attempts.start_or_resume(officer, quiz)
    attempts.save_response(attempt, 1, chosen(attempt, 1, quiz.right_answer.text))
    attempts.save_response(attempt, 2, {"text": essay_text})
    return attempts.submit(attempt)


def test_an_essay_waits_for_marking_and_the_mark_finishes_the_attempt(essay_quiz, trainer):
    attempt = sit(OfficerFactory(), essay_quiz)
    assert attempt.state == Attempt.State.NEEDS_MARKING
    assert attempt.passed is None
    slot = awaiting_marking().get()
    assert slot.response == {"text": ESSAY_TEXT}

    mark_answer(slot, Decimal("1"), "Cần nói rõ báo cho ai.", trainer)

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED
    assert attempt.score == Decimal("2")  # 1 for the choice + 1 of 2 for the essay
    assert attempt.percent == Decimal("66.67")
    assert attempt.passed is False
    assert not awaiting_marking().exists()
    slot.refresh_from_db()
    assert slot.marked_by == trainer and slot.marked_at is not None

    # A second look: the trainer corrects the mark and the attempt is graded again.
    mark_answer(slot, Decimal("2"), "Đầy đủ.", trainer)
    attempt.refresh_from_db()
    assert attempt.percent == Decimal("100.00") and attempt.passed is True


def test_a_mark_outside_zero_to_the_question_mark_is_refused(essay_quiz, trainer):
    sit(OfficerFactory(), essay_quiz)
    slot = awaiting_marking().get()
    for wrong in (Decimal("-1"), Decimal("2.5")):
        with pytest.raises(MarkOutOfRange):
            mark_answer(slot, wrong, "", trainer)
    slot.refresh_from_db()
    assert slot.awarded is None


def test_marking_the_essay_can_complete_the_course(essay_quiz, trainer):
    course = make_course(lessons=1)
    add_quiz_lesson(course, essay_quiz)
    officer = OfficerFactory()
    for lesson in course.lessons():
        enrolment = read(officer, lesson)
    sit(officer, essay_quiz)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None

    mark_answer(awaiting_marking().get(), Decimal("2"), "", trainer)

    assert Enrolment.objects.get(pk=enrolment.pk).completed_at is not None


def test_the_trainer_marks_in_the_admin_and_the_learner_reads_the_comment(
    client, essay_quiz, trainer
):
    officer = OfficerFactory()
    attempt = sit(officer, essay_quiz)
    client.force_login(trainer)
    queue = reverse("marking_queue")

    page = client.get(queue)
    assert page.status_code == 200
    html = page.content.decode()
    assert ESSAY_TEXT in html and officer.full_name in html

    slot = awaiting_marking().get()
    refused = client.post(queue, {"slot": slot.pk, f"slot{slot.pk}-mark": "3"})
    assert refused.status_code == 200
    assert "Điểm không được lớn hơn 2." in refused.content.decode()
    assert awaiting_marking().exists()

    saved = client.post(
        queue,
        {"slot": slot.pk, f"slot{slot.pk}-mark": "1,5", f"slot{slot.pk}-comment": "Khá tốt."},
        follow=True,
    )
    assert "Không có câu trả lời nào chờ chấm" in saved.content.decode()
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED and attempt.score == Decimal("2.5")

    client.logout()
    client.login(username=officer.user.username, password=PASSWORD)
    review = client.get(reverse("attempt_review", args=[attempt.pk])).content.decode()
    assert "Khá tốt." in review
    assert "1,5/2" in review


def test_learners_and_hr_cannot_open_the_marking_queue(client, essay_quiz, learner, hr_na_sang):
    sit(OfficerFactory(), essay_quiz)
    for user in (learner, hr_na_sang):
        client.force_login(user)
        page = client.get(reverse("marking_queue"))
        assert page.status_code in (302, 403)
        assert ESSAY_TEXT not in page.content.decode()
