"""Attempts at a quiz: starting with drawn questions, autosaving, submitting once, grading."""

import random
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from officers.models import Officer

from .grading import response_fraction
from .models import Attempt, AttemptQuestion, Question, Quiz

# An answer that arrives this long after the time limit still counts (network delays).
GRACE = timedelta(seconds=settings.QUIZ_GRACE_SECONDS)
MAX_TEXT = 10_000


# The default of `since` below: the officer's current round, looked up.
_ROUND = object()


class AttemptError(Exception):
    pass


class NoAttemptsLeft(AttemptError):
    pass


class AttemptClosed(AttemptError):
    pass


class TimeIsUp(AttemptError):
    pass


class InvalidResponse(AttemptError):
    pass


def draw_questions(quiz, rng=random):
    """The fixed questions in order, then the random draws (no question twice)."""
    chosen = [item.question for item in quiz.fixed_questions.select_related("question")]
    taken = {question.pk for question in chosen}
    for draw in quiz.random_draws.select_related("category"):
        pool = list(draw.category.questions.exclude(pk__in=taken))
        picked = rng.sample(pool, min(draw.count, len(pool)))
        chosen += picked
        taken.update(question.pk for question in picked)
    return chosen


@transaction.atomic
def start_or_resume(officer, quiz, now=None, rng=random):
    """The officer's attempt in progress, or a new one; an expired one is submitted first."""
    now = now or timezone.now()
    # One officer at a time: two "Start" clicks must not both create attempt number n + 1.
    Officer.objects.select_for_update().filter(pk=officer.pk).exists()
    current = (
        Attempt.objects.select_for_update()
        .filter(quiz=quiz, officer=officer, state=Attempt.State.IN_PROGRESS)
        .first()
    )
    if current and current.deadline and now > current.deadline + GRACE:
        submit(current, now=now)
        current = None
    if current:
        return current
    if quiz.max_attempts and attempts_used(officer, quiz) >= quiz.max_attempts:
        raise NoAttemptsLeft
    attempt = Attempt.objects.create(
        quiz=quiz,
        officer=officer,
        number=Attempt.objects.filter(quiz=quiz, officer=officer).count() + 1,
        started_at=now,
        deadline=now + timedelta(minutes=quiz.time_limit_minutes)
        if quiz.time_limit_minutes
        else None,
    )
    slots = []
    for position, question in enumerate(draw_questions(quiz, rng), start=1):
        answer_ids = list(question.answers.values_list("pk", flat=True))
        if (
            quiz.shuffle_answers
            and question.shuffle_answers
            and question.kind != Question.Kind.TRUE_FALSE
        ):
            rng.shuffle(answer_ids)
        slots.append(
            AttemptQuestion(
                attempt=attempt,
                question=question,
                position=position,
                mark=question.default_mark,
                answer_order=answer_ids,
            )
        )
    AttemptQuestion.objects.bulk_create(slots)
    attempt.max_score = sum((slot.mark for slot in slots), Decimal("0"))
    attempt.save(update_fields=["max_score"])
    return attempt


def clean_response(slot, response):
    """The response in its stored shape, or InvalidResponse."""
    kind = slot.question.kind
    if kind in (Question.Kind.SHORT, Question.Kind.ESSAY):
        text = str((response or {}).get("text", ""))
        if len(text) > MAX_TEXT:
            raise InvalidResponse
        return {"text": text}
    answers = [int(a) for a in (response or {}).get("answers", [])]
    if not set(answers) <= set(slot.answer_order):
        raise InvalidResponse
    if kind != Question.Kind.MULTIPLE and len(answers) > 1:
        raise InvalidResponse
    return {"answers": sorted(set(answers))}


@transaction.atomic
def save_response(attempt, position, response, now=None):
    """Keep a learner's answer as they go (autosave). Refused after the time limit."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.state != Attempt.State.IN_PROGRESS:
        raise AttemptClosed
    if attempt.deadline and now > attempt.deadline + GRACE:
        raise TimeIsUp
    slot = attempt.slots.select_related("question").get(position=position)
    slot.response = clean_response(slot, response)
    slot.saved_at = now
    slot.save(update_fields=["response", "saved_at"])
    return slot


@transaction.atomic
def submit(attempt, now=None):
    """Grade the attempt exactly once; a second submission (double click, two tabs) is a no-op."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.state != Attempt.State.IN_PROGRESS:
        return attempt
    slots = list(attempt.slots.select_related("question").prefetch_related("question__answers"))
    waiting = False
    for slot in slots:
        fraction = response_fraction(slot.question, slot.question.answers.all(), slot.response)
        if fraction is None:
            waiting = True
            slot.awarded = None
        else:
            slot.awarded = fraction * slot.mark
    AttemptQuestion.objects.bulk_update(slots, ["awarded"])
    attempt.submitted_at = now
    attempt.state = Attempt.State.NEEDS_MARKING if waiting else Attempt.State.FINISHED
    compute_totals(attempt, slots)
    attempt.save()
    if attempt.state == Attempt.State.FINISHED:
        from .completion import on_attempt_finished

        on_attempt_finished(attempt)
    return attempt


def compute_totals(attempt, slots):
    """Score, percentage and pass/fail once every answer is marked; blank until then."""
    if attempt.state != Attempt.State.FINISHED:
        attempt.score = attempt.percent = attempt.passed = None
        return
    attempt.score = sum((slot.awarded for slot in slots), Decimal("0"))
    attempt.percent = (
        (attempt.score * 100 / attempt.max_score).quantize(Decimal("0.01"))
        if attempt.max_score
        else Decimal("0")
    )
    attempt.passed = attempt.percent >= attempt.quiz.pass_mark


def round_started(officer, quiz):
    """When the officer's current round of the quiz began: the latest new round of a course
    placing the quiz that they are taking again, None when they never took one again."""
    from .completion import quiz_round_started

    return quiz_round_started(officer, quiz)


def attempts_used(officer, quiz, since=_ROUND):
    """Attempts the officer started in the current round, which max_attempts limits."""
    if since is _ROUND:
        since = round_started(officer, quiz)
    started = Attempt.objects.filter(quiz=quiz, officer=officer)
    if since is not None:
        started = started.filter(started_at__gte=since)
    return started.count()


def final_attempt(officer, quiz, since=_ROUND):
    """The attempt that counts, by the quiz's grading method, among the finished attempts
    submitted since `since` (by default the officer's current round; None: all of them)."""
    if since is _ROUND:
        since = round_started(officer, quiz)
    finished = Attempt.objects.filter(quiz=quiz, officer=officer, state=Attempt.State.FINISHED)
    if since is not None:
        finished = finished.filter(submitted_at__gte=since)
    if quiz.grading == Quiz.Grading.FIRST:
        return finished.order_by("number").first()
    if quiz.grading == Quiz.Grading.LAST:
        return finished.order_by("-number").first()
    return finished.order_by("-percent", "number").first()


def has_passed(officer, quiz, since=_ROUND):
    best = final_attempt(officer, quiz, since)
    return bool(best and best.passed)
