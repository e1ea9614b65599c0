"""Answering an attempt as the phone does: a choice is posted as the token its page shows."""

from assessments.attempts import token_of
from assessments.versions import question_version


def chosen(attempt, position, *texts):
    """The response posted when the officer ticks the choices with these texts."""
    slot = attempt.slots.select_related("question_revision").get(position=position)
    answers = question_version(slot.question_revision).answers.all()
    ids = [answer.pk for answer in answers if answer.text in texts]
    assert len(ids) == len(set(texts)), f"no such choice among {[a.text for a in answers]}"
    return {"answers": [token_of(slot, answer_id) for answer_id in ids]}
