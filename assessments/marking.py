"""Essay answers wait for a trainer: the marking queue, and marking one answer."""

from django.db import transaction
from django.utils import timezone

from .attempts import compute_totals
from .models import Attempt, AttemptQuestion, Question
from .versions import question_version


class MarkOutOfRange(ValueError):
    pass


def awaiting_marking():
    """Submitted essay answers nobody has marked yet, oldest submission first. (Submission
    grades every other answer, so what is left unmarked is an essay.)"""
    return (
        AttemptQuestion.objects.filter(
            attempt__state=Attempt.State.NEEDS_MARKING, awarded__isnull=True
        )
        .select_related("attempt__quiz", "attempt__officer__unit", "question", "question_revision")
        .order_by("attempt__submitted_at", "attempt_id", "position")
    )


@transaction.atomic
def mark_answer(slot, awarded, comment, marker, now=None):
    """Record a trainer's mark; the attempt is finished (and graded) once nothing waits.

    Marking again corrects an earlier mark and re-grades a finished attempt.
    """
    attempt = Attempt.objects.select_for_update().select_related("quiz").get(pk=slot.attempt_id)
    if attempt.state == Attempt.State.IN_PROGRESS:
        raise ValueError("An attempt in progress cannot be marked.")
    slot = attempt.slots.select_related("question_revision").get(pk=slot.pk)
    if question_version(slot.question_revision).kind != Question.Kind.ESSAY:
        raise ValueError("Only essay answers are marked by hand.")
    if not 0 <= awarded <= slot.mark:
        raise MarkOutOfRange
    slot.awarded = awarded
    slot.marker_comment = comment
    slot.marked_by = marker
    slot.marked_at = now or timezone.now()
    slot.save(update_fields=["awarded", "marker_comment", "marked_by", "marked_at"])

    slots = list(attempt.slots.all())
    if any(other.awarded is None for other in slots):
        return slot
    attempt.state = Attempt.State.FINISHED
    compute_totals(attempt, slots)
    attempt.save(update_fields=["state", "score", "percent", "passed"])

    from .completion import on_attempt_finished

    on_attempt_finished(attempt)
    return slot
