"""Which questions a quiz draws, and whether it can draw them: the one home of that rule.

A quiz shows its fixed questions, then for each random draw N questions picked from a
category (never one question twice). Only live questions are drawn. While a trainer edits a
quiz, new questions (never approved) count too, since approving the quiz publishes them
(versions.publish_new_questions_of). A quiz that cannot be filled is refused when saved, and
one that can no longer be filled (a question withdrawn, say) is not started.
"""

import secrets
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Question, QuestionCategory

# Questions are drawn, and their choices shuffled, with the operating system's randomness:
# a learner who watches many attempts learns nothing about the next one.
SYSTEM_RANDOM = secrets.SystemRandom()


@dataclass(frozen=True)
class Shortfall:
    """Why a quiz cannot be filled: nothing to ask, a fixed question that is not available,
    or a category with fewer available questions than the quiz draws from it."""

    question: Question | None = None
    category: object = None
    wanted: int = 0
    available: int = 0

    def __str__(self):
        if self.question is not None:
            return _("The question “%(question)s” is not available: it was withdrawn.") % {
                "question": self.question
            }
        if self.category is not None:
            return ngettext(
                "The category “%(category)s” has %(available)d question ready to draw, and "
                "the quiz draws %(wanted)d from it.",
                "The category “%(category)s” has %(available)d questions ready to draw, and "
                "the quiz draws %(wanted)d from it.",
                self.available,
            ) % {
                "category": self.category.path,
                "available": self.available,
                "wanted": self.wanted,
            }
        return _("The quiz has no questions: add questions or a random draw.")


class QuizUnavailable(Exception):
    def __init__(self, shortfalls):
        self.shortfalls = shortfalls
        super().__init__("; ".join(str(shortfall) for shortfall in shortfalls))


def drawable(for_authoring=False):
    """The questions a quiz may show: live ones, and while authoring the new ones too."""
    if for_authoring:
        return Question.objects.filter(Q(live=True) | Q(live=False, first_published_at=None))
    return Question.objects.filter(live=True)


def shortfalls(fixed_ids, draws, for_authoring=False):
    """What keeps a quiz with these fixed questions (ids) and draws ((category id, count)
    pairs) from being filled; empty when it can be. At most three queries when it can be
    filled, however large the bank."""
    fixed_ids = list(dict.fromkeys(fixed_ids))
    if not fixed_ids and not draws:
        return [Shortfall()]
    pool = drawable(for_authoring)
    problems = []
    if fixed_ids:
        ready = set(pool.filter(pk__in=fixed_ids).values_list("pk", flat=True))
        missing = [pk for pk in fixed_ids if pk not in ready]
        problems += [
            Shortfall(question=question)
            for question in Question.objects.filter(pk__in=missing).order_by("name")
        ]
    wanted = Counter()
    for category_id, count in draws:
        wanted[category_id] += count
    if wanted:
        available = dict(
            pool.filter(category__in=list(wanted))
            .exclude(pk__in=fixed_ids)
            .values_list("category")
            .annotate(n=Count("pk"))
        )
        short = [pk for pk, count in wanted.items() if available.get(pk, 0) < count]
        categories = QuestionCategory.objects.in_bulk(short)
        problems += [
            Shortfall(category=categories[pk], wanted=wanted[pk], available=available.get(pk, 0))
            for pk in short
            if pk in categories
        ]
    return problems


def quiz_shortfalls(quiz, for_authoring=False):
    """As shortfalls(), for a saved quiz (its live version) or a form's unsaved instance."""
    fixed = [item.question_id for item in quiz.fixed_questions.all()]
    draws = [(draw.category_id, draw.count) for draw in quiz.random_draws.all()]
    return shortfalls(fixed, draws, for_authoring)


def draw_questions(quiz, rng=SYSTEM_RANDOM):
    """The questions of a new attempt: the fixed ones in order, then the random draws, all
    live. Raises QuizUnavailable when the quiz cannot be filled; no attempt is half-made."""
    fixed = [item.question_id for item in quiz.fixed_questions.all()]
    draws = [(draw.category_id, draw.count) for draw in quiz.random_draws.all()]
    problems = shortfalls(fixed, draws)
    if problems:
        raise QuizUnavailable(problems)
    live = drawable().select_related("live_revision")
    chosen_ids = list(fixed)
    for category_id, count in draws:
        pool = sorted(
            live.filter(category_id=category_id)
            .exclude(pk__in=chosen_ids)
            .values_list("pk", flat=True)
        )
        chosen_ids += rng.sample(pool, count)
    by_id = live.in_bulk(chosen_ids)
    return [by_id[pk] for pk in chosen_ids]


def quiz_preview(quiz):
    """What a reviewer sees before approving `quiz` (possibly unsaved): every question it may
    show, in the version learners would get, with the answers' worth, and what keeps it from
    being filled."""
    from .versions import question_version

    fixed_ids = [item.question_id for item in quiz.fixed_questions.all()]
    draws = list(quiz.random_draws.all())
    pool = drawable(for_authoring=True).select_related("live_revision", "category")

    def shown(question):
        version = question_version(question.live_revision) if question.live else question
        return {"question": version, "new": not question.live, "answers": version.answers.all()}

    fixed_by_id = pool.in_bulk(fixed_ids)
    pools = []
    for draw in draws:
        questions = pool.filter(category_id=draw.category_id).exclude(pk__in=fixed_ids)
        pools.append({"draw": draw, "questions": [shown(q) for q in questions.order_by("name")]})
    return {
        "fixed": [shown(fixed_by_id[pk]) for pk in fixed_ids if pk in fixed_by_id],
        "pools": pools,
        "shortfalls": shortfalls(
            fixed_ids, [(draw.category_id, draw.count) for draw in draws], for_authoring=True
        ),
    }
