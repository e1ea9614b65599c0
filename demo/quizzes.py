"""Demo question banks and quizzes for the three demo courses, and demo officers' attempts.

The questions are in Vietnamese and say only what the project's domain notes and the demo
lessons say (laws and decrees with their numbers and dates); each wrong answer explains why it
is wrong, and each question ends with an explanation. The banks follow the sample questions of
DOMAIN.md §8 and add more from §2–4; they live in demo/content/quizzes/, one file per quiz,
where trainers can read them.

Two steps, because a quiz placed in a course gates its completion:

* `seed_quizzes()` — categories, questions and quizzes, keyed by quiz slug and by question name
  within its category; run it before `demo.catalogue.seed_courses()`, so that demo officers who
  finish every lesson are not marked complete without a quiz;
* `seed_quiz_attempts()` — after the courses: demo officers who have done every required lesson
  pass the course's quiz (some at the second try), some half-way officers have a failed try,
  and one officer's essay waits for a trainer. The attempts go through assessments.attempts at
  fixed times in the past, and the enrolments and lesson completions are dated before them.

Both are idempotent: a second run changes nothing and creates nothing.
"""

import datetime
import random
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from assessments import attempts
from assessments.models import (
    Answer,
    Attempt,
    Question,
    QuestionCategory,
    Quiz,
    QuizQuestion,
    QuizRandomDraw,
)
from assessments.versions import question_version
from courses import progress
from courses.models import CoursePage, Enrolment, LessonCompletion
from toolkit.text import fold

from . import content_files
from .accounts import demo_officers
from .catalogue import COURSES

# ---------------------------------------------------------------------------------------------
# Building blocks of a question


def _answer(text, fraction, feedback=""):
    return {"text": text, "fraction": Decimal(fraction), "feedback": feedback}


def right(text, feedback=""):
    return _answer(text, 1, feedback)


def wrong(text, feedback):
    return _answer(text, 0, feedback)


def single(name, text, answers, general, shuffle=True):
    """One right answer among several; `answers` are right(...) and wrong(...)."""
    return {
        "kind": Question.Kind.SINGLE,
        "name": name,
        "text": f"<p>{text}</p>",
        "answers": answers,
        "general_feedback": general,
        "shuffle_answers": shuffle,
    }


def true_false(name, statement, is_true, general, feedback):
    """“Đúng hay sai”; `feedback` explains the mistake to whoever picks the wrong side."""
    return {
        "kind": Question.Kind.TRUE_FALSE,
        "name": name,
        "text": f"<p>Đúng hay sai: {statement}</p>",
        "answers": [
            _answer("Đúng", 1 if is_true else 0, "" if is_true else feedback),
            _answer("Sai", 0 if is_true else 1, feedback if is_true else ""),
        ],
        "general_feedback": general,
        "shuffle_answers": False,
    }


SEVEN_PLACES = Decimal("0.0000001")


def multiple(name, text, right_answers, wrong_answers, general):
    """Several right answers sharing the mark (summing to exactly 1); each wrong one takes
    back an equal share, so ticking every box earns nothing. Answers are (text, feedback)."""
    share = (Decimal(1) / len(right_answers)).quantize(SEVEN_PLACES, ROUND_DOWN)
    shares = [share] * (len(right_answers) - 1) + [1 - share * (len(right_answers) - 1)]
    penalty = -(Decimal(1) / len(wrong_answers)).quantize(SEVEN_PLACES, ROUND_DOWN)
    return {
        "kind": Question.Kind.MULTIPLE,
        "name": name,
        "text": f"<p>{text} <i>(Chọn tất cả các ý đúng.)</i></p>",
        "answers": [
            _answer(answer, fraction, feedback)
            for (answer, feedback), fraction in zip(right_answers, shares, strict=True)
        ]
        + [_answer(answer, penalty, feedback) for answer, feedback in wrong_answers],
        "general_feedback": general,
        "shuffle_answers": True,
    }


def short(name, text, accepted, general, mistake):
    """A typed answer compared without Vietnamese accents (officers often type on phones);
    `mistake` is a typical wrong answer, used only by the demo attempts."""
    return {
        "kind": Question.Kind.SHORT,
        "name": name,
        "text": f"<p>{text}</p>",
        "answers": [right(answer) for answer in accepted],
        "general_feedback": general,
        "shuffle_answers": False,
        "accent_insensitive": True,
        "mistake": mistake,
    }


def essay(name, text, guidance, mark, demo_answer=""):
    """`demo_answer`: what the demo officer wrote, waiting for a trainer to mark it."""
    return {
        "kind": Question.Kind.ESSAY,
        "name": name,
        "text": text,
        "answers": [],
        "general_feedback": guidance,
        "shuffle_answers": False,
        "default_mark": Decimal(mark),
        "demo_answer": demo_answer,
    }


# ---------------------------------------------------------------------------------------------
# The quizzes and their banks, from demo/content/quizzes/


def question_from(table):
    """A question from its [[questions]] table, built by the function of its kind."""
    kind, name = table["kind"], table["name"]
    answers = table.get("answers", [])
    if kind == "single":
        choices = [
            right(a["right"], a.get("feedback", ""))
            if "right" in a
            else wrong(a["wrong"], a["feedback"])
            for a in answers
        ]
        return single(
            name, table["text"], choices, table["explanation"], table.get("shuffle", True)
        )
    if kind == "multiple":
        return multiple(
            name,
            table["text"],
            [(a["right"], a["feedback"]) for a in answers if "right" in a],
            [(a["wrong"], a["feedback"]) for a in answers if "wrong" in a],
            table["explanation"],
        )
    if kind == "true_false":
        return true_false(
            name, table["statement"], table["true"], table["explanation"], table["feedback"]
        )
    if kind == "short":
        return short(name, table["text"], table["accepted"], table["explanation"], table["mistake"])
    if kind == "essay":
        return essay(
            name, table["text"], table["guidance"], table["mark"], table.get("demo_answer", "")
        )
    raise ValueError(f"Question {name!r}: unknown kind {kind!r}")


def _quiz(data):
    """A quiz file's data: its rules checked and typed as the Quiz fields, its questions built."""
    rules = {"time_limit_minutes": None, **data["rules"]}  # no time limit unless one is given
    rules["pass_mark"] = Decimal(str(rules["pass_mark"]))
    rules["grading"] = Quiz.Grading(rules["grading"])
    rules["layout"] = Quiz.Layout(rules["layout"])
    return {
        **data,
        "course": data.get("course"),  # None: in an optional lesson, not needed to complete it
        "questions": [question_from(table) for table in data["questions"]],
        "rules": rules,
    }


QUIZZES = [_quiz(data) for data in content_files.read_folder("quizzes")]
ESSAY_QUIZ = "tu-luan-xu-ly-van-ban-tren-dien-thoai"


# ---------------------------------------------------------------------------------------------
# Seeding the bank and the quizzes


@transaction.atomic
def seed_quizzes():
    """Create or refresh the demo categories, questions and quizzes; returns counts."""
    questions = 0
    for spec in QUIZZES:
        category = QuestionCategory.from_path(spec["category"])
        bank = [_upsert_question(category, question) for question in spec["questions"]]
        questions += len(bank)
        quiz = Quiz.objects.filter(slug=spec["slug"]).first() or Quiz(slug=spec["slug"])
        fields = {"title": spec["title"], "introduction": spec["introduction"], **spec["rules"]}
        changed = _assign(quiz, fields) or quiz.pk is None
        if changed:
            quiz.save()
        if spec.get("draw"):
            changed |= _set_questions(quiz, [])
            changed |= _set_draws(quiz, [(category, spec["draw"])])
        else:
            changed |= _set_questions(quiz, bank)
            changed |= _set_draws(quiz, [])
        _publish(quiz, changed)
    return {"quizzes": len(QUIZZES), "questions": questions}


def _publish(obj, changed):
    """The demo content is the approved, live version: publish it as a new revision when it
    changed (or was never published), so attempts keep the version they drew."""
    if changed or obj.live_revision_id is None or not obj.live:
        obj.save_revision(clean=False).publish(log_action=False)


def _assign(obj, fields):
    """Set the fields that differ; True when any did."""
    changed = False
    for name, value in fields.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _upsert_question(category, spec):
    fields = {
        "kind": spec["kind"],
        "text": spec["text"],
        "general_feedback": spec["general_feedback"],
        "shuffle_answers": spec["shuffle_answers"],
        "accent_insensitive": spec.get("accent_insensitive", False),
        "case_sensitive": False,
        "default_mark": spec.get("default_mark", Decimal("1")),
    }
    question = Question.objects.filter(category=category, name=spec["name"]).first()
    changed = question is None
    if question is None:
        question = Question.objects.create(category=category, name=spec["name"], **fields)
    elif _assign(question, fields):
        question.save()
        changed = True
    # Answers are matched by position and updated in place, so attempts keep their answer ids.
    existing = list(Answer.objects.filter(question=question).order_by("sort_order", "pk"))
    for position, answer in enumerate(spec["answers"]):
        values = {**answer, "sort_order": position}
        if position < len(existing):
            if _assign(existing[position], values):
                existing[position].save()
                changed = True
        else:
            Answer.objects.create(question=question, **values)
            changed = True
    for extra in existing[len(spec["answers"]) :]:
        extra.delete()
        changed = True
    _publish(question, changed)
    return question


def _set_questions(quiz, questions):
    wanted = [question.pk for question in questions]
    current = list(
        QuizQuestion.objects.filter(quiz=quiz)
        .order_by("sort_order")
        .values_list("question_id", flat=True)
    )
    if current != wanted:
        QuizQuestion.objects.filter(quiz=quiz).delete()
        QuizQuestion.objects.bulk_create(
            QuizQuestion(quiz=quiz, question_id=pk, sort_order=n) for n, pk in enumerate(wanted)
        )
    return current != wanted


def _set_draws(quiz, draws):
    wanted = [(category.pk, count) for category, count in draws]
    current = list(
        QuizRandomDraw.objects.filter(quiz=quiz)
        .order_by("sort_order")
        .values_list("category_id", "count")
    )
    if current != wanted:
        QuizRandomDraw.objects.filter(quiz=quiz).delete()
        QuizRandomDraw.objects.bulk_create(
            QuizRandomDraw(quiz=quiz, category_id=pk, count=count, sort_order=n)
            for n, (pk, count) in enumerate(wanted)
        )
    return current != wanted


# ---------------------------------------------------------------------------------------------
# Demo attempts

# Officers who have done this many required lessons, without finishing, tried the quiz once
# and failed; officers who finished pass, and one in three of them only at the second try.
FAILED_TRY_AFTER_LESSONS = 3
# Demo officers enrolled at least this many days before their first attempt at a quiz.
STUDY_DAYS = 10
# Who wrote the essay waiting for marking: a vice-chair who has done the document course.
ESSAY_OFFICER = "canbo02"


@transaction.atomic
def seed_quiz_attempts():
    """Demo officers' attempts, consistent with their progress; returns the number created.

    Run after `seed_courses()`: demo officers who have done every required lesson of a course
    pass its quiz, which completes the course. Officers with an attempt are left alone.
    """
    today = timezone.localdate()
    index = {row[0]: n for n, row in enumerate(demo_officers())}
    created = 0
    quizzes = {spec["course"]: spec["slug"] for spec in QUIZZES if spec["course"]}
    for k, spec in enumerate(COURSES):
        course = CoursePage.objects.filter(slug=spec["slug"]).first()
        quiz = Quiz.objects.filter(slug=quizzes.get(spec["slug"])).first()
        if course is None or quiz is None:
            continue
        required = list(progress.required_lessons(course).order_by("path"))
        enrolments = list(
            Enrolment.objects.filter(course=course, officer__user__username__in=index)
            .exclude(officer__quiz_attempts__quiz=quiz)
            .select_related("officer__user")
            .order_by("officer__user__username")
        )
        done = dict(
            LessonCompletion.objects.filter(
                lesson__in=required, officer__in=[e.officer for e in enrolments]
            )
            .values("officer")
            .annotate(count=Count("pk"))
            .values_list("officer", "count")
        )
        for enrolment in enrolments:
            n = index[enrolment.officer.user.username]
            lessons_done = done.get(enrolment.officer.pk, 0)
            if lessons_done == len(required):
                created += _pass(enrolment, quiz, required, n, k, today)
            elif lessons_done >= FAILED_TRY_AFTER_LESSONS:
                day = today - datetime.timedelta(days=1 + (n + k) % 5)
                start = _at(day, n, k)
                _date_progress(enrolment, required, start, n)
                _take(enrolment.officer, quiz, start, f"{n}:{quiz.slug}", _half_wrong)
                created += 1
    created += _seed_essay(today)
    return created


def _pass(enrolment, quiz, required, n, k, today):
    """Pass the quiz (one in three at the second try); the course completes on passing."""
    day = today - datetime.timedelta(days=4 + (3 * n + 7 * k) % 21)
    retry = (n + k) % 3 == 0
    start = _at(day - datetime.timedelta(days=2), n, k) if retry else _at(day, n, k)
    _date_progress(enrolment, required, start, n)
    if retry:
        _take(enrolment.officer, quiz, start, f"{n}:{quiz.slug}:1", _near_miss)
    # Up to two slips: 80% or more with 10 to 12 questions.
    slips = (n + k) % 3
    # Submitting the passing attempt completes the course at that moment (and so issues its
    # certificate, dated then), as it would have had the officer passed it that day.
    _take(enrolment.officer, quiz, _at(day, n, k), f"{n}:{quiz.slug}", lambda count: slips)
    return 2 if retry else 1


def _at(day, n, k):
    """A working hour of `day`, varied by officer and course."""
    clock = datetime.time(8 + (n + 2 * k) % 9, (7 * n) % 60)
    return timezone.make_aware(datetime.datetime.combine(day, clock))


def _date_progress(enrolment, required, start, n):
    """Enrolment and the lessons done before the first attempt `start`, not at seeding time."""
    enrolled = min(enrolment.enrolled_at, start - datetime.timedelta(days=STUDY_DAYS + n % 7))
    Enrolment.objects.filter(pk=enrolment.pk).update(enrolled_at=enrolled)
    completions = LessonCompletion.objects.filter(
        officer=enrolment.officer, lesson__in=required, completed_at__gt=start
    ).order_by("lesson__path")
    step = (start - enrolled) / (len(required) + 1)
    for position, completion in enumerate(completions, start=1):
        LessonCompletion.objects.filter(pk=completion.pk).update(
            completed_at=enrolled + step * position
        )


def _half_wrong(count):
    return count // 2


def _near_miss(count):
    return count // 4 + 1  # 70% with 10 questions, 67% with 12: just under the pass mark


def _take(officer, quiz, start, seed, slips):
    """One attempt through assessments.attempts, at `start`, with `slips(count)` of the
    `count` questions answered wrong (which ones, and which questions are drawn, by `seed`)."""
    rng = random.Random(seed)  # noqa: S311 — which questions are drawn, not security  # nosec B311
    attempt = attempts.start_or_resume(officer, quiz, now=start, rng=rng)
    slots = list(attempt.slots.select_related("question_revision").order_by("position"))
    wrong = set(rng.sample([slot.position for slot in slots], slips(len(slots))))
    moment = start
    for slot in slots:
        moment += datetime.timedelta(seconds=40 + rng.randrange(30))
        response = demo_response(
            question_version(slot.question_revision),
            slot.position not in wrong,
            plain=rng.random() < 0.5,
        )
        if response is not None:
            # Chosen answers are posted as the tokens the page shows, as a phone would.
            if "answers" in response:
                response = {"answers": [attempts.token_of(slot, a) for a in response["answers"]]}
            attempts.save_response(attempt, slot.position, response, now=moment)
    return attempts.submit(attempt, now=moment + datetime.timedelta(seconds=30))


def demo_response(question, is_right, plain=False):
    """A response to `question`: the right one, or a typical mistake (None: left blank).

    `plain` types a short answer without Vietnamese accents, as officers often do on phones.
    """
    answers = list(question.answers.all())
    if question.kind == Question.Kind.SHORT:
        if is_right:
            text = answers[0].text
        else:
            spec = _spec_of(question)
            text = spec.get("mistake", "") if spec else ""
        return {"text": fold(text) if plain else text} if text else None
    if question.kind == Question.Kind.ESSAY:
        return None
    rights = [answer.pk for answer in answers if answer.fraction > 0]
    wrongs = [answer.pk for answer in answers if answer.fraction <= 0]
    if is_right:
        return {"answers": rights}
    if question.kind == Question.Kind.MULTIPLE:
        return {"answers": [rights[0], wrongs[0]]}
    return {"answers": [wrongs[0]]}


def _spec_of(question):
    return next(
        (spec for quiz in QUIZZES for spec in quiz["questions"] if spec["name"] == question.name),
        None,
    )


def _seed_essay(today):
    """One officer's essay, submitted two evenings ago, waiting in the trainer's queue."""
    quiz = Quiz.objects.filter(slug=ESSAY_QUIZ).first()
    if quiz is None:
        return 0
    officer = (
        Enrolment.objects.filter(
            officer__user__username=ESSAY_OFFICER, course__slug="phan-mem-quan-ly-van-ban"
        )
        .select_related("officer")
        .first()
    )
    if officer is None or Attempt.objects.filter(quiz=quiz, officer=officer.officer).exists():
        return 0
    officer = officer.officer
    start = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=2), datetime.time(20, 5))
    )
    attempt = attempts.start_or_resume(officer, quiz, now=start)
    for slot in attempt.slots.select_related("question_revision").order_by("position"):
        spec = _spec_of(question_version(slot.question_revision))
        attempts.save_response(
            attempt,
            slot.position,
            {"text": spec["demo_answer"]},
            now=start + datetime.timedelta(minutes=20),
        )
    attempts.submit(attempt, now=start + datetime.timedelta(minutes=22))
    return 1
