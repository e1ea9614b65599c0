"""A quiz attempt: drawn on the server, autosaved, submitted and graded once."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments import attempts
from assessments.grading import response_fraction
from assessments.models import (
    Answer,
    Attempt,
    Question,
    QuestionCategory,
    Quiz,
    QuizQuestion,
    QuizRandomDraw,
)
from tests.assessments.answering import chosen
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


def make_question(category, kind, name, answers, **options):
    question = Question.objects.create(
        category=category, kind=kind, name=name, text=f"<p>{name}</p>", **options
    )
    for order, (text, fraction) in enumerate(answers):
        Answer.objects.create(
            question=question, text=text, fraction=Decimal(fraction), sort_order=order
        )
    return question


@pytest.fixture
def bank(db):
    category = QuestionCategory.from_path("Ngân hàng/Chữ ký số")
    return {
        "category": category,
        "single": make_question(
            category,
            Question.Kind.SINGLE,
            "Ai cấp chứng thư?",
            [("Ban Cơ yếu Chính phủ", 1), ("Bộ Công an", 0), ("UBND tỉnh", 0)],
        ),
        "multiple": make_question(
            category,
            Question.Kind.MULTIPLE,
            "Kiểm tra chữ ký số gồm?",
            [("Hiệu lực chứng thư", "0.5"), ("Toàn vẹn tệp", "0.5"), ("Màu mực", "-1")],
        ),
        "truefalse": make_question(
            category,
            Question.Kind.TRUE_FALSE,
            "Token mất phải báo thu hồi",
            [("Đúng", 1), ("Sai", 0)],
        ),
        "short": make_question(
            category,
            Question.Kind.SHORT,
            "Tên loại chữ ký dùng trong công vụ",
            [("chữ ký số chuyên dùng công vụ", 1), ("chữ ký số chuyên dùng*", "0.5")],
            accent_insensitive=True,
        ),
        "essay": make_question(category, Question.Kind.ESSAY, "Mô tả quy trình ký số", []),
    }


def answer_ids(question, *texts):
    return [a.pk for a in question.answers.all() if a.text in texts]


def quiz_of(*questions, **rules):
    quiz = Quiz.objects.create(slug=f"quiz-{Quiz.objects.count()}", title="Kiểm tra", **rules)
    for order, question in enumerate(questions):
        QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=order)
    return quiz


@pytest.fixture
def officer(dien_bien):
    return OfficerFactory()


def test_single_choice_earns_the_chosen_answers_share(bank):
    q = bank["single"]
    assert (
        response_fraction(q, q.answers.all(), {"answers": answer_ids(q, "Ban Cơ yếu Chính phủ")})
        == 1
    )
    assert response_fraction(q, q.answers.all(), {"answers": answer_ids(q, "Bộ Công an")}) == 0
    assert response_fraction(q, q.answers.all(), None) == 0


def test_multiple_choice_gives_partial_credit_and_penalties_never_below_zero(bank):
    q = bank["multiple"]
    half = {"answers": answer_ids(q, "Hiệu lực chứng thư")}
    both = {"answers": answer_ids(q, "Hiệu lực chứng thư", "Toàn vẹn tệp")}
    penalised = {"answers": answer_ids(q, "Hiệu lực chứng thư", "Màu mực")}
    assert response_fraction(q, q.answers.all(), half) == Decimal("0.5")
    assert response_fraction(q, q.answers.all(), both) == 1
    assert response_fraction(q, q.answers.all(), penalised) == 0


def test_short_answers_ignore_accents_case_and_allow_wildcards_when_asked(bank):
    q = bank["short"]
    answers = q.answers.all()
    assert response_fraction(q, answers, {"text": "Chu ky so chuyen dung cong vu"}) == 1
    assert response_fraction(q, answers, {"text": "chữ ký số chuyên dùng của ngành"}) == Decimal(
        "0.5"
    )
    assert response_fraction(q, answers, {"text": "chữ ký điện tử"}) == 0
    q.accent_insensitive = False
    assert response_fraction(q, answers, {"text": "chu ky so chuyen dung cong vu"}) == 0


def test_an_essay_waits_for_a_person_to_mark_it(bank):
    assert response_fraction(bank["essay"], [], {"text": "Cắm token, mở vSignPDF…"}) is None


def test_an_attempt_draws_fixed_then_random_questions_without_repeats(bank, officer):
    quiz = quiz_of(bank["single"])
    QuizRandomDraw.objects.create(quiz=quiz, category=bank["category"], count=2)
    attempt = attempts.start_or_resume(officer, quiz, rng=random.Random(1))
    questions = [slot.question_id for slot in attempt.slots.all()]
    assert questions[0] == bank["single"].pk
    assert len(questions) == 3 == len(set(questions))
    assert attempt.max_score == 3


def test_reopening_the_quiz_resumes_the_attempt_in_progress(bank, officer):
    quiz = quiz_of(bank["single"], bank["truefalse"])
    first = attempts.start_or_resume(officer, quiz)
    attempts.save_response(first, 1, chosen(first, 1, "Bộ Công an"))
    again = attempts.start_or_resume(officer, quiz)
    assert again.pk == first.pk
    assert again.slots.get(position=1).response == {
        "answers": answer_ids(bank["single"], "Bộ Công an")
    }


def test_answers_are_graded_once_even_when_submitted_twice(bank, officer):
    quiz = quiz_of(bank["single"], bank["multiple"], pass_mark=Decimal("70"))
    attempt = attempts.start_or_resume(officer, quiz)
    attempts.save_response(attempt, 1, chosen(attempt, 1, "Ban Cơ yếu Chính phủ"))
    attempts.save_response(attempt, 2, chosen(attempt, 2, "Toàn vẹn tệp"))
    first = attempts.submit(attempt)
    later = timezone.now() + timedelta(minutes=5)
    second = attempts.submit(attempt, now=later)
    assert (first.score, first.percent, first.passed) == (Decimal("1.5"), Decimal("75.00"), True)
    assert second.submitted_at == first.submitted_at
    assert second.score == first.score
    with pytest.raises(attempts.AttemptClosed):
        attempts.save_response(attempt, 1, {"answers": []})


def test_an_answer_after_the_time_limit_and_grace_is_not_counted(bank, officer):
    quiz = quiz_of(bank["single"], time_limit_minutes=10)
    start = timezone.now()
    attempt = attempts.start_or_resume(officer, quiz, now=start)
    right = chosen(attempt, 1, "Ban Cơ yếu Chính phủ")
    within_grace = start + timedelta(minutes=10, seconds=5)
    attempts.save_response(attempt, 1, right, now=within_grace)
    with pytest.raises(attempts.TimeIsUp):
        attempts.save_response(attempt, 1, {"answers": []}, now=start + timedelta(minutes=11))
    assert attempts.submit(attempt).passed


def test_an_expired_attempt_is_submitted_when_the_learner_comes_back(bank, officer):
    quiz = quiz_of(bank["single"], time_limit_minutes=5)
    start = timezone.now()
    old = attempts.start_or_resume(officer, quiz, now=start)
    new = attempts.start_or_resume(officer, quiz, now=start + timedelta(hours=1))
    old.refresh_from_db()
    assert old.state == Attempt.State.FINISHED
    assert new.number == 2


def test_no_attempt_beyond_the_maximum(bank, officer):
    quiz = quiz_of(bank["single"], max_attempts=1)
    attempts.submit(attempts.start_or_resume(officer, quiz))
    with pytest.raises(attempts.NoAttemptsLeft):
        attempts.start_or_resume(officer, quiz)


def test_attempts_left_counts_down_to_zero_and_is_none_without_a_maximum(bank, officer):
    limited = quiz_of(bank["single"], max_attempts=2)
    assert attempts.attempts_left(officer, limited) == 2
    attempts.submit(attempts.start_or_resume(officer, limited))
    assert attempts.attempts_left(officer, limited) == 1
    attempts.start_or_resume(officer, limited)  # an attempt in progress is used already
    assert attempts.attempts_left(officer, limited) == 0
    # Lowering the maximum below the attempts used leaves none, not a negative number.
    limited.max_attempts = 1
    assert attempts.attempts_left(officer, limited) == 0

    unlimited = quiz_of(bank["single"], max_attempts=0)
    attempts.submit(attempts.start_or_resume(officer, unlimited))
    assert attempts.attempts_left(officer, unlimited) is None


def test_responses_must_be_choices_of_the_question_under_this_attempts_tokens(bank, officer):
    quiz = quiz_of(bank["single"], bank["multiple"])
    attempt = attempts.start_or_resume(officer, quiz)
    refused = [
        {"answers": answer_ids(bank["multiple"], "Màu mực")},  # another question's answer id
        {"answers": answer_ids(bank["single"], "Bộ Công an")},  # its own answer, by id
        chosen(attempt, 2, "Màu mực"),  # a token of another question
        {"answers": ["not-a-token"]},
    ]
    for response in refused:
        with pytest.raises(attempts.InvalidResponse):
            attempts.save_response(attempt, 1, response)
    two = chosen(attempt, 1, "Bộ Công an", "UBND tỉnh")
    with pytest.raises(attempts.InvalidResponse):
        attempts.save_response(attempt, 1, two)
    other = attempts.start_or_resume(OfficerFactory(), quiz)
    with pytest.raises(attempts.InvalidResponse):
        attempts.save_response(attempt, 1, chosen(other, 1, "Bộ Công an"))


def test_an_essay_leaves_the_attempt_waiting_for_marking(bank, officer):
    quiz = quiz_of(bank["single"], bank["essay"])
    attempt = attempts.start_or_resume(officer, quiz)
    attempts.save_response(attempt, 2, {"text": "Cắm USB token, mở vSignPDF, chọn tệp, ký."})
    submitted = attempts.submit(attempt)
    assert submitted.state == Attempt.State.NEEDS_MARKING
    assert submitted.passed is None


@pytest.mark.parametrize(("grading", "counted"), [("highest", 2), ("last", 3), ("first", 1)])
def test_the_grading_method_picks_the_attempt_that_counts(bank, officer, grading, counted):
    quiz = quiz_of(bank["single"], grading=grading, pass_mark=Decimal("50"))
    choices = ["Bộ Công an", "Ban Cơ yếu Chính phủ", "UBND tỉnh"]
    for choice in choices:
        attempt = attempts.start_or_resume(officer, quiz)
        attempts.save_response(attempt, 1, chosen(attempt, 1, choice))
        attempts.submit(attempt)
    assert attempts.final_attempt(officer, quiz).number == counted
    assert attempts.has_passed(officer, quiz) == (grading == "highest")


def test_short_answers_stored_as_html_match_the_plain_text_typed(bank):
    question = make_question(
        bank["category"], Question.Kind.SHORT, "Nhà mạng", [("AT&amp;T &lt;Mỹ&gt;", 1)]
    )
    assert response_fraction(question, question.answers.all(), {"text": "at&t <mỹ>"}) == 1
