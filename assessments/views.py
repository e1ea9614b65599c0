"""Learner quiz pages: thin views over attempts.py. Nothing here reveals an answer's worth
before the attempt is submitted: pages show answer texts only, in the attempt's order, under
the attempt's tokens."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.progress import officer_of
from toolkit.numbers import whole_number

from . import attempts
from .drawing import QuizUnavailable, quiz_shortfalls
from .models import Attempt, Question, Quiz
from .versions import QuestionVersions

logger = logging.getLogger(__name__)


def _officer(request):
    officer = officer_of(request.user)
    if officer is None:
        raise PermissionDenied(_("Only officers can take courses."))
    return officer


def _own_attempt(request, attempt_id):
    """The signed-in officer's attempt; anyone else's does not exist for them."""
    return get_object_or_404(
        Attempt.objects.select_related("quiz"), pk=attempt_id, officer=_officer(request)
    )


def _live_quiz(slug):
    """Learners take the live version of a quiz; a quiz not yet approved does not exist."""
    return get_object_or_404(Quiz.live_objects(), slug=slug)


@login_required
def quiz_detail(request, slug):
    quiz = _live_quiz(slug)
    officer = _officer(request)
    previous = list(Attempt.objects.filter(quiz=quiz, officer=officer).order_by("number"))
    # Taking a course again to renew its certificate starts a new round of its quizzes.
    since = attempts.round_started(officer, quiz)
    in_progress = next((a for a in previous if a.state == Attempt.State.IN_PROGRESS), None)
    return render(
        request,
        "assessments/quiz.html",
        {
            "quiz": quiz,
            "attempts": previous,
            "in_progress": in_progress,
            "attempts_left": attempts.attempts_left(officer, quiz, since),
            "final": attempts.final_attempt(officer, quiz, since),
            # A quiz that cannot be filled is not started (an attempt in progress goes on).
            "unavailable": [] if in_progress else quiz_shortfalls(quiz),
        },
    )


@login_required
@require_POST
def start(request, slug):
    quiz = _live_quiz(slug)
    officer = _officer(request)
    if attempts.settle_attempt_in_progress(officer, quiz):
        messages.info(
            request,
            _(
                "Your attempt in progress had no questions, because of a fault in the quiz. "
                "It has been closed and does not count."
            ),
        )
    try:
        attempt = attempts.start_or_resume(officer, quiz)
    except attempts.NoAttemptsLeft:
        messages.error(request, _("You have no attempts left for this quiz."))
        return redirect("quiz_detail", slug=slug)
    except QuizUnavailable as unavailable:
        logger.warning("Quiz %s cannot be started: %s", quiz.slug, unavailable)
        messages.error(request, _("This quiz cannot be started at the moment."))
        return redirect("quiz_detail", slug=slug)
    return redirect("attempt_page", attempt_id=attempt.pk)


def _pages(attempt, slots):
    if attempt.quiz.layout == Quiz.Layout.ALL:
        return [slots]
    return [[slot] for slot in slots]


@login_required
def attempt_page(request, attempt_id):
    attempt = _own_attempt(request, attempt_id)
    if attempt.state != Attempt.State.IN_PROGRESS:
        return redirect("attempt_review", attempt_id=attempt.pk)
    if attempt.deadline and timezone.now() > attempt.deadline + attempts.GRACE:
        attempts.submit(attempt)
        messages.info(request, _("Time is up: your answers were submitted."))
        return redirect("attempt_review", attempt_id=attempt.pk)
    slots = list(attempt.slots.select_related("question_revision"))
    if not slots:
        # Made before such quizzes were refused; the quiz page closes it and says why.
        return redirect("quiz_detail", slug=attempt.quiz.slug)
    pages = _pages(attempt, slots)
    number = min(max(whole_number(request.GET.get("page"), 1), 1), len(pages))
    versions = QuestionVersions()
    shown = [_slot_view(slot, versions(slot.question_revision)) for slot in pages[number - 1]]
    seconds_left = (
        max(0, int((attempt.deadline - timezone.now()).total_seconds()))
        if attempt.deadline
        else None
    )
    return render(
        request,
        "assessments/attempt.html",
        {
            "attempt": attempt,
            "questions": shown,
            "page": number,
            "page_count": len(pages),
            "unanswered": sum(1 for slot in slots if not _answered(slot)),
            "seconds_left": seconds_left,
            "minutes_left": None if seconds_left is None else -(-seconds_left // 60),
        },
    )


def _answered(slot):
    response = slot.response or {}
    return bool(response.get("answers") or str(response.get("text", "")).strip())


def _slot_view(slot, version):
    """What the page may show of a question: its text, and each choice's text under the
    attempt's token for it; nothing else (no answer id, no worth, no feedback)."""
    answers = {answer.pk: answer.text for answer in version.answers.all()}
    chosen = set((slot.response or {}).get("answers", []))
    return {
        "position": slot.position,
        "kind": version.kind,
        "text": version.text,
        "mark": slot.mark,
        "choices": [
            {"token": token, "text": answers[answer_id], "chosen": answer_id in chosen}
            for token, answer_id in slot.choices
            if answer_id in answers
        ],
        "typed": (slot.response or {}).get("text", ""),
        "single": version.kind in (Question.Kind.SINGLE, Question.Kind.TRUE_FALSE),
    }


def _responses_from(post, positions):
    found = {}
    for position in positions:
        key = f"q{position}"
        if f"{key}-text" in post:
            found[position] = {"text": post.get(f"{key}-text", "")}
        elif f"{key}-shown" in post:
            found[position] = {"answers": post.getlist(key)}
    return found


@login_required
@require_POST
def save(request, attempt_id):
    """Save the answers of one page (form post, or autosave from the page's script)."""
    attempt = _own_attempt(request, attempt_id)
    wants_json = request.headers.get("X-Requested-With") == "fetch"
    positions = [
        number
        for number in (whole_number(p) for p in request.POST.getlist("positions"))
        if number is not None
    ]
    try:
        for position, response in _responses_from(request.POST, positions).items():
            attempts.save_response(attempt, position, response)
    except attempts.AttemptClosed:
        # Submitted already (a double click, another tab, a retry): nothing more to keep.
        if wants_json:
            return JsonResponse({"saved": False, "closed": True}, status=409)
        messages.info(request, _("This attempt has already been submitted."))
        return redirect("attempt_review", attempt_id=attempt.pk)
    except attempts.TimeIsUp:
        attempts.submit(attempt)
        if wants_json:
            return JsonResponse({"saved": False, "closed": True}, status=409)
        messages.info(request, _("Time is up: your answers were submitted."))
        return redirect("attempt_review", attempt_id=attempt.pk)
    except (attempts.InvalidResponse, ValueError, Attempt.DoesNotExist):
        if wants_json:
            return JsonResponse({"saved": False}, status=400)
        raise Http404 from None
    if wants_json:
        return JsonResponse({"saved": True})
    if "submit" in request.POST:
        attempts.submit(attempt)
        return redirect("attempt_review", attempt_id=attempt.pk)
    page = whole_number(request.POST.get("go_to"), 1)
    return redirect(reverse("attempt_page", args=[attempt.pk]) + f"?page={page}")


def _verdict(slot):
    if slot.awarded is None:
        return None
    if slot.awarded >= slot.mark:
        return "right"
    return "partly" if slot.awarded > 0 else "wrong"


@login_required
def review(request, attempt_id):
    attempt = _own_attempt(request, attempt_id)
    if attempt.state == Attempt.State.IN_PROGRESS:
        return redirect("attempt_page", attempt_id=attempt.pk)
    if attempt.state == Attempt.State.VOID:
        return redirect("quiz_detail", slug=attempt.quiz.slug)  # nothing was answered
    quiz = attempt.quiz
    shown = []
    versions = QuestionVersions()
    for slot in attempt.slots.select_related("question_revision"):
        # The question as the officer answered it, whatever was changed since.
        question = versions(slot.question_revision)
        answers = {answer.pk: answer for answer in question.answers.all()}
        chosen = set((slot.response or {}).get("answers", []))
        shown.append(
            {
                "position": slot.position,
                "text": question.text,
                "typed": (slot.response or {}).get("text", ""),
                "awarded": slot.awarded,
                "mark": slot.mark,
                "verdict": _verdict(slot),
                "choices": [
                    {
                        "text": answers[i].text,
                        "chosen": i in chosen,
                        "is_right": answers[i].fraction > 0,
                        "feedback": answers[i].feedback,
                    }
                    for _token, i in slot.choices
                    if i in answers
                ],
                "right_answers": [a.text for a in answers.values() if a.fraction > 0],
                "general_feedback": question.general_feedback,
                "marker_comment": slot.marker_comment,
            }
        )
    return render(
        request,
        "assessments/review.html",
        {"attempt": attempt, "quiz": quiz, "questions": shown},
    )
