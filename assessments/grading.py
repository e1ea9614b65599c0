"""How a response earns marks, per question kind (Moodle's rules, noted where ours differ)."""

import html
import re
from decimal import Decimal

from django.utils.html import strip_tags

from toolkit.text import fold

from .models import Question

ZERO, ONE = Decimal("0"), Decimal("1")


def response_fraction(question, answers, response):
    """Share of the mark (0..1) a response earns, or None when a person must mark it.

    `answers` are the question's Answer rows. Unlike Moodle, a question never scores below
    zero: a penalty only cancels credit within the same question.
    """
    if question.kind == Question.Kind.ESSAY:
        return None
    response = response or {}
    if question.kind == Question.Kind.SHORT:
        return _short_answer_fraction(question, answers, response.get("text", ""))
    chosen = set(response.get("answers", []))
    fractions = [answer.fraction for answer in answers if answer.pk in chosen]
    if question.kind in (Question.Kind.SINGLE, Question.Kind.TRUE_FALSE):
        return max(ZERO, fractions[0]) if len(fractions) == 1 else ZERO
    return min(ONE, max(ZERO, sum(fractions, ZERO)))


def normalise(text, question, is_html=False):
    """Plain, comparable text: answers are stored as HTML, learners type plain text."""
    if is_html:
        text = html.unescape(strip_tags(text))
    text = " ".join(text.split())
    if question.accent_insensitive:
        return fold(text)
    return text if question.case_sensitive else text.lower()


def _short_answer_fraction(question, answers, text):
    given = normalise(text, question)
    if not given:
        return ZERO
    best = ZERO
    for answer in answers:
        # Moodle's wildcard: "*" matches any run of characters.
        pattern = ".*".join(
            re.escape(part) for part in normalise(answer.text, question, is_html=True).split("*")
        )
        if re.fullmatch(pattern, given):
            best = max(best, answer.fraction)
    return best
