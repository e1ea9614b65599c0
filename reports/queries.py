"""The numbers behind the training reports, counted in the database.

Every report is scoped to the user asking: an administrator sees the whole country, an HR
officer their own unit and the units under it, anyone else nothing (PermissionDenied). Every
aggregate is one grouped query (``values().annotate()`` with conditional counts and subqueries),
so a report runs the same few queries for one commune or for 3,321; Python only merges the
grouped rows with the list of units or quizzes they belong to.

The business rules live here and nowhere else:

* An enrolment is **overdue** when it has a deadline before today and is not completed (the same
  rule as ``Enrolment.objects.overdue()``); it stays overdue until it is completed.
* The **completion rate** of a unit is completed enrolments / enrolments (in the selected
  course, track or all courses), in percent with one decimal. The **enrolment rate** is officers
  with at least one such enrolment / officers.
* **Lagging** units: a completion rate under ``RED_BELOW`` (50 %) is red, under ``AMBER_BELOW``
  (80 %) amber, otherwise green. A unit with officers but no enrolment at all in the selection
  is red (nobody has started); a unit without officers has no status.
* A certificate is **in force** when valid and not past its expiry (as
  ``Certificate.objects.in_force()``, so a valid certificate past its expiry counts as expired
  even before the periodic task records it). It is **expiring** when in force and expiring
  within ``certification.models.RENEWAL_WINDOW`` (90 days, the end of the window included: the
  window in which the officer may renew it). These rules live in ``certification.models``
  (``in_force_q``, ``expiring_q``, ``expired_q``). Superseded certificates
  (replaced by a renewal) are left out of every count.
* The **link rate** is officers with a confirmed procedure-system account (``procedure_account``
  set; an account awaiting HR's confirmation does not count) / officers.
* An officer **passed** a quiz when their final attempt passed: the final attempt is chosen by
  the quiz's grading method among their finished attempts of the current round, exactly as
  ``assessments.attempts.final_attempt`` does, but for every officer in one query.
* The **time spent** on a course by an enrolled officer is the time the server measured with
  the course's lessons (its child pages), ``LessonVisit.seconds_spent`` summed: every round of
  the course, each gap between two signals from an open lesson counted up to
  ``courses.progress.LONGEST_GAP``. A visit keeps a running total, not a log, so the time
  follows the selected enrolments whenever it was spent. Shown in whole minutes, half a minute
  rounded up. The **average time** of a course is its total over the enrolled officers with
  any time recorded in it: an officer who never opened a lesson has no time to average, and
  counting them as zero would mix "has not started" into "how long the course takes".
"""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    TextChoices,
    Value,
    When,
)
from django.db.models.functions import Length, Substr, TruncMonth
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import avoid_wrapping
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, ReferenceIndex

from assessments.models import Attempt, Quiz
from certification.models import Certificate, expired_q, expiring_q, in_force_q
from courses.models import CoursePage, Enrolment, LessonPage, LessonVisit, TrackPage
from officers.models import Officer
from officers.roles import hr_scope_of, is_administrator
from units.models import AdministrativeUnit, Level, within_q

from .models import SEE_REPORTS

# Lagging thresholds, in percent of enrolments completed.
RED_BELOW = 50.0
AMBER_BELOW = 80.0
# Months shown in the completion trend.
TREND_MONTHS = 12


class Status(TextChoices):
    RED = "red", _("Red")
    AMBER = "amber", _("Amber")
    GREEN = "green", _("Green")


def status_of(rate):
    """Red, amber or green for a completion rate in percent (None: nothing to complete)."""
    if rate is None or rate < RED_BELOW:
        return Status.RED
    if rate < AMBER_BELOW:
        return Status.AMBER
    return Status.GREEN


def percent(part, whole):
    """part / whole in percent with one decimal; None when there is no whole."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


@dataclass(frozen=True)
class ReportFilters:
    """What a report is narrowed to. `unit` must lie in the user's scope (else PermissionDenied);
    `track` and `course` select enrolments, certificates and quizzes (both apply: a course
    outside the track selects nothing); `date_from`/`date_to` (both inclusive) bound the
    enrolment dates in the coverage report and the submission dates of quiz attempts."""

    unit: AdministrativeUnit | None = None
    track: TrackPage | None = None
    course: CoursePage | None = None
    job_position: object | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


NO_FILTERS = ReportFilters()


# ---------------------------------------------------------------------------------------------
# Scope


def scope_of(user):
    """The unit a user's reports cover: None (the whole country) for administrators, their unit
    for HR. Anyone else may not see reports."""
    if is_administrator(user):
        return None
    scope = hr_scope_of(user)
    if scope is None or not user.has_perm(SEE_REPORTS):
        raise PermissionDenied
    return scope


def units_in_scope(user):
    """Units in force a user may narrow a report to (provinces and communes)."""
    units = AdministrativeUnit.objects.current().select_related("parent")
    scope = scope_of(user)
    return units if scope is None else units.within(scope)


def report_unit(user, filters=NO_FILTERS):
    """The unit a report covers: the unit filter when inside the user's scope, else the scope
    itself (None: the whole country). A unit outside the scope is refused."""
    scope = scope_of(user)
    unit = filters.unit
    if unit is None:
        return scope
    if scope is not None and not scope.contains(unit):
        raise PermissionDenied
    return unit


def _officer_q(unit, filters, prefix=""):
    """Officers of the unit's tree (all officers when None) holding the job position."""
    q = Q() if unit is None else within_q(unit, f"{prefix}unit")
    if filters.job_position is not None:
        q &= Q(**{f"{prefix}job_position": filters.job_position})
    return q


def _course_q(filters, prefix="course__"):
    """Rows of the selected course and of the courses of the selected track; `prefix` leads
    from the row to the course ("" when the rows are courses)."""
    q = Q()
    if filters.course is not None:
        q &= Q(**{f"{prefix}pk": filters.course.pk})
    if filters.track is not None:
        q &= Q(**{f"{prefix}path__startswith": filters.track.path}) & ~Q(
            **{f"{prefix}path": filters.track.path}
        )
    return q


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _date_q(filters, field):
    q = Q()
    if filters.date_from is not None:
        q &= Q(**{f"{field}__gte": _day_start(filters.date_from)})
    if filters.date_to is not None:
        q &= Q(**{f"{field}__lt": _day_start(filters.date_to + datetime.timedelta(days=1))})
    return q


def _row_key(prefix, by_province):
    """The unit a row counts an officer under: their province for the national roll-up, their
    own unit (a commune, or the province for provincial staff) below it."""
    if not by_province:
        return F(f"{prefix}unit_id")
    return Case(
        When(**{f"{prefix}unit__level": Level.PROVINCE}, then=F(f"{prefix}unit_id")),
        When(
            **{f"{prefix}unit__parent__level": Level.PROVINCE}, then=F(f"{prefix}unit__parent_id")
        ),
        default=F(f"{prefix}unit__parent__parent_id"),
    )


def _row_units(unit, keys):
    """The units of the rows, in official order: every province for the country, every commune
    of a province (and the province itself when it has staff of its own), or the one unit;
    plus any unit that has numbers (an officer left in a unit no longer in force)."""
    current = AdministrativeUnit.objects.current()
    if unit is None:
        listed = current.filter(level=Level.PROVINCE)
    elif unit.level != Level.COMMUNE:
        listed = current.filter(parent=unit, level=Level.COMMUNE)
    else:
        listed = current.filter(pk=unit.pk)
    return list(
        (listed | AdministrativeUnit.objects.filter(pk__in=keys))
        .distinct()
        .order_by("level", "code")
    )


# ---------------------------------------------------------------------------------------------
# 1. Coverage


COMPLETED = Q(completed_at__isnull=False)


def overdue_q(today):
    """Enrolments past their deadline and not completed (Enrolment.objects.overdue())."""
    return Q(deadline__lt=today, completed_at__isnull=True)


@dataclass
class CoverageRow:
    unit: AdministrativeUnit | None = None
    officers: int = 0
    enrolled: int = 0  # officers with at least one enrolment in the selection
    enrolments: int = 0
    completed: int = 0  # completed enrolments
    overdue: int = 0  # overdue enrolments

    @property
    def completion_rate(self):
        return percent(self.completed, self.enrolments)

    @property
    def enrolment_rate(self):
        return percent(self.enrolled, self.officers)

    @property
    def status(self):
        return status_of(self.completion_rate) if self.officers else None

    @property
    def lagging(self):
        return self.status in (Status.RED, Status.AMBER)


@dataclass
class CourseCoverageRow:
    """Coverage of one course (`course_id`) or one track (`track_path`)."""

    title: str
    track: str = ""
    course_id: int | None = None
    track_path: str = ""
    enrolled: int = 0
    enrolments: int = 0
    completed: int = 0
    overdue: int = 0
    seconds_spent: int = 0  # by the enrolled officers, with the course's lessons (per course)
    officers_with_time: int = 0  # enrolled officers with any time recorded (per course)

    @property
    def completion_rate(self):
        return percent(self.completed, self.enrolments)

    @property
    def status(self):
        return status_of(self.completion_rate)

    @property
    def minutes_spent(self):
        """The total time in whole minutes; None when nobody has any time recorded."""
        return whole_minutes(self.seconds_spent) if self.officers_with_time else None

    @property
    def average_minutes(self):
        """Whole minutes per enrolled officer with any time recorded; None when there is none."""
        if not self.officers_with_time:
            return None
        return whole_minutes(self.seconds_spent, self.officers_with_time)


def enrolments_in_scope(user, filters=NO_FILTERS):
    """Enrolments of the report's officers in the selected courses and enrolment period."""
    unit = report_unit(user, filters)
    return Enrolment.objects.filter(
        _officer_q(unit, filters, "officer__"), _course_q(filters), _date_q(filters, "enrolled_at")
    )


def _enrolment_counts(today):
    return {
        "enrolled": Count("officer", distinct=True),
        "enrolments": Count("pk"),
        "completed": Count("pk", filter=COMPLETED),
        "overdue": Count("pk", filter=overdue_q(today)),
    }


def whole_minutes(seconds, per=1):
    """seconds / per in whole minutes, half a minute rounded up (integers only: no float
    rounding, the same figure on screen and in the downloads)."""
    return (2 * seconds + 60 * per) // (120 * per)


def duration_label(minutes):
    """A number of whole minutes as the reports show it: "1 hour 25 minutes", "25 minutes",
    "2 hours" (translated); None stays None (nothing recorded)."""
    if minutes is None:
        return None
    if minutes == 0:
        return gettext("under a minute")
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(
            ngettext("%(hours)s hour", "%(hours)s hours", hours)
            % {"hours": number_format(hours, force_grouping=True)}
        )
    if rest or not hours:
        parts.append(
            ngettext("%(minutes)s minute", "%(minutes)s minutes", rest) % {"minutes": rest}
        )
    return " ".join(avoid_wrapping(part) for part in parts)


def lesson_course_path(field="lesson__path"):
    """The path of the course a lesson belongs to (the lesson's parent page), from the
    lesson's path `field`."""
    return Substr(field, 1, Length(field) - Page.steplen)


def lessons_of(course_ids_by_path):
    """{course id: ids of its lessons} for the courses given as {path: id}, every lesson of
    theirs, published or not (time spent on a lesson since withdrawn was spent). One query."""
    lessons = (
        LessonPage.objects.annotate(course_path=lesson_course_path("path"))
        .filter(course_path__in=list(course_ids_by_path))
        .values_list("pk", "course_path")
    )
    by_course = {}
    for lesson_id, course_path in lessons:
        by_course.setdefault(course_ids_by_path[course_path], []).append(lesson_id)
    return by_course


def time_by_course(enrolments, lessons, visits=None):
    """{course id: (seconds, officers)}: the time the officers of `enrolments` spent with the
    lessons of the course of their enrolment, and how many of them have any time. One grouped
    query; none when no course has lessons.

    `lessons`: lessons_of() the courses. A visit is matched to its enrolment by officer and
    course id (the course found from the lesson's id), which the database does with the
    enrolments' unique index, rather than by the lesson's path, which it would have to compute
    for every visit and every enrolment. `visits`: the LessonVisits to read, when the caller
    can narrow them to the same officers (a unit's), so the database need not read the others.
    """
    lesson_ids = [lesson_id for ids in lessons.values() for lesson_id in ids]
    if not lesson_ids:
        return {}
    visits = LessonVisit.objects.all() if visits is None else visits
    course_of_lesson = Case(
        *[When(lesson_id__in=ids, then=Value(course_id)) for course_id, ids in lessons.items()],
        output_field=IntegerField(),
    )
    enrolled = enrolments.filter(
        officer_id=OuterRef("officer_id"), course_id=OuterRef("visited_course")
    )
    groups = (
        visits.filter(seconds_spent__gt=0, lesson_id__in=lesson_ids)
        .annotate(visited_course=course_of_lesson)
        .filter(Exists(enrolled))
        .values("visited_course")
        .annotate(seconds=Sum("seconds_spent"), officers=Count("officer_id", distinct=True))
        .order_by()
    )
    return {group["visited_course"]: (group["seconds"], group["officers"]) for group in groups}


def officer_time_by_course(officer):
    """{course path: seconds}: the time `officer` spent with the lessons of each course, every
    round (an officer's record reads it for their enrolments). One grouped query."""
    return dict(
        LessonVisit.objects.filter(officer=officer, seconds_spent__gt=0)
        .values(course_path=lesson_course_path())
        .annotate(seconds=Sum("seconds_spent"))
        .values_list("course_path", "seconds")
        .order_by()
    )


def coverage_by_unit(user, filters=NO_FILTERS, *, today=None):
    """One CoverageRow per unit: per province for the whole country (administrators), per
    commune for a province, the commune alone for a commune. Three queries."""
    today = today or timezone.localdate()
    unit = report_unit(user, filters)
    by_province = unit is None
    officers = (
        Officer.objects.filter(_officer_q(unit, filters))
        .values(row_unit=_row_key("", by_province))
        .annotate(officers=Count("pk"))
        .order_by()
    )
    enrolments = (
        enrolments_in_scope(user, filters)
        .values(row_unit=_row_key("officer__", by_province))
        .annotate(**_enrolment_counts(today))
        .order_by()
    )
    counts = {}
    for group in [*officers, *enrolments]:
        counts.setdefault(group.pop("row_unit"), {}).update(group)
    return [
        CoverageRow(unit=row_unit, **counts.get(row_unit.pk, {}))
        for row_unit in _row_units(unit, counts)
    ]


def total(rows, row_class=CoverageRow, **initial):
    """The sum of rows (every count is additive: an officer counts in one unit only)."""
    summed = row_class(**initial)
    for row in rows:
        for name in summed.__dataclass_fields__:
            value = getattr(row, name)
            if isinstance(value, int) and not isinstance(value, bool) and name != "course_id":
                setattr(summed, name, getattr(summed, name) + value)
    return summed


def lagging_units(rows):
    """Red and amber rows, the worst first (lowest completion rate, then most officers)."""
    lagging = [row for row in rows if row.lagging]
    return sorted(lagging, key=lambda row: (row.completion_rate or 0, -row.officers, row.unit.code))


def _track_path():
    return Substr("course__path", 1, Length("course__path") - Page.steplen)


def _track_titles(paths):
    return dict(TrackPage.objects.filter(path__in=set(paths)).values_list("path", "title"))


def coverage_by_course(user, filters=NO_FILTERS, *, today=None):
    """One CourseCoverageRow per course with enrolments in the report, with the time its
    enrolled officers spent with its lessons. Four queries: the enrolments, the courses'
    lessons, the time, the tracks' titles."""
    today = today or timezone.localdate()
    enrolments = enrolments_in_scope(user, filters)
    groups = list(
        enrolments.values("course_id", "course__title", "course__path")
        .annotate(**_enrolment_counts(today))
        .order_by("course__path")
    )
    unit = report_unit(user, filters)
    times = time_by_course(
        enrolments,
        lessons_of({group["course__path"]: group["course_id"] for group in groups}),
        LessonVisit.objects.filter(_officer_q(unit, filters, "officer__")),
    )
    titles = _track_titles(group["course__path"][: -Page.steplen] for group in groups)
    rows = []
    for group in groups:
        path = group.pop("course__path")
        seconds, officers = times.get(group["course_id"], (0, 0))
        rows.append(
            CourseCoverageRow(
                title=group.pop("course__title"),
                track=titles.get(path[: -Page.steplen], ""),
                track_path=path[: -Page.steplen],
                seconds_spent=seconds,
                officers_with_time=officers,
                **group,
            )
        )
    return rows


def coverage_by_track(user, filters=NO_FILTERS, *, today=None):
    """One CourseCoverageRow per track with enrolments in the report (`enrolled`: distinct
    officers). Two queries."""
    today = today or timezone.localdate()
    groups = list(
        enrolments_in_scope(user, filters)
        .values(track_path=_track_path())
        .annotate(**_enrolment_counts(today))
        .order_by("track_path")
    )
    titles = _track_titles(group["track_path"] for group in groups)
    return [
        CourseCoverageRow(title=titles.get(group["track_path"], ""), **group) for group in groups
    ]


def _month_start(day, back=0):
    month = day.year * 12 + day.month - 1 - back
    return datetime.date(month // 12, month % 12 + 1, 1)


def completions_by_month(user, filters=NO_FILTERS, *, today=None, months=TREND_MONTHS):
    """(first day of month, completions) for the last `months` months up to today's, zeros
    included: enrolments of the report completed in each month (local time). One query."""
    today = today or timezone.localdate()
    first = _month_start(today, months - 1)
    counts = {}
    for group in (
        enrolments_in_scope(user, filters)
        .filter(completed_at__gte=_day_start(first))
        .annotate(month=TruncMonth("completed_at"))
        .values("month")
        .annotate(completions=Count("pk"))
        .order_by()
    ):
        month = group["month"]
        if isinstance(month, datetime.datetime):
            month = (timezone.localtime(month) if timezone.is_aware(month) else month).date()
        counts[month] = counts.get(month, 0) + group["completions"]
    return [
        (_month_start(today, back), counts.get(_month_start(today, back), 0))
        for back in range(months - 1, -1, -1)
    ]


# ---------------------------------------------------------------------------------------------
# 2. Certification status


@dataclass
class CertificationRow:
    unit: AdministrativeUnit | None = None
    officers: int = 0
    linked: int = 0  # officers with a confirmed procedure-system account
    certified: int = 0  # officers holding at least one certificate in force
    valid: int = 0  # in force and not expiring within the window
    expiring: int = 0
    expired: int = 0
    revoked: int = 0

    @property
    def link_rate(self):
        return percent(self.linked, self.officers)

    @property
    def certified_rate(self):
        return percent(self.certified, self.officers)


def certificates_in_scope(user, filters=NO_FILTERS):
    """Certificates of the report's officers in the selected courses, superseded ones left out."""
    unit = report_unit(user, filters)
    return Certificate.objects.filter(
        _officer_q(unit, filters, "officer__"), _course_q(filters)
    ).exclude(status=Certificate.Status.SUPERSEDED)


def certification_by_unit(user, filters=NO_FILTERS, *, now=None):
    """One CertificationRow per unit, grouped as coverage_by_unit. Three queries."""
    now = now or timezone.now()
    unit = report_unit(user, filters)
    by_province = unit is None
    officers = (
        Officer.objects.filter(_officer_q(unit, filters))
        .values(row_unit=_row_key("", by_province))
        .annotate(officers=Count("pk"), linked=Count("pk", filter=~Q(procedure_account="")))
        .order_by()
    )
    certificates = (
        certificates_in_scope(user, filters)
        .values(row_unit=_row_key("officer__", by_province))
        .annotate(
            certified=Count("officer", distinct=True, filter=in_force_q(now)),
            valid=Count("pk", filter=in_force_q(now) & ~expiring_q(now)),
            expiring=Count("pk", filter=expiring_q(now)),
            expired=Count("pk", filter=expired_q(now)),
            revoked=Count("pk", filter=Q(status=Certificate.Status.REVOKED)),
        )
        .order_by()
    )
    counts = {}
    for group in [*officers, *certificates]:
        counts.setdefault(group.pop("row_unit"), {}).update(group)
    return [
        CertificationRow(unit=row_unit, **counts.get(row_unit.pk, {}))
        for row_unit in _row_units(unit, counts)
    ]


def expiring_certificates(user, filters=NO_FILTERS, *, now=None):
    """Certificates in force expiring within RENEWAL_WINDOW, the soonest first, with their
    officer, unit and job position (one query when evaluated)."""
    now = now or timezone.now()
    return (
        certificates_in_scope(user, filters)
        .filter(expiring_q(now))
        .select_related("officer__unit", "officer__job_position")
        .order_by("expires_at", "officer__sort_key", "pk")
    )


# ---------------------------------------------------------------------------------------------
# 3. Assessment summary


def quiz_placements():
    """{quiz id: ids of the courses placing it in a live lesson}, as
    assessments.completion.courses_placing decides (from Wagtail's reference index), for every
    quiz at once. Three queries."""
    references = ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(Quiz),
        content_type=ContentType.objects.get_for_model(LessonPage),
    ).values_list("object_id", "to_object_id")
    quizzes_of = {}
    for lesson_id, quiz_id in references:
        quizzes_of.setdefault(int(lesson_id), set()).add(int(quiz_id))
    paths = {}
    for lesson in LessonPage.objects.live().filter(pk__in=list(quizzes_of)).only("path"):
        for quiz_id in quizzes_of[lesson.pk]:
            paths.setdefault(quiz_id, set()).add(lesson.path[: -Page.steplen])
    all_paths = set().union(*paths.values()) if paths else set()
    course_ids = dict(CoursePage.objects.filter(path__in=all_paths).values_list("path", "pk"))
    return {
        quiz_id: {course_ids[path] for path in course_paths if path in course_ids}
        for quiz_id, course_paths in paths.items()
    }


def _course_ids(filters):
    """Ids of the courses the filters select, or None for every course."""
    if filters.course is None and filters.track is None:
        return None
    return set(CoursePage.objects.filter(_course_q(filters, "")).values_list("pk", flat=True))


def _in_current_round(retaken):
    """Q: the attempt belongs to its officer's current round of the quiz, i.e. no enrolment of
    theirs in a course placing the quiz started a new round after the attempt was submitted
    (the same as submitted_at >= quiz_round_started(officer, quiz)). `retaken`: {quiz id:
    ids of the courses placing it in which someone started a new round}; with none, every
    attempt is in the current round and no subquery is needed. OuterRef is the attempt."""
    if not retaken:
        return Q()
    placed = Q()
    for quiz_id, course_ids in retaken.items():
        placed |= Q(Exact(OuterRef("quiz_id"), quiz_id), course_id__in=course_ids)
    later_round = Enrolment.objects.filter(
        placed, officer=OuterRef("officer"), round_started_at__gt=OuterRef("submitted_at")
    )
    return ~Q(Exists(later_round))


def _beaten(retaken, period):
    """Exists: a finished attempt of the same officer at the same quiz, in the same round and
    period, that the quiz's grading method prefers (the ordering of final_attempt: first,
    last, or highest score with the earliest attempt winning a tie). OuterRef is the attempt."""
    grading = Quiz.Grading
    beats = (
        Q(quiz__grading=grading.FIRST, number__lt=OuterRef("number"))
        | Q(quiz__grading=grading.LAST, number__gt=OuterRef("number"))
        | Q(quiz__grading=grading.HIGHEST, percent__gt=OuterRef("percent"))
        | Q(
            quiz__grading=grading.HIGHEST,
            percent=OuterRef("percent"),
            number__lt=OuterRef("number"),
        )
    )
    return Exists(
        Attempt.objects.filter(
            beats,
            period,
            _in_current_round(retaken),
            quiz=OuterRef("quiz"),
            officer=OuterRef("officer"),
            state=Attempt.State.FINISHED,
        )
    )


@dataclass
class QuizRow:
    quiz_id: int
    title: str
    attempts: int = 0  # finished attempts
    officers: int = 0  # officers with at least one finished attempt
    passed: int = 0  # officers whose final attempt passed
    average: float | None = None  # mean score (%) of the final attempts

    @property
    def pass_rate(self):
        return percent(self.passed, self.officers)


def attempts_in_scope(user, filters=NO_FILTERS):
    """Finished attempts of the report's officers at the selected quizzes, submitted in the
    period."""
    unit = report_unit(user, filters)
    return Attempt.objects.filter(
        _officer_q(unit, filters, "officer__"),
        _date_q(filters, "submitted_at"),
        state=Attempt.State.FINISHED,
    )


def assessment_summary(user, filters=NO_FILTERS):
    """One QuizRow per quiz with finished attempts in the report, by quiz title. With a course
    or track, only the quizzes placed in its courses. Seven queries: four find where quizzes
    are placed and which courses are being taken again, two count."""
    placed = quiz_placements()
    retaken_courses = set(
        Enrolment.objects.filter(round_started_at__isnull=False)
        .values_list("course_id", flat=True)
        .distinct()
    )
    retaken = {
        quiz_id: ids & retaken_courses for quiz_id, ids in placed.items() if ids & retaken_courses
    }
    attempts = attempts_in_scope(user, filters)
    wanted = _course_ids(filters)
    if wanted is not None:
        attempts = attempts.filter(quiz__in=[quiz for quiz, ids in placed.items() if ids & wanted])
    # The final attempts are counted in a query of their own: in a WHERE clause the database
    # finds them with one anti-join, where an aggregate's FILTER would test every attempt twice.
    final = _in_current_round(retaken) & ~Q(_beaten(retaken, _date_q(filters, "submitted_at")))
    finals = {
        group["quiz_id"]: group
        for group in attempts.filter(final)
        .values("quiz_id")
        .annotate(passed=Count("pk", filter=Q(passed=True)), average=Avg("percent"))
        .order_by()
    }
    rows = []
    for group in (
        attempts.values("quiz_id", "quiz__title")
        .annotate(attempts=Count("pk"), officers=Count("officer", distinct=True))
        .order_by("quiz__title", "quiz_id")
    ):
        final_group = finals.get(group["quiz_id"], {})
        average = final_group.get("average")
        rows.append(
            QuizRow(
                quiz_id=group["quiz_id"],
                title=group["quiz__title"],
                attempts=group["attempts"],
                officers=group["officers"],
                passed=final_group.get("passed", 0),
                average=None if average is None else round(float(average), 1),
            )
        )
    return rows
