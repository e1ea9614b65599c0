"""Attempts at a quiz: starting with drawn questions, autosaving, submitting once, grading.

Each slot keeps the version of its question it was drawn with (versions.py) and shows its
choices under tokens made for the attempt: the page never carries an answer's id, and the
order shown is shuffled with the system's randomness (drawing.py), so nothing a script can read
tells a right answer from a wrong one.
"""

import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from officers.models import Officer

from .drawing import SYSTEM_RANDOM, draw_questions
from .grading import response_fraction
from .models import Attempt, AttemptQuestion, Question, Quiz
from .versions import QuestionVersions, live_revision, question_version

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


SHUFFLED_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE)


def shuffles(quiz, question):
    return quiz.shuffle_answers and question.shuffle_answers and question.kind in SHUFFLED_KINDS


def new_token(taken):
    """A random string no other choice of the question has (72 bits: never guessed)."""
    while True:
        token = secrets.token_urlsafe(9)
        if token not in taken:
            return token


def slot_for(attempt, position, question, rng=SYSTEM_RANDOM):
    """A slot showing the live version of `question`, its choices under fresh tokens, shuffled
    unless the trainer fixed their order (true/false always reads True, False)."""
    revision = live_revision(question)
    version = question_version(revision)
    answer_ids = [answer.pk for answer in version.answers.all()]
    if shuffles(attempt.quiz, version):
        rng.shuffle(answer_ids)
    tokens = set()
    choices = []
    for answer_id in answer_ids:
        token = new_token(tokens)
        tokens.add(token)
        choices.append([token, answer_id])
    return AttemptQuestion(
        attempt=attempt,
        question=question,
        question_revision=revision,
        position=position,
        mark=version.default_mark,
        choices=choices,
    )


@transaction.atomic
def settle_attempt_in_progress(officer, quiz, now=None):
    """Before resuming: submit the officer's attempt in progress if its time is up, and close
    it if it has no questions (made before such quizzes were refused). Committed on its own,
    whatever happens next. True when an attempt without questions was closed."""
    now = now or timezone.now()
    current = (
        Attempt.objects.select_for_update()
        .filter(quiz=quiz, officer=officer, state=Attempt.State.IN_PROGRESS)
        .first()
    )
    if current is None:
        return False
    if not current.slots.exists():
        current.state = Attempt.State.VOID
        current.submitted_at = now
        current.save(update_fields=["state", "submitted_at"])
        return True
    if current.deadline and now > current.deadline + GRACE:
        submit(current, now=now)
    return False


def start_or_resume(officer, quiz, now=None, rng=SYSTEM_RANDOM):
    """The officer's attempt in progress, or a new one (an expired one is submitted first).

    Raises NoAttemptsLeft, or QuizUnavailable when the quiz cannot be filled; either way
    nothing new is created.
    """
    now = now or timezone.now()
    settle_attempt_in_progress(officer, quiz, now)
    return _resume_or_create(officer, quiz, now, rng)


@transaction.atomic
def _resume_or_create(officer, quiz, now, rng):
    # One officer at a time: two "Start" clicks must not both create attempt number n + 1.
    Officer.objects.select_for_update().filter(pk=officer.pk).exists()
    current = Attempt.objects.filter(
        quiz=quiz, officer=officer, state=Attempt.State.IN_PROGRESS
    ).first()
    if current:
        return current
    if attempts_left(officer, quiz) == 0:
        raise NoAttemptsLeft
    questions = draw_questions(quiz, rng)
    attempt = Attempt.objects.create(
        quiz=quiz,
        quiz_revision=live_revision(quiz),
        officer=officer,
        number=Attempt.objects.filter(quiz=quiz, officer=officer).count() + 1,
        started_at=now,
        deadline=now + timedelta(minutes=quiz.time_limit_minutes)
        if quiz.time_limit_minutes
        else None,
    )
    slots = [
        slot_for(attempt, position, question, rng)
        for position, question in enumerate(questions, start=1)
    ]
    AttemptQuestion.objects.bulk_create(slots)
    attempt.max_score = sum((slot.mark for slot in slots), Decimal("0"))
    attempt.save(update_fields=["max_score"])
    return attempt


def clean_response(slot, kind, response):
    """The response in its stored shape (chosen answer ids, or text), or InvalidResponse.

    Choices arrive as the slot's tokens; anything else (an answer id, another attempt's
    token) is refused.
    """
    if kind in (Question.Kind.SHORT, Question.Kind.ESSAY):
        text = str((response or {}).get("text", ""))
        if len(text) > MAX_TEXT:
            raise InvalidResponse
        return {"text": text}
    by_token = dict(slot.choices)
    tokens = [str(token) for token in (response or {}).get("answers", [])]
    if not set(tokens) <= set(by_token):
        raise InvalidResponse
    if kind != Question.Kind.MULTIPLE and len(set(tokens)) > 1:
        raise InvalidResponse
    return {"answers": sorted({by_token[token] for token in tokens})}


@transaction.atomic
def save_response(attempt, position, response, now=None):
    """Keep a learner's answer as they go (autosave). Refused after the time limit."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.state != Attempt.State.IN_PROGRESS:
        raise AttemptClosed
    if attempt.deadline and now > attempt.deadline + GRACE:
        raise TimeIsUp
    slot = attempt.slots.select_related("question_revision").get(position=position)
    slot.response = clean_response(slot, question_version(slot.question_revision).kind, response)
    slot.saved_at = now
    slot.save(update_fields=["response", "saved_at"])
    return slot


def token_of(slot, answer_id):
    """The token the attempt's page shows for an answer (for scripts that answer as a
    learner would: the seed, tests, benchmarks)."""
    return next(token for token, shown in slot.choices if shown == answer_id)


@transaction.atomic
def submit(attempt, now=None):
    """Grade the attempt exactly once; a second submission (double click, two tabs) is a no-op."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.state != Attempt.State.IN_PROGRESS:
        return attempt
    slots = list(attempt.slots.select_related("question_revision"))
    versions = QuestionVersions()
    waiting = False
    for slot in slots:
        version = versions(slot.question_revision)
        fraction = response_fraction(version, version.answers.all(), slot.response)
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

        on_attempt_finished(attempt, now)
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
    """Attempts the officer started in the current round, which max_attempts limits (an
    attempt closed for having no questions does not count)."""
    if since is _ROUND:
        since = round_started(officer, quiz)
    started = Attempt.objects.filter(quiz=quiz, officer=officer).exclude(state=Attempt.State.VOID)
    if since is not None:
        started = started.filter(started_at__gte=since)
    return started.count()


def attempts_left(officer, quiz, since=_ROUND):
    """How many more attempts the officer may start: the quiz's max_attempts less the attempts
    used (attempts_used, `since` as there: by default the current round), never below zero;
    None when the quiz allows any number (max_attempts empty or 0). Starting one is refused
    at zero (NoAttemptsLeft)."""
    if not quiz.max_attempts:
        return None
    return max(0, quiz.max_attempts - attempts_used(officer, quiz, since))


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
