"""Enrolment, lesson progress and the course-completion rule (courses.progress)."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from courses import progress
from courses.models import Enrolment, LessonCompletion
from tests.courses.conftest import add_lesson, text
from tests.courses.reading import read
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db

HANDLER = "tests.courses.test_progress.record_completion"
completed_enrolments = []


def record_completion(enrolment):
    """A course-completion handler, as certification or reports would add one."""
    completed_enrolments.append(enrolment.pk)


@pytest.fixture(autouse=True)
def no_recorded_completions():
    completed_enrolments.clear()
    yield
    completed_enrolments.clear()


def today():
    return timezone.localdate()


def days(n):
    return datetime.timedelta(days=n)


def finish(officer, lessons):
    enrolment = None
    for lesson in lessons:
        enrolment = read(officer, lesson)
    return enrolment


# --- enrol -------------------------------------------------------------------------------------


def test_enrolling_twice_keeps_one_enrolment(catalogue, officer):
    first = progress.enrol(officer, catalogue.signature)
    second = progress.enrol(officer, catalogue.signature)
    assert first.pk == second.pk
    assert Enrolment.objects.filter(officer=officer, course=catalogue.signature).count() == 1
    assert first.source == Enrolment.Source.SELF
    assert first.deadline is None


def test_enrolling_with_deadlines_keeps_the_earliest(catalogue, officer):
    course = catalogue.signature
    progress.enrol(officer, course)
    progress.enrol(officer, course, deadline=today() + days(30))
    assert Enrolment.objects.get(officer=officer, course=course).deadline == today() + days(30)

    progress.enrol(officer, course, deadline=today() + days(10))
    assert Enrolment.objects.get(officer=officer, course=course).deadline == today() + days(10)

    progress.enrol(officer, course, deadline=today() + days(60))
    progress.enrol(officer, course)
    assert Enrolment.objects.get(officer=officer, course=course).deadline == today() + days(10)


# --- record_lesson_done ------------------------------------------------------------------------


def test_recording_a_lesson_done_creates_one_completion_and_remembers_the_lesson(
    catalogue, officer
):
    lesson = catalogue.lessons(catalogue.signature)[1]
    enrolment = read(officer, lesson)
    first = LessonCompletion.objects.get(officer=officer, lesson=lesson)

    again = read(officer, lesson)

    assert again.pk == enrolment.pk
    assert LessonCompletion.objects.filter(officer=officer, lesson=lesson).count() == 1
    assert LessonCompletion.objects.get(officer=officer, lesson=lesson).completed_at == (
        first.completed_at
    )
    assert Enrolment.objects.get(pk=enrolment.pk).last_lesson_id == lesson.pk


def test_recording_a_lesson_done_enrols_an_officer_who_was_not_enrolled(catalogue, officer):
    lesson = catalogue.lessons(catalogue.public_service)[0]
    read(officer, lesson)
    enrolment = Enrolment.objects.get(officer=officer, course=catalogue.public_service)
    assert enrolment.source == Enrolment.Source.SELF
    assert enrolment.completed_at is None


def test_another_officers_progress_is_not_mine(catalogue, officer):
    colleague = OfficerFactory()
    finish(colleague, catalogue.lessons(catalogue.public_service))
    enrolment = read(officer, catalogue.lessons(catalogue.public_service)[0])
    assert enrolment.completed_at is None
    assert Enrolment.objects.get(officer=colleague).completed_at is not None


# --- the completion rule -----------------------------------------------------------------------


def test_course_completes_exactly_when_every_required_lesson_is_done(catalogue, officer):
    *required, optional = catalogue.lessons(catalogue.signature)
    assert optional.optional and not any(lesson.optional for lesson in required)

    for lesson in required[:-1]:
        enrolment = read(officer, lesson)
        assert enrolment.completed_at is None
        assert not progress.is_complete(enrolment)

    enrolment = read(officer, required[-1])
    assert enrolment.completed_at is not None
    assert Enrolment.objects.get(pk=enrolment.pk).completed_at == enrolment.completed_at
    assert not LessonCompletion.objects.filter(officer=officer, lesson=optional).exists()


def test_doing_only_the_optional_lesson_does_not_complete_the_course(catalogue, officer):
    optional = catalogue.lessons(catalogue.signature)[-1]
    enrolment = read(officer, optional)
    assert enrolment.completed_at is None


def test_lessons_done_in_any_order_complete_the_course(catalogue, officer):
    lessons = catalogue.lessons(catalogue.public_service)
    enrolment = finish(officer, [lessons[2], lessons[0], lessons[1]])
    assert enrolment.completed_at is not None


@override_settings(COURSE_COMPLETION_HANDLERS=[HANDLER])
def test_completion_is_recorded_once_and_handlers_are_told_once(catalogue, officer):
    *required, optional = catalogue.lessons(catalogue.signature)
    enrolment = finish(officer, required)
    completed_at = enrolment.completed_at
    assert completed_enrolments == [enrolment.pk]

    read(officer, optional)
    read(officer, required[0])
    progress.complete_if_done(Enrolment.objects.get(pk=enrolment.pk))

    assert Enrolment.objects.get(pk=enrolment.pk).completed_at == completed_at
    assert completed_enrolments == [enrolment.pk]


@override_settings(COURSE_COMPLETION_HANDLERS=[HANDLER])
def test_handlers_are_not_told_before_the_course_is_complete(catalogue, officer):
    finish(officer, catalogue.lessons(catalogue.public_service)[:2])
    assert completed_enrolments == []


def test_an_unpublished_lesson_is_not_needed_to_complete_the_course(catalogue, officer):
    course = catalogue.public_service
    draft = add_lesson(course, "Bài đang soạn", [text("<p>Chưa xong.</p>")], live=False)
    assert draft.pk not in [lesson.pk for lesson in course.lessons()]

    enrolment = finish(officer, course.lessons())
    assert enrolment.completed_at is not None


def test_a_lesson_unpublished_after_it_was_done_does_not_count(catalogue, officer):
    course = catalogue.public_service
    first, second, third = catalogue.lessons(course)
    finish(officer, [first, second])
    second.unpublish()

    [item] = progress.dashboard(officer)
    assert (item.done, item.required) == (1, 2)

    enrolment = read(officer, third)
    assert enrolment.completed_at is not None


def test_a_completion_check_that_fails_blocks_completion(catalogue, officer, monkeypatch):
    # A private copy of the list: whatever this test appends is gone afterwards.
    monkeypatch.setattr(progress, "COMPLETION_CHECKS", list(progress.COMPLETION_CHECKS))
    quiz_passed = {"value": False}

    @progress.completion_check
    def every_required_quiz_passed(enrolment):
        return quiz_passed["value"]

    assert every_required_quiz_passed in progress.COMPLETION_CHECKS
    lessons = catalogue.lessons(catalogue.public_service)
    enrolment = finish(officer, lessons)
    assert enrolment.completed_at is None
    assert not progress.is_complete(enrolment)

    quiz_passed["value"] = True
    assert progress.complete_if_done(enrolment)
    assert Enrolment.objects.get(pk=enrolment.pk).completed_at is not None


def test_checks_added_by_a_test_do_not_outlive_it():
    assert progress.all_required_lessons_done in progress.COMPLETION_CHECKS
    assert not [check for check in progress.COMPLETION_CHECKS if check.__module__ == __name__]


# --- overdue -----------------------------------------------------------------------------------


@pytest.fixture
def enrolments_by_deadline(catalogue, dien_bien):
    """Officers enrolled in the signature course with various deadlines and completion states."""
    course = catalogue.signature
    cases = {
        "late": (today() - days(1), None),
        "late_but_done": (today() - days(1), timezone.now()),
        "due_today": (today(), None),
        "due_later": (today() + days(7), None),
        "no_deadline": (None, None),
    }
    return {
        name: Enrolment.objects.create(
            officer=OfficerFactory(),
            course=course,
            source=Enrolment.Source.ASSIGNED,
            deadline=deadline,
            completed_at=completed_at,
        )
        for name, (deadline, completed_at) in cases.items()
    }


def test_overdue_means_past_the_deadline_and_not_completed(enrolments_by_deadline):
    overdue = set(Enrolment.objects.overdue())
    assert overdue == {enrolments_by_deadline["late"]}
    assert {name for name, e in enrolments_by_deadline.items() if e.is_overdue} == {"late"}


def test_overdue_is_computed_from_the_date_not_stored(enrolments_by_deadline):
    assert not any("overdue" in f.name for f in Enrolment._meta.get_fields())
    next_week = today() + days(8)
    assert set(Enrolment.objects.overdue(today=next_week)) == {
        enrolments_by_deadline["late"],
        enrolments_by_deadline["due_today"],
        enrolments_by_deadline["due_later"],
    }


def test_completing_the_course_ends_overdue(catalogue, officer):
    course = catalogue.public_service
    enrolment = progress.enrol(officer, course, deadline=today() - days(3))
    assert enrolment.is_overdue
    assert list(Enrolment.objects.overdue()) == [enrolment]

    enrolment = finish(officer, course.lessons())

    assert not enrolment.is_overdue
    assert not Enrolment.objects.overdue().exists()
