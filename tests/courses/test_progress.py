"""Enrolment, lesson progress and the course-completion rule (courses.progress)."""

import datetime

import pytest
from django.utils import timezone

from courses import events, progress
from courses.models import Enrolment, LessonCompletion
from tests.courses.conftest import add_lesson, text
from tests.courses.reading import read
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed_enrolments(monkeypatch):
    """What a subscriber of the completion event is told, as certification is one; a private
    copy of the subscribers, so the test's is gone afterwards."""
    monkeypatch.setattr(events, "_subscribers", list(events.subscribers()))
    told = []
    events.subscribe(lambda enrolment: told.append(enrolment.pk))
    return told


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


def test_completion_is_recorded_once_and_subscribers_are_told_once(
    catalogue, officer, completed_enrolments
):
    *required, optional = catalogue.lessons(catalogue.signature)
    enrolment = finish(officer, required)
    completed_at = enrolment.completed_at
    assert completed_enrolments == [enrolment.pk]

    read(officer, optional)
    read(officer, required[0])
    progress.complete_if_done(Enrolment.objects.get(pk=enrolment.pk))

    assert Enrolment.objects.get(pk=enrolment.pk).completed_at == completed_at
    assert completed_enrolments == [enrolment.pk]


def test_subscribers_are_not_told_before_the_course_is_complete(
    catalogue, officer, completed_enrolments
):
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


def test_a_completion_condition_that_fails_blocks_completion(catalogue, officer, monkeypatch):
    # A private copy of the list: whatever this test adds is gone afterwards.
    monkeypatch.setattr(events, "_conditions", list(events.completion_conditions()))
    quiz_passed = {"value": False}

    def every_required_quiz_passed(enrolment):
        return quiz_passed["value"]

    events.add_completion_condition(every_required_quiz_passed)
    lessons = catalogue.lessons(catalogue.public_service)
    enrolment = finish(officer, lessons)
    assert enrolment.completed_at is None
    assert not progress.is_complete(enrolment)

    quiz_passed["value"] = True
    assert progress.complete_if_done(enrolment)
    assert Enrolment.objects.get(pk=enrolment.pk).completed_at is not None


def test_assessments_and_certification_join_the_completion_event_when_apps_are_ready():
    from assessments.completion import required_exercises_passed, required_quizzes_passed
    from certification.issuing import on_course_completed

    # Exactly these: nothing added by a test outlives it.
    assert set(events.completion_conditions()) == {
        required_quizzes_passed,
        required_exercises_passed,
    }
    assert events.subscribers() == (on_course_completed,)


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
