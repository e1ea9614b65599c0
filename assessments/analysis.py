"""Item analysis of a quiz for trainers, after Moodle's quiz statistics report.

Only finished attempts count. Each question is analysed over the attempts that got it (a random
draw gives different attempts different questions):

- facility index: the mean share of the mark earned, in %; very high means too easy, very low
  too hard or wrongly keyed;
- standard deviation of that share, in % of the mark (sample deviation, n - 1, as Moodle);
- discrimination index: 100 × the Pearson correlation between the marks earned on the question
  and on the rest of the attempt (the attempt's marks minus this question's), as Moodle. Near
  zero or negative, the question does not tell the officers who know from those who do not.
  Blank when either is the same for every attempt, or with fewer than two attempts.

Answers are listed as the attempts were drawn: from the question versions they kept, so an
answer reworded or removed since still shows what it was and how often it was chosen. The
database is read with a fixed number of queries, however many attempts there are; the figures
are computed in Python.
"""

import html
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import strip_tags
from wagtail.models import Revision

from .grading import normalise
from .models import Attempt, AttemptQuestion, Question, Quiz
from .versions import question_version

# Short answers: the most frequent distinct responses listed; the rest are only counted.
MAX_SHORT_RESPONSES = 20
CHUNK_SIZE = 2000
CHOICE_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.TRUE_FALSE)


@dataclass
class Option:
    """An answer of a choice question, or a distinct short answer, and how many gave it."""

    text: str
    count: int
    percent: float  # of the attempts that got the question
    fraction: float | None = None  # the share of the mark it earns
    no_answer: bool = False


@dataclass
class QuestionAnalysis:
    question: Question
    position: int  # the first position it was shown at
    attempts: int  # finished attempts that got the question
    marked: int  # of those, the ones with a mark (essays are marked by a person)
    facility: float | None  # mean share of the mark earned, %
    sd: float | None  # standard deviation of that share, % of the mark
    discrimination: float | None  # Pearson correlation with the rest of the attempt, × 100
    options: list[Option] = field(default_factory=list)
    other_responses: int = 0  # short answers given too rarely to be listed

    @property
    def kind_label(self):
        return self.question.get_kind_display()

    @property
    def negative_discrimination(self):
        """Officers who do well on the rest of the quiz do worse here: check the key."""
        return self.discrimination is not None and self.discrimination < 0


@dataclass
class QuizAnalysis:
    quiz: Quiz
    attempts: int  # finished attempts
    officers: int  # officers with a finished attempt
    mean_percent: float | None
    median_percent: float | None
    pass_rate: float | None  # % of finished attempts that passed
    officers_passed: int  # officers whose attempt that counts (the quiz's grading) passed
    questions: list[QuestionAnalysis] = field(default_factory=list)


def plain(text):
    """Answers are stored as HTML; the analysis shows them as text."""
    return " ".join(html.unescape(strip_tags(text)).split())


def percent(part, whole):
    return 100 * part / whole if whole else None


def correlation(xs, ys):
    """Pearson's r × 100, or None when it is undefined (fewer than 2 values, or one constant).

    Constancy is checked on the exact (Decimal) values so rounding noise never passes for a
    correlation.
    """
    if len(xs) < 2 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    return 100 * statistics.correlation([float(x) for x in xs], [float(y) for y in ys])


class _Item:
    """What is gathered about one question while the slots stream past."""

    def __init__(self, question, answers):
        self.question = question
        self.answers = answers  # [(answer id, text, fraction)] over the versions drawn
        self.position = None
        self.attempts = 0
        self.marked = []  # (attempt id, marks earned, share of the mark or None)
        self.chosen = Counter()  # answer id -> times chosen
        self.texts = Counter()  # normalised short answer -> times given
        self.text_fraction = {}  # normalised short answer -> share of the mark it earned
        self.no_answer = 0

    def add(self, attempt_id, position, mark, awarded, response):
        self.attempts += 1
        self.position = position if self.position is None else min(self.position, position)
        fraction = awarded / mark if awarded is not None and mark else None
        if awarded is not None:
            self.marked.append((attempt_id, awarded, fraction))
        kind = self.question.kind
        response = response or {}
        if kind in CHOICE_KINDS:
            answers = response.get("answers") or []
            self.chosen.update(set(answers))
            self.no_answer += not answers
        elif kind == Question.Kind.SHORT:
            text = normalise(str(response.get("text", "")), self.question)
            if text:
                self.texts[text] += 1
                if fraction is not None:
                    self.text_fraction.setdefault(text, fraction)
            else:
                self.no_answer += 1

    def options(self):
        """The options with their counts, and how many short answers were left unlisted."""
        kind = self.question.kind
        others = 0
        if kind in CHOICE_KINDS:
            listed = [
                self._option(plain(text), self.chosen[answer_id], fraction)
                for answer_id, text, fraction in self.answers
            ]
        elif kind == Question.Kind.SHORT:
            ranked = sorted(self.texts.items(), key=lambda item: (-item[1], item[0]))
            listed = [
                self._option(text, count, self.text_fraction.get(text))
                for text, count in ranked[:MAX_SHORT_RESPONSES]
            ]
            others = sum(count for _text, count in ranked[MAX_SHORT_RESPONSES:])
        else:
            return [], 0
        no_answer = self._option("", self.no_answer, None)
        no_answer.no_answer = True
        return [*listed, no_answer], others

    def _option(self, text, count, fraction):
        return Option(
            text=text,
            count=count,
            percent=percent(count, self.attempts),
            fraction=None if fraction is None else float(fraction),
        )

    def analyse(self, totals):
        shares = [float(fraction) for _a, _w, fraction in self.marked if fraction is not None]
        options, others = self.options()
        return QuestionAnalysis(
            question=self.question,
            position=self.position,
            attempts=self.attempts,
            marked=len(self.marked),
            facility=100 * statistics.fmean(shares) if shares else None,
            sd=100 * statistics.stdev(shares) if len(shares) > 1 else None,
            discrimination=correlation(
                [awarded for _a, awarded, _f in self.marked],
                [totals[attempt_id] - awarded for attempt_id, awarded, _f in self.marked],
            ),
            options=options,
            other_responses=others,
        )


def answers_drawn(slots):
    """{question id: [(answer id, text, fraction)]}: the answers of every version of each
    question the slots were drawn with, the newest version's first and in its order, then any
    an older version had and a later one dropped (chosen then, they are still counted)."""
    revisions = Revision.objects.filter(pk__in=slots.values("question_revision_id").distinct())
    answers = defaultdict(dict)
    for revision in revisions.order_by("-pk"):
        version = question_version(revision)
        for answer in version.answers.all():
            answers[version.pk].setdefault(answer.pk, (answer.pk, answer.text, answer.fraction))
    return {pk: list(by_id.values()) for pk, by_id in answers.items()}


def item_analysis(quiz):
    """The quiz's item analysis over its finished attempts (four queries, whatever the size)."""
    finished = Attempt.objects.filter(quiz=quiz, state=Attempt.State.FINISHED)
    attempts = list(finished.values_list("pk", "officer_id", "number", "percent", "passed"))
    slots = AttemptQuestion.objects.filter(attempt__in=finished)
    questions = Question.objects.filter(pk__in=slots.values("question_id").distinct()).order_by(
        "pk"
    )
    drawn = answers_drawn(slots)
    items = {question.pk: _Item(question, drawn.get(question.pk, [])) for question in questions}
    totals = defaultdict(Decimal)  # attempt id -> marks earned on the whole attempt
    rows = slots.order_by().values_list(
        "attempt_id", "question_id", "position", "mark", "awarded", "response"
    )
    for attempt_id, question_id, position, mark, awarded, response in rows.iterator(
        chunk_size=CHUNK_SIZE
    ):
        totals[attempt_id] += awarded or 0
        items[question_id].add(attempt_id, position, mark, awarded, response)
    analysed = sorted(
        (item.analyse(totals) for item in items.values()),
        key=lambda result: (result.position, result.question.pk),
    )
    percents = [float(row[3]) for row in attempts if row[3] is not None]
    return QuizAnalysis(
        quiz=quiz,
        attempts=len(attempts),
        officers=len({row[1] for row in attempts}),
        mean_percent=statistics.fmean(percents) if percents else None,
        median_percent=statistics.median(percents) if percents else None,
        pass_rate=percent(sum(1 for row in attempts if row[4]), len(attempts)),
        officers_passed=sum(1 for row in counted_attempts(quiz, attempts) if row[4]),
        questions=analysed,
    )


def counted_attempts(quiz, attempts):
    """Per officer, the attempt that counts by the quiz's grading method (as final_attempt)."""
    by_officer = defaultdict(list)
    for row in attempts:
        by_officer[row[1]].append(row)

    def rank(row):  # the smallest counts
        _pk, _officer, number, score, _passed = row
        if quiz.grading == Quiz.Grading.FIRST:
            return (number,)
        if quiz.grading == Quiz.Grading.LAST:
            return (-number,)
        return (-(score or 0), number)

    return [min(rows, key=rank) for rows in by_officer.values()]
