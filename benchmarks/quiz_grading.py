"""Time to grade a submitted 30-question attempt (the work done when an officer presses Submit).

Run from the repository root:

    .venv/bin/python benchmarks/quiz_grading.py                  # 200 attempts
    .venv/bin/python benchmarks/quiz_grading.py --attempts 500

The quiz draws 30 of 60 questions (single and multiple choice, true/false, short answers with
accent folding) from a category, as trainers set quizzes up. Each attempt is started, every
question answered at random, and then `attempts.submit` is timed: locking the attempt, grading
each response, storing the marks and the result. It prints p50/p95/max milliseconds and the
database queries per submission. Nothing is asserted: it is a benchmark, not a test. The real
database is never touched (see throwaway.py).
"""

import argparse
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from throwaway import choose_database, throwaway_database  # noqa: E402

choose_database("quiz-grading-bench")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402

from assessments import attempts  # noqa: E402
from assessments.models import (  # noqa: E402
    Answer,
    AttemptQuestion,
    Question,
    QuestionCategory,
    Quiz,
    QuizRandomDraw,
)
from officers.models import JobPosition, Officer  # noqa: E402
from units.loader import load_bundled_dien_bien  # noqa: E402
from units.models import AdministrativeUnit  # noqa: E402

QUESTIONS_IN_BANK = 60
QUESTIONS_PER_ATTEMPT = 30
KINDS = [
    Question.Kind.SINGLE,
    Question.Kind.MULTIPLE,
    Question.Kind.TRUE_FALSE,
    Question.Kind.SHORT,
]


def build_quiz():
    category = QuestionCategory.from_path("Benchmark/Chữ ký số")
    for number in range(QUESTIONS_IN_BANK):
        kind = KINDS[number % len(KINDS)]
        question = Question.objects.create(
            category=category,
            kind=kind,
            name=f"Câu {number}",
            text=f"<p>Câu hỏi số {number} về chữ ký số chuyên dùng công vụ?</p>",
            accent_insensitive=kind == Question.Kind.SHORT,
        )
        if kind == Question.Kind.SINGLE:
            answers = [("Ban Cơ yếu Chính phủ", 1), ("Bộ Công an", 0), ("UBND tỉnh", 0)]
        elif kind == Question.Kind.MULTIPLE:
            answers = [("Hiệu lực", "0.5"), ("Toàn vẹn", "0.5"), ("Màu mực", "-1"), ("Cỡ chữ", 0)]
        elif kind == Question.Kind.TRUE_FALSE:
            answers = [("Đúng", 1), ("Sai", 0)]
        else:
            answers = [("chữ ký số", 1), ("chu ky so*", "0.5")]
        Answer.objects.bulk_create(
            Answer(question=question, text=text, fraction=Decimal(fraction), sort_order=order)
            for order, (text, fraction) in enumerate(answers)
        )
    quiz = Quiz.objects.create(slug="benchmark", title="Benchmark", time_limit_minutes=30)
    QuizRandomDraw.objects.create(quiz=quiz, category=category, count=QUESTIONS_PER_ATTEMPT)
    return quiz


def make_officers(count):
    unit = AdministrativeUnit.objects.current().get(code="03172")
    position = JobPosition.objects.get(code="mot-cua")
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bench{n}") for n in range(count)
    )
    return [
        Officer.objects.create(
            user=user, full_name=f"Lò Văn Bench {n}", unit=unit, job_position=position
        )
        for n, user in enumerate(users)
    ]


def answer_at_random(attempt, rnd):
    slots = list(attempt.slots.select_related("question"))
    for slot in slots:
        if slot.question.kind == Question.Kind.SHORT:
            slot.response = {"text": rnd.choice(["Chữ ký số", "chu ky so cong vu", "", "token"])}
        else:
            count = rnd.randint(1, 2) if slot.question.kind == Question.Kind.MULTIPLE else 1
            shown = [answer_id for _token, answer_id in slot.choices]
            slot.response = {"answers": sorted(rnd.sample(shown, count))}
    AttemptQuestion.objects.bulk_update(slots, ["response"])


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attempts", type=int, default=200)
    args = parser.parse_args()
    rnd = random.Random(2026)

    with throwaway_database() as where:
        print(f"Database: {where}")
        load_bundled_dien_bien()
        quiz = build_quiz()
        officers = make_officers(args.attempts)
        started = []
        for officer in officers:
            attempt = attempts.start_or_resume(officer, quiz, rng=rnd)
            answer_at_random(attempt, rnd)
            started.append(attempt)

        timings, queries = [], []
        for attempt in started:
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                begin = time.perf_counter()
                attempts.submit(attempt)
                timings.append((time.perf_counter() - begin) * 1000)
            queries.append(counter.count)
        percents = [float(a.percent) for a in quiz.attempts.all()]

    print(
        f"Graded {len(timings)} attempts of {QUESTIONS_PER_ATTEMPT} questions "
        f"(mean score {statistics.mean(percents):.1f}%)"
    )
    print(
        f"submit + grade: p50 {percentile(timings, 0.50):.1f} ms, "
        f"p95 {percentile(timings, 0.95):.1f} ms, max {max(timings):.1f} ms; "
        f"queries per submission: {min(queries)}–{max(queries)}"
    )


if __name__ == "__main__":
    main()
