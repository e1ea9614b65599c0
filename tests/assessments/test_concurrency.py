"""Simultaneous submissions on PostgreSQL: every answer kept, every attempt graded once.

SQLite serialises writers, so this is about PostgreSQL's row locks; CI runs it there.
"""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from assessments import attempts
from assessments.models import Answer, Attempt, Question, QuestionCategory, Quiz, QuizQuestion
from tests.factories import OfficerFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-lock concurrency needs PostgreSQL"
    ),
]

QUESTIONS = 5
OFFICERS = 50
DUPLICATES = 10


@pytest.fixture
def quiz(dien_bien):
    category = QuestionCategory.from_path("Đồng thời")
    quiz = Quiz.objects.create(slug="dong-thoi", title="Đồng thời", layout=Quiz.Layout.ALL)
    for number in range(1, QUESTIONS + 1):
        question = Question.objects.create(
            category=category, kind=Question.Kind.SINGLE, name=f"Câu {number}", text="<p>?</p>"
        )
        Answer.objects.create(question=question, text="Đúng", fraction=1, sort_order=0)
        Answer.objects.create(question=question, text="Sai", fraction=0, sort_order=1)
        QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=number)
    return quiz


def page_post(attempt, right_count):
    """The whole page's answers plus "submit": the first `right_count` questions right."""
    data = {"submit": "1", "positions": []}
    for slot in attempt.slots.select_related("question").prefetch_related("question__answers"):
        right, wrong = (
            sorted(slot.question.answers.all(), key=lambda a: -a.fraction)[0].pk,
            sorted(slot.question.answers.all(), key=lambda a: a.fraction)[0].pk,
        )
        data["positions"].append(slot.position)
        data[f"q{slot.position}-shown"] = "1"
        chosen = right if slot.position <= right_count else wrong
        data[f"q{slot.position}"] = attempts.token_of(slot, chosen)  # as the page posts it
    return data


def run_together(jobs):
    """Run the callables at the same moment, each on its own database connection."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        try:
            barrier.wait()
            return job()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def test_simultaneous_and_duplicate_submissions_grade_each_attempt_once(quiz):
    officers = [OfficerFactory() for _ in range(OFFICERS)]
    own = [attempts.start_or_resume(officer, quiz) for officer in officers]
    jobs = []
    for index, (officer, attempt) in enumerate(zip(officers, own, strict=True)):
        data = page_post(attempt, right_count=index % (QUESTIONS + 1))
        jobs.append(submitter(officer, attempt, data))
    # The same officer's attempt submitted ten times at once (double clicks, two tabs, retries).
    duplicated = own[-1]
    jobs += [jobs[-1]] * (DUPLICATES - 1)
    assert duplicated.officer == officers[-1]

    graded = Counter()
    lock = threading.Lock()
    real_totals = attempts.compute_totals

    def counting_totals(attempt, slots):
        with lock:
            graded[attempt.pk] += 1
        return real_totals(attempt, slots)

    with mock.patch.object(attempts, "compute_totals", counting_totals):
        statuses = run_together(jobs)

    assert statuses == [302] * len(jobs)
    assert graded == Counter({attempt.pk: 1 for attempt in own})
    for index, attempt in enumerate(own):
        attempt.refresh_from_db()
        right = index % (QUESTIONS + 1)
        assert attempt.state == Attempt.State.FINISHED
        assert attempt.score == Decimal(right)
        assert all(slot.response["answers"] for slot in attempt.slots.all())


def submitter(officer, attempt, data):
    def submit():
        client = Client()
        client.force_login(officer.user)
        return client.post(reverse("attempt_save", args=[attempt.pk]), data).status_code

    return submit


def test_simultaneous_starts_create_one_attempt(quiz):
    officer = OfficerFactory()
    started = run_together([lambda: attempts.start_or_resume(officer, quiz).pk] * DUPLICATES)
    assert len(set(started)) == 1
    assert Attempt.objects.filter(officer=officer).count() == 1
