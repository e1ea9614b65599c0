"""Enrolment, lesson progress and the course-completion rule — the one home of these rules."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from .events import on_course_completed
from .models import CoursePage, Enrolment, LessonCompletion, LessonPage

# Checks an enrolment must pass to count as complete; each takes the enrolment and returns a
# bool. Assessments adds "every required quiz passed" here when it is installed.
COMPLETION_CHECKS = []


def completion_check(function):
    COMPLETION_CHECKS.append(function)
    return function


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


@completion_check
def all_required_lessons_done(enrolment):
    done = round_completions(enrolment.officer, enrolment.round_started_at).filter(
        lesson=OuterRef("pk")
    )
    return not required_lessons(enrolment.course).exclude(Exists(done)).exists()


def is_complete(enrolment):
    return all(check(enrolment) for check in COMPLETION_CHECKS)


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


@transaction.atomic
def record_lesson_done(officer, lesson):
    """Mark a lesson done (idempotent); complete the course when the rule is met.

    An officer not yet enrolled is enrolled, unless the course's prerequisites are missing.
    """
    course = lesson.get_parent().specific
    if not Enrolment.objects.filter(officer=officer, course=course).exists():
        missing = missing_prerequisites(officer, course)
        if missing:
            raise PrerequisitesMissing(missing)
    enrolment = enrol(officer, course)
    completion, created = LessonCompletion.objects.get_or_create(officer=officer, lesson=lesson)
    since = enrolment.round_started_at
    if not created and since is not None and completion.completed_at < since:
        # Done in an earlier round: done again in this one.
        completion.completed_at = timezone.now()
        completion.save(update_fields=["completed_at"])
    enrolment.last_lesson = lesson
    enrolment.save(update_fields=["last_lesson"])
    complete_if_done(enrolment)
    return enrolment


def complete_if_done(enrolment):
    """Record completion once, and tell whoever reacts to it."""
    if enrolment.completed_at is None and is_complete(enrolment):
        enrolment.completed_at = timezone.now()
        enrolment.save(update_fields=["completed_at"])
        on_course_completed(enrolment)
    return enrolment.completed_at is not None


class RenewalNotAllowed(Exception):
    pass


def may_take_again(officer, enrolment, now=None, certificates=None):
    """Whether the officer may take the enrolment's completed course again to renew its
    certificate (certification.issuing.may_renew holds the rule). `certificates`: the
    officer's latest certificates by course, when the caller has them already."""
    from certification.issuing import may_renew

    return enrolment.completed_at is not None and may_renew(
        officer, enrolment.course, now, certificates
    )


@transaction.atomic
def start_new_round(enrolment, now=None):
    """Take a completed course again to renew its certificate: the lessons, quizzes and
    exercises must be done again, and only work from now on counts. Completing the round
    renews the certificate (certification.issuing.issue).

    The deadline, met by the completed round, no longer applies. Raises RenewalNotAllowed
    unless the certificate is expired or due for renewal.
    """
    now = now or timezone.now()
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("officer", "course")
        .get(pk=enrolment.pk)
    )
    if not may_take_again(enrolment.officer, enrolment, now):
        raise RenewalNotAllowed
    enrolment.completed_at = None
    enrolment.round_started_at = now
    enrolment.last_lesson = None
    enrolment.deadline = None
    enrolment.save(update_fields=["completed_at", "round_started_at", "last_lesson", "deadline"])
    return enrolment


def record_lesson_opened(officer, lesson, enrolment):
    """Remember where the officer is, so the dashboard can offer to resume there."""
    if enrolment and enrolment.last_lesson_id != lesson.pk:
        enrolment.last_lesson = lesson
        enrolment.save(update_fields=["last_lesson"])


@dataclass
class LessonStatus:
    lesson: LessonPage
    done: bool


def lessons_with_status(course, officer, enrolment):
    """The course's lessons, each done or not in the officer's current round (`enrolment`: the
    officer's enrolment in the course, None when not enrolled)."""
    lessons = list(course.lessons())
    done = set()
    if officer:
        since = enrolment.round_started_at if enrolment else None
        done = set(
            round_completions(officer, since)
            .filter(lesson__in=lessons)
            .values_list("lesson_id", flat=True)
        )
    return [LessonStatus(lesson, lesson.pk in done) for lesson in lessons]


def lesson_context(lesson, officer):
    siblings = list(
        LessonPage.objects.sibling_of(lesson)
        .live()
        .order_by("path")
        .only("id", "title", "path", "url_path")
    )
    position = next(i for i, s in enumerate(siblings) if s.pk == lesson.pk)
    enrolment = None
    done = False
    if officer:
        enrolment = Enrolment.objects.filter(officer=officer, course_id=lesson.course.pk).first()
        since = enrolment.round_started_at if enrolment else None
        done = round_completions(officer, since).filter(lesson=lesson).exists()
        record_lesson_opened(officer, lesson, enrolment)
    return {
        "previous_lesson": siblings[position - 1] if position > 0 else None,
        "next_lesson": siblings[position + 1] if position + 1 < len(siblings) else None,
        "lesson_number": position + 1,
        "lesson_count": len(siblings),
        "enrolment": enrolment,
        "done": done,
    }


@dataclass
class CourseProgress:
    enrolment: Enrolment
    required: int
    done: int
    next_lesson: LessonPage | None  # where to go on: the lesson left open, else the first not done
    started: bool
    certificate: object = None  # the latest certificate earned in the course (not revoked)
    may_take_again: bool = False  # to renew that certificate

    @property
    def percent(self):
        return 100 if not self.required else round(100 * self.done / self.required)


def dashboard(officer, now=None):
    """The officer's courses with progress in the current round, what to do next, and the
    certificates earned, in a fixed number of queries."""
    from certification.issuing import latest_certificates

    now = now or timezone.now()
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
    certificates = latest_certificates(officer)
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
                certificate=certificates.get(enrolment.course_id),
                may_take_again=may_take_again(officer, enrolment, now, certificates),
            )
        )
    return result
