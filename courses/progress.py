"""Enrolment, lesson progress and the course-completion rule — the one home of these rules.

What completes a lesson: the officer opened it (in the current round, when they are taking the
course again), at least the lesson's minimum reading time ago, measured on the server; and,
in a course taken in order, every required lesson before it is done, the reading time counting
from the last of those (lessons are read one after the other, not all at once). The minimum
time is the
trainer's, when set on the lesson, else the lesson's words at a generous reading speed plus
the length of its videos (settings.LESSON_READING_WORDS_PER_MINUTE; LESSON_MINIMUM_TIME=0
turns it off). Pressing "done" earlier is refused with the time left; nothing is lost.

What completes a course: every required (non-optional) live lesson done in the current round,
and every condition added to the completion event (courses/events.py: assessments adds "every
required quiz and signing exercise passed"). Completing it tells the event's subscribers
(certification issues the certificate).
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from toolkit.db import CompiledQuery

from . import events
from .models import CoursePage, Enrolment, LessonCompletion, LessonPage, LessonVisit


def _officers_row_of(model, other_field):
    """The officer's row of `model` for one course or lesson (`other_field`), compiled once:
    read on every lesson page."""
    return CompiledQuery(
        lambda officer_id, other_id: model.objects.filter(
            officer_id=officer_id, **{other_field: other_id}
        ).order_by()[:1],
        2_147_000_001,
        2_147_000_002,
    )


ENROLMENT_OF = _officers_row_of(Enrolment, "course_id")
VISIT_OF = _officers_row_of(LessonVisit, "lesson_id")


def officer_of(user):
    if not user.is_authenticated:
        return None
    return getattr(user, "officer", None)


def required_lessons(course):
    return LessonPage.objects.child_of(course).live().filter(optional=False)


def round_completions(officer, since):
    """The officer's lesson completions that count in a round started at `since`: those since
    then (every one in the first round, when `since` is None)."""
    completions = LessonCompletion.objects.filter(officer=officer)
    return completions if since is None else completions.filter(completed_at__gte=since)


def all_required_lessons_done(enrolment):
    done = round_completions(enrolment.officer, enrolment.round_started_at).filter(
        lesson=OuterRef("pk")
    )
    return not required_lessons(enrolment.course).exclude(Exists(done)).exists()


def is_complete(enrolment):
    return all_required_lessons_done(enrolment) and all(
        condition(enrolment) for condition in events.completion_conditions()
    )


def missing_prerequisites(officer, course):
    """Live prerequisite courses the officer has not completed yet. A course once completed
    stays done while the officer takes it again (a new round) to renew its certificate."""
    # The relation may be in memory (a page being previewed), so read it with .all().
    wanted = [prerequisite.pk for prerequisite in course.prerequisites.all()]
    if not wanted:
        return []
    prerequisites = list(CoursePage.objects.live().filter(pk__in=wanted).order_by("title"))
    completed = set(
        Enrolment.objects.filter(officer=officer, course__in=prerequisites)
        .filter(Q(completed_at__isnull=False) | Q(round_started_at__isnull=False))
        .values_list("course_id", flat=True)
    )
    return [course for course in prerequisites if course.pk not in completed]


def deadline_applies(enrolment, deadline, assignment=None):
    """A new deadline replaces the enrolment's when it is earlier, or when it comes from the
    assignment that set the current one (HR changed that assignment)."""
    return bool(deadline) and (
        enrolment.deadline is None
        or deadline < enrolment.deadline
        or (assignment is not None and enrolment.assignment_id == assignment.pk)
    )


def enrol(officer, course, *, deadline=None, assignment=None):
    """Enrol an officer (idempotent). An assignment brings the earliest deadline."""
    enrolment, created = Enrolment.objects.get_or_create(
        officer=officer,
        course=course,
        defaults={
            "source": Enrolment.Source.ASSIGNED if assignment else Enrolment.Source.SELF,
            "deadline": deadline,
            "assignment": assignment,
        },
    )
    if not created and deadline_applies(enrolment, deadline, assignment):
        enrolment.deadline, enrolment.assignment = deadline, assignment
        enrolment.save(update_fields=["deadline", "assignment"])
    return enrolment


class PrerequisitesMissing(Exception):
    def __init__(self, courses):
        self.courses = courses
        super().__init__(", ".join(course.title for course in courses))


# Time spent: the gaps between what the server hears from an open lesson (opening it, the
# page's "still reading" signal each minute, "done"), each counted up to this long.
LONGEST_GAP = timedelta(minutes=10)
# The page opened again sooner than this (a reload, back and forth between lessons) is not
# written down: the next thing heard counts the time since the last one written, so at most
# this much is lost when nothing follows, and a lesson page read over and over costs no write.
HEARD_AGAIN_AFTER = timedelta(minutes=1)


def minimum_reading_seconds(lesson):
    """How long the officer must have `lesson` open before it can be done."""
    if not settings.LESSON_MINIMUM_TIME:
        return 0
    if lesson.minimum_minutes is not None:
        return lesson.minimum_minutes * 60
    words = len(lesson.search_text.split())
    video_minutes = sum(
        block["value"].get("minutes") or 0
        for block in lesson.body.raw_data
        if block["type"] == "video"
    )
    reading = math.ceil(words * 60 / max(1, settings.LESSON_READING_WORDS_PER_MINUTE))
    return reading + video_minutes * 60


@dataclass(frozen=True)
class Readiness:
    """Whether the officer may mark a lesson done now, and if not why."""

    NOT_OPENED = "not_opened"
    TOO_EARLY = "too_early"
    EARLIER_LESSON = "earlier_lesson"

    reason: str | None = None  # None: ready
    seconds_left: int = 0
    earlier_lesson: LessonPage | None = None  # the lesson to finish first (lessons in order)

    @property
    def ready(self):
        return self.reason is None


class LessonNotReady(Exception):
    def __init__(self, readiness):
        self.readiness = readiness
        super().__init__(readiness.reason)


def in_round(moment, since):
    return moment is not None and (since is None or moment >= since)


@dataclass(frozen=True)
class EarlierLessons:
    """In a course taken in order, where the required lessons before a lesson stand."""

    to_finish: LessonPage | None = None  # the first of them not done in the current round
    last_done_at: object = None  # when the last of them was done

    @classmethod
    def among(cls, required, done_at):
        """From the required lessons before it, in order, and {lesson id: when done}."""
        done = [done_at[other.pk] for other in required if other.pk in done_at]
        return cls(
            to_finish=next((other for other in required if other.pk not in done_at), None),
            last_done_at=max(done, default=None),
        )


def earlier_lessons(officer, lesson, enrolment, course=None):
    """EarlierLessons of `lesson` (empty when the course is taken in any order or `lesson` is
    optional), in one query."""
    course = course or lesson.course.specific
    if not course.lessons_in_order or lesson.optional:
        return EarlierLessons()
    since = enrolment.round_started_at if enrolment else None
    done_at = round_completions(officer, since).filter(lesson=OuterRef("pk"))
    earlier = list(
        LessonPage.objects.sibling_of(lesson)
        .live()
        .filter(optional=False, path__lt=lesson.path)
        .annotate(done_at=Subquery(done_at.values("completed_at")[:1]))
        .order_by("path")
        .only("id", "title", "path", "url_path")
    )
    done_at = {other.pk: other.done_at for other in earlier if other.done_at is not None}
    return EarlierLessons.among(earlier, done_at)


def lesson_readiness(officer, lesson, enrolment, visit, now=None, earlier=None):
    """The rule of the module docstring, for `lesson` now. `visit`: the officer's LessonVisit
    of the lesson, or None; `earlier`: earlier_lessons(), when the caller has it."""
    now = now or timezone.now()
    if earlier is None:
        earlier = earlier_lessons(officer, lesson, enrolment)
    if earlier.to_finish is not None:
        return Readiness(Readiness.EARLIER_LESSON, earlier_lesson=earlier.to_finish)
    since = enrolment.round_started_at if enrolment else None
    if visit is None or not in_round(visit.opened_at, since):
        return Readiness(Readiness.NOT_OPENED)
    reading_since = max(filter(None, [visit.opened_at, earlier.last_done_at]))
    left = minimum_reading_seconds(lesson) - (now - reading_since).total_seconds()
    if left > 0:
        return Readiness(Readiness.TOO_EARLY, seconds_left=math.ceil(left))
    return Readiness()


def _count_time(visit, now):
    gap = now - visit.last_seen_at
    if gap > timedelta(0):
        visit.seconds_spent += int(min(gap, LONGEST_GAP).total_seconds())
    visit.last_seen_at = max(visit.last_seen_at, now)


def record_lesson_opened(officer, lesson, enrolment, now=None):
    """The officer opened `lesson`: the minimum reading time starts (once per round), the
    time spent counts on, and the dashboard will offer to resume here. Returns the visit."""
    now = now or timezone.now()
    # Read first, as get_or_create would, in a leaner query (a lesson page's most frequent).
    visit = VISIT_OF.first(officer.pk, lesson.pk)
    created = visit is None
    if created:
        visit, created = LessonVisit.objects.get_or_create(
            officer=officer, lesson=lesson, defaults={"opened_at": now, "last_seen_at": now}
        )
    reopened = not created and not in_round(
        visit.opened_at, enrolment.round_started_at if enrolment else None
    )
    if reopened or (not created and now - visit.last_seen_at >= HEARD_AGAIN_AFTER):
        _count_time(visit, now)
        if reopened:
            visit.opened_at = now  # taking the course again: read it again
        visit.save(update_fields=["opened_at", "last_seen_at", "seconds_spent"])
    if enrolment and enrolment.last_lesson_id != lesson.pk:
        enrolment.last_lesson = lesson
        enrolment.save(update_fields=["last_lesson"])
    return visit


def record_lesson_seen(officer, lesson, now=None):
    """The open lesson page says the officer is still reading: count the time."""
    now = now or timezone.now()
    visit = LessonVisit.objects.filter(officer=officer, lesson=lesson).first()
    if visit is not None:
        _count_time(visit, now)
        visit.save(update_fields=["last_seen_at", "seconds_spent"])
    return visit


@transaction.atomic
def record_lesson_done(officer, lesson, now=None):
    """Mark a lesson done (idempotent); complete the course when the rule is met.

    Raises LessonNotReady unless the rule of the module docstring allows it. An officer not
    yet enrolled is enrolled, unless the course's prerequisites are missing.
    """
    now = now or timezone.now()
    course = lesson.get_parent().specific
    if not Enrolment.objects.filter(officer=officer, course=course).exists():
        missing = missing_prerequisites(officer, course)
        if missing:
            raise PrerequisitesMissing(missing)
    enrolment = enrol(officer, course)
    completion = LessonCompletion.objects.filter(officer=officer, lesson=lesson).first()
    if completion is not None and in_round(completion.completed_at, enrolment.round_started_at):
        complete_if_done(enrolment, now)  # done already; what else the course needs may be now
        return enrolment
    visit = LessonVisit.objects.select_for_update().filter(officer=officer, lesson=lesson).first()
    earlier = earlier_lessons(officer, lesson, enrolment, course)
    readiness = lesson_readiness(officer, lesson, enrolment, visit, now, earlier)
    if not readiness.ready:
        raise LessonNotReady(readiness)
    _count_time(visit, now)
    visit.save(update_fields=["last_seen_at", "seconds_spent"])
    if completion is None:
        LessonCompletion.objects.create(officer=officer, lesson=lesson, completed_at=now)
    else:
        # Done in an earlier round: done again in this one.
        completion.completed_at = now
        completion.save(update_fields=["completed_at"])
    enrolment.last_lesson = lesson
    enrolment.save(update_fields=["last_lesson"])
    complete_if_done(enrolment, now)
    return enrolment


def complete_if_done(enrolment, now=None):
    """Record completion once, dated `now` (the moment of what completed it: a lesson marked
    done, a quiz passed), and tell whoever reacts to it."""
    if enrolment.completed_at is None and is_complete(enrolment):
        enrolment.completed_at = now or timezone.now()
        enrolment.save(update_fields=["completed_at"])
        events.course_completed(enrolment)
    return enrolment.completed_at is not None


@dataclass
class LessonStatus:
    lesson: LessonPage
    done: bool
    locked: bool = False  # lessons in order: a required lesson before it is not done


def lessons_with_status(course, officer, enrolment):
    """The course's lessons, each done or not in the officer's current round (`enrolment`: the
    officer's enrolment in the course, None when not enrolled), and locked when the course is
    taken in order and a required lesson before it is not done."""
    lessons = list(course.lessons())
    done = set()
    if officer:
        since = enrolment.round_started_at if enrolment else None
        done = set(
            round_completions(officer, since)
            .filter(lesson__in=lessons)
            .values_list("lesson_id", flat=True)
        )
    statuses = []
    waiting = False  # a required lesson before this one is not done
    for lesson in lessons:
        locked = course.lessons_in_order and waiting and not lesson.optional
        statuses.append(LessonStatus(lesson, lesson.pk in done, locked))
        waiting = waiting or (not lesson.optional and lesson.pk not in done)
    return statuses


def lesson_context(lesson, officer, now=None, record=True):
    """What the lesson page shows the officer, and the opening recorded (unless `record` is
    false: a trainer's preview)."""
    now = now or timezone.now()
    course_path = lesson.path[: -LessonPage.steplen]
    siblings = (
        # What sibling_of(lesson).live() says, written out: a lesson page's queries are the
        # site's most frequent, and Django builds each anew.
        LessonPage.objects.filter(path__startswith=course_path, depth=lesson.depth, live=True)
        .order_by("path")
        .only("id", "title", "path", "url_path", "optional")
    )
    if officer:
        # The officer's completions come with the lessons (one per lesson at most), rather
        # than in a query of their own; which count in the current round is decided below.
        completed = LessonCompletion.objects.filter(officer=officer, lesson=OuterRef("pk"))
        siblings = siblings.annotate(completed_at=Subquery(completed.values("completed_at")))
    siblings = list(siblings)
    position = next(i for i, s in enumerate(siblings) if s.pk == lesson.pk)
    context = {
        "previous_lesson": siblings[position - 1] if position > 0 else None,
        "next_lesson": siblings[position + 1] if position + 1 < len(siblings) else None,
        "lesson_number": position + 1,
        "lesson_count": len(siblings),
        "enrolment": None,
        "done": False,
        "readiness": None,
    }
    if officer:
        enrolment = ENROLMENT_OF.first(officer.pk, lesson.course.pk)
        since = enrolment.round_started_at if enrolment else None
        done = {
            other.pk: other.completed_at
            for other in siblings
            if in_round(other.completed_at, since)
        }
        earlier = EarlierLessons()
        if lesson.course.specific.lessons_in_order and not lesson.optional:
            required = [s for s in siblings[:position] if not s.optional]
            earlier = EarlierLessons.among(required, done)
        visit = None
        if earlier.to_finish is None and record:
            visit = record_lesson_opened(officer, lesson, enrolment, now)
        context.update(
            enrolment=enrolment,
            done=lesson.pk in done,
            readiness=lesson_readiness(officer, lesson, enrolment, visit, now, earlier),
        )
    return context


@dataclass
class CourseProgress:
    enrolment: Enrolment
    required: int
    done: int
    next_lesson: LessonPage | None  # where to go on: the lesson left open, else the first not done
    started: bool

    @property
    def percent(self):
        return 100 if not self.required else round(100 * self.done / self.required)


def dashboard(officer):
    """The officer's courses with progress in the current round and what to do next, in a
    fixed number of queries (the certificates earned: certification's template tags)."""
    enrolments = list(
        Enrolment.objects.filter(officer=officer)
        .select_related("course", "last_lesson")
        # Unfinished first, the nearest deadline first; explicit about NULLs, which SQLite and
        # PostgreSQL otherwise sort at opposite ends.
        .order_by(
            F("completed_at").asc(nulls_first=True),
            F("deadline").asc(nulls_last=True),
            "-enrolled_at",
        )
    )
    if not enrolments:
        return []
    prefixes = Q()
    for enrolment in enrolments:
        course = enrolment.course
        prefixes |= Q(path__startswith=course.path, depth=course.depth + 1)
    lessons = list(
        LessonPage.objects.live()
        .filter(prefixes)
        .order_by("path")
        .only("id", "title", "path", "url_path", "optional")
    )
    completed_at = dict(
        LessonCompletion.objects.filter(officer=officer, lesson__in=lessons).values_list(
            "lesson_id", "completed_at"
        )
    )
    by_course = {}
    for lesson in lessons:
        by_course.setdefault(lesson.path[: -CoursePage.steplen], []).append(lesson)
    result = []
    for enrolment in enrolments:
        since = enrolment.round_started_at
        course_lessons = by_course.get(enrolment.course.path, [])
        done = {
            lesson.pk
            for lesson in course_lessons
            if lesson.pk in completed_at and (since is None or completed_at[lesson.pk] >= since)
        }
        required = [lesson for lesson in course_lessons if not lesson.optional]
        pending = [lesson for lesson in course_lessons if lesson.pk not in done]
        left_open = [lesson for lesson in pending if lesson.pk == enrolment.last_lesson_id]
        following = (left_open or pending or [None])[0]
        result.append(
            CourseProgress(
                enrolment=enrolment,
                required=len(required),
                done=sum(1 for lesson in required if lesson.pk in done),
                next_lesson=None if enrolment.completed_at else following,
                started=enrolment.last_lesson_id is not None or bool(done),
            )
        )
    return result
