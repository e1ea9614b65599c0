"""Demo catalogue: three tracks, one real course in each, and officers' progress in them.

The content is teaching material in Vietnamese, written from the facts in the project's domain
notes (laws and decrees with their numbers and dates); it lives in demo/content/ (catalogue.toml,
courses/*.toml), where trainers can read it. Where a fact is not verified, the lesson says so or
leaves it out. `seed_courses()` is idempotent: pages are found by slug under their parent and
updated in place only when the content files differ, so a second run changes nothing.
"""

import copy
import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from assessments.models import Quiz
from courses import progress
from courses.assignments import apply_assignment
from courses.models import (
    Assignment,
    CatalogueIndexPage,
    CoursePage,
    Enrolment,
    LessonCompletion,
    LessonPage,
    SkillTag,
    TrackPage,
)
from home.models import HomePage
from officers.models import JobPosition, Officer
from units.models import AdministrativeUnit, Level

from . import content_files
from .accounts import demo_officers

# ---------------------------------------------------------------------------------------------
# Building blocks of a lesson body, in the raw (JSON-like) form a StreamField accepts.


def text(html):
    return {"type": "text", "value": html}


def _callout(kind, html):
    return {"type": "callout", "value": {"kind": kind, "text": html}}


def steps(title, *items):
    """A numbered procedure; each item is one step (HTML allowed, wrapped in a paragraph)."""
    return {
        "type": "procedure",
        "value": {
            "title": title,
            "steps": [{"text": f"<p>{item}</p>", "screenshot": None} for item in items],
        },
    }


def quiz(introduction, slug):
    """A quiz placement; the quiz is named by its identifier here and placed by id when
    seeding (_placed)."""
    return {"type": "quiz", "value": {"introduction": introduction, "quiz_slug": slug}}


def _placed(body):
    """The body with each quiz named by identifier placed as the lesson editor's chooser does
    (by id); a quiz that is not in the bank (seeding courses alone) is left out."""
    placed = []
    for block in body:
        if block["type"] == "quiz":
            value = dict(block["value"])
            quiz = Quiz.objects.filter(slug=value.pop("quiz_slug")).first()
            if quiz is None:
                continue
            block = {**block, "value": {**value, "quiz": quiz.pk}}
        placed.append(block)
    return placed


# ---------------------------------------------------------------------------------------------
# The catalogue and its courses, from demo/content/catalogue.toml and demo/content/courses/


def lesson_block(table):
    """A lesson block from its [[lessons.body]] table: one of text, tip, warning, law,
    procedure (with steps) or quiz (with an introduction)."""
    if "text" in table:
        return text(table["text"])
    for kind in ("tip", "warning", "law"):
        if kind in table:
            return _callout(kind, table[kind])
    if "procedure" in table:
        return steps(table["procedure"], *table["steps"])
    if "quiz" in table:
        return quiz(table["introduction"], table["quiz"])
    raise ValueError(f"A lesson block needs text, tip, warning, law, procedure or quiz: {table}")


def _course(data):
    """A course file's data, its level checked and its lesson bodies as StreamField data."""
    lessons = [
        {**lesson, "body": [lesson_block(b) for b in lesson["body"]]} for lesson in data["lessons"]
    ]
    return {**data, "level": CoursePage.Level(data["level"]), "lessons": lessons}


CATALOGUE = content_files.read("catalogue.toml")
COURSES = [_course(data) for data in content_files.read_folder("courses")]


# ---------------------------------------------------------------------------------------------
# Demo progress

ALL = 99  # every required lesson done: the course is complete
# Every demo course awards a signed certificate, valid this long.
CERTIFICATE_VALID_MONTHS = 24

# Required lessons done by each demo officer, by commune and position (in demo.accounts.POSITIONS
# order: chair, vice-chair, clerk, justice, service centre, economy, culture–social, finance).
# The pattern shifts by one position per course, so an officer is not equally far everywhere;
# None means not enrolled. Communes differ on purpose: HR reports show leaders and laggards.
PROGRESS = {
    "03127": [ALL, ALL, ALL, 3, ALL, ALL, 2, ALL],
    "03172": [ALL, 2, ALL, 1, 3, 0, ALL, None],
    "03181": [ALL, 3, 2, ALL, None, ALL, 1, ALL],
    "03166": [1, 0, None, 2, ALL, None, 0, 1],
    "03199": [1, None, 0, None, 2, 0, None, None],
}
LEARNER_ACCOUNT = "hocvien"
LEARNER_LESSONS_DONE = 2  # in the signature course
HR_ACCOUNT = "nhansu.tinh"
# Named officers of a lagging commune, assigned the signature course with a past deadline.
OVERDUE_OFFICERS = ["canbo33", "canbo35"]
OVERDUE_DAYS = 14  # the deadline passed this many days before the first seeding
ASSIGNMENT_DAYS = 30  # time given to finish an assigned course
SERVICE_CENTRE_DAYS = 45  # the service-centre staff's deadline for the public-service course


# ---------------------------------------------------------------------------------------------
# Seeding


@transaction.atomic
def seed_courses():
    """Create or refresh the demo catalogue and progress; returns counts for the command."""
    home = home_page()
    if home is None:
        raise RuntimeError("No home page: run `manage.py migrate` before seeding courses.")
    # There is one catalogue (max_count = 1); keep one made by hand under another slug.
    catalogue = CatalogueIndexPage.objects.child_of(home).first()
    if catalogue is None or catalogue.slug == CATALOGUE["slug"]:
        catalogue = _upsert(home, CatalogueIndexPage, **CATALOGUE)
    courses = {}
    lesson_count = 0
    for spec in COURSES:
        track = _upsert(catalogue, TrackPage, **spec["track"])
        course = _upsert(
            track,
            CoursePage,
            spec["slug"],
            title=spec["title"],
            summary=spec["summary"],
            level=spec["level"],
            estimated_minutes=sum(lesson["minutes"] for lesson in spec["lessons"]),
            issues_certificate=True,
            certificate_valid_months=CERTIFICATE_VALID_MONTHS,
            m2m={
                "skill_tags": list(SkillTag.objects.filter(code__in=spec["skills"])),
                "required_for_positions": list(
                    JobPosition.objects.filter(code__in=spec["positions"])
                ),
            },
        )
        for lesson in spec["lessons"]:
            _upsert(
                course,
                LessonPage,
                lesson["slug"],
                title=lesson["title"],
                summary=lesson["summary"],
                estimated_minutes=lesson["minutes"],
                optional=lesson.get("optional", False),
                # A copy: saving adds block ids to the raw data it is given.
                body=_placed(copy.deepcopy(lesson["body"])),
            )
            lesson_count += 1
        courses[spec["key"]] = course
    enrolments = _seed_progress(courses)
    return {"courses": len(courses), "lessons": lesson_count, "enrolments": enrolments}


def home_page():
    """The default site's home page (or the first one), or None before `migrate` made it."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    home = site.root_page.specific if site else None
    return home if isinstance(home, HomePage) else HomePage.objects.first()


def _upsert(parent, model, slug, m2m=None, **fields):
    """The child page of `parent` with this slug, created or brought up to date, and live.

    A new revision is published only when something differs, so re-running changes nothing.
    """
    m2m = m2m or {}
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        for name, objects in m2m.items():
            getattr(page, name).set(objects)
        parent.add_child(instance=page)
        page.save_revision().publish()
        return page
    changed = False
    for name, value in fields.items():
        if _comparable(name, getattr(page, name)) != _comparable(name, value):
            setattr(page, name, value)
            changed = True
    for name, objects in m2m.items():
        manager = getattr(page, name)
        if set(manager.values_list("pk", flat=True)) != {obj.pk for obj in objects}:
            manager.set(objects)
            changed = True
    if changed or not page.live:
        page.save_revision().publish()
    return page


def _comparable(name, value):
    if name == "body":
        if hasattr(value, "get_prep_value"):
            value = value.get_prep_value()
        return _strip_block_ids(list(value))
    return value


def _strip_block_ids(value):
    """Raw StreamField data without block ids, and list items unwrapped, for comparison."""
    if isinstance(value, list):
        return [_strip_block_ids(item) for item in value]
    if isinstance(value, dict):
        if value.get("type") == "item" and set(value) <= {"type", "value", "id"}:
            return _strip_block_ids(value["value"])
        return {key: _strip_block_ids(item) for key, item in value.items() if key != "id"}
    return value


def _seed_progress(courses):
    """Enrol demo officers with varied progress; returns the number of demo enrolments."""
    usernames = [LEARNER_ACCOUNT] + [row[0] for row in demo_officers()]
    officers = {
        officer.user.username: officer
        for officer in Officer.objects.filter(user__username__in=usernames).select_related(
            "user", "job_position"
        )
    }
    if not officers:
        return 0  # officers are not seeded: nothing to enrol
    lessons = {
        key: list(course.lessons().filter(optional=False)) for key, course in courses.items()
    }
    _seed_assignments(courses, officers)

    learner = officers.get(LEARNER_ACCOUNT)
    if learner:
        _do_lessons(learner, courses["signature"], lessons["signature"][:LEARNER_LESSONS_DONE])

    for n, (username, _name, commune, position, _title) in enumerate(demo_officers()):
        officer = officers.get(username)
        if officer is None:
            continue
        pattern = PROGRESS[commune]
        for k, spec in enumerate(COURSES):
            if position not in spec["positions"]:
                continue
            # demo_officers() lists each commune's positions in order: n % 8 is the position.
            done = pattern[(n + k) % len(pattern)]
            if done is None:
                continue
            course = courses[spec["key"]]
            _do_lessons(officer, course, lessons[spec["key"]][:done])
    return Enrolment.objects.filter(officer__in=officers.values()).count()


def _do_lessons(officer, course, lessons):
    """The officer reads the lessons, in order, each for its minimum reading time."""
    enrolment = progress.enrol(officer, course)
    done = set(
        LessonCompletion.objects.filter(officer=officer, lesson__in=lessons).values_list(
            "lesson_id", flat=True
        )
    )
    pending = [lesson for lesson in lessons if lesson.pk not in done]
    now = timezone.now()
    moment = now - datetime.timedelta(
        seconds=sum(progress.minimum_reading_seconds(lesson) + 60 for lesson in pending)
    )
    for lesson in pending:
        progress.record_lesson_opened(officer, lesson, enrolment, now=moment)
        moment += datetime.timedelta(seconds=progress.minimum_reading_seconds(lesson) + 60)
        progress.record_lesson_done(officer, lesson, now=min(moment, now))


def _seed_assignments(courses, officers):
    """Two assignments by the province's HR: one overdue, one running."""
    hr_user = get_user_model().objects.filter(username=HR_ACCOUNT).first()
    if hr_user is None:
        return
    today = timezone.localdate()

    # The signature course, assigned to two named officers of a lagging commune; past deadline.
    overdue = Assignment.objects.filter(
        course=courses["signature"], unit=None, job_position=None, created_by=hr_user
    ).first()
    if overdue is None:
        deadline = today - datetime.timedelta(days=OVERDUE_DAYS)
        overdue = Assignment.objects.create(
            course=courses["signature"], deadline=deadline, created_by=hr_user
        )
        assigned_on = timezone.now() - datetime.timedelta(days=OVERDUE_DAYS + ASSIGNMENT_DAYS)
        Assignment.objects.filter(pk=overdue.pk).update(created_at=assigned_on)
        overdue.refresh_from_db()
        overdue.officers.set([officers[name] for name in OVERDUE_OFFICERS if name in officers])
    apply_assignment(overdue)
    # They were enrolled when it was assigned, not today.
    overdue.enrolments.filter(enrolled_at__gt=overdue.created_at).update(
        enrolled_at=overdue.created_at
    )

    # The public-service course, assigned to the service-centre staff of the whole province.
    province = AdministrativeUnit.objects.current().filter(code="11", level=Level.PROVINCE)
    position = JobPosition.objects.filter(code="mot-cua").first()
    if province.exists() and position:
        running, _created = Assignment.objects.get_or_create(
            course=courses["public_services"],
            unit=province.get(),
            job_position=position,
            defaults={
                "deadline": today + datetime.timedelta(days=SERVICE_CENTRE_DAYS),
                "created_by": hr_user,
            },
        )
        apply_assignment(running)
