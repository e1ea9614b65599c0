"""HR assigns a course with a deadline to a commune, a job position or named officers."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.assignments import apply_assignment
from courses.models import Assignment, Enrolment
from officers.models import JobPosition
from tests.courses.pages import make_course
from tests.factories import PASSWORD, OfficerFactory, unit


@pytest.fixture
def course(dien_bien):
    return make_course()


@pytest.fixture
def officers(dien_bien):
    clerk = JobPosition.objects.get(code="van-thu")
    desk = JobPosition.objects.get(code="mot-cua")
    return {
        "na_sang_clerk": OfficerFactory(unit=unit("03172"), job_position=clerk),
        "na_sang_desk": OfficerFactory(unit=unit("03172"), job_position=desk),
        "muong_tung_clerk": OfficerFactory(unit=unit("03181"), job_position=clerk),
    }


def in_a_month():
    return timezone.localdate() + datetime.timedelta(days=30)


def post_assignment(client, user, **data):
    assert client.login(username=user.username, password=PASSWORD)
    return client.post(reverse("assignment:add"), data)


def enrolled(course):
    return set(Enrolment.objects.filter(course=course).values_list("officer_id", flat=True))


def test_hr_assigns_a_course_to_their_commune_with_a_deadline(client, hr_na_sang, course, officers):
    response = post_assignment(
        client,
        hr_na_sang,
        course=course.pk,
        deadline=in_a_month().isoformat(),
        unit=unit("03172").pk,
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    reached = enrolled(course)
    assert officers["na_sang_clerk"].pk in reached
    assert officers["na_sang_desk"].pk in reached
    assert officers["muong_tung_clerk"].pk not in reached
    enrolment = Enrolment.objects.get(officer=officers["na_sang_clerk"], course=course)
    assert enrolment.deadline == in_a_month()
    assert enrolment.source == Enrolment.Source.ASSIGNED


def test_a_job_position_without_a_unit_stays_within_the_hr_area(
    client, hr_na_sang, course, officers
):
    response = post_assignment(
        client,
        hr_na_sang,
        course=course.pk,
        deadline=in_a_month().isoformat(),
        job_position=JobPosition.objects.get(code="van-thu").pk,
    )
    assert response.status_code == 302
    assert enrolled(course) == {officers["na_sang_clerk"].pk}


def test_hr_cannot_assign_a_course_to_another_commune(client, hr_na_sang, course, officers):
    response = post_assignment(
        client,
        hr_na_sang,
        course=course.pk,
        deadline=in_a_month().isoformat(),
        unit=unit("03181").pk,
    )
    assert response.status_code == 200  # the form again, with an error
    assert not Enrolment.objects.exists()


def test_a_deadline_in_the_past_is_refused(client, hr_na_sang, course, officers):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = post_assignment(
        client,
        hr_na_sang,
        course=course.pk,
        deadline=yesterday.isoformat(),
        unit=unit("03172").pk,
    )
    assert response.status_code == 200
    assert not Assignment.objects.exists()


def test_an_assignment_needs_someone_to_reach(client, hr_na_sang, course):
    response = post_assignment(
        client, hr_na_sang, course=course.pk, deadline=in_a_month().isoformat()
    )
    assert response.status_code == 200
    assert not Assignment.objects.exists()


def test_the_assignment_survives_the_officer_moving_to_another_commune(course, officers):
    assignment = Assignment.objects.create(course=course, deadline=in_a_month(), unit=unit("03172"))
    apply_assignment(assignment)
    mover = officers["na_sang_clerk"]
    mover.unit = unit("03181")
    mover.save()
    enrolment = Enrolment.objects.get(officer=mover, course=course)
    assert enrolment.deadline == in_a_month()
    assert enrolment.assignment == assignment


def test_overdue_is_computed_from_the_deadline_and_completion(course, officers):
    assignment = Assignment.objects.create(course=course, deadline=in_a_month(), unit=unit("03172"))
    apply_assignment(assignment)
    later = in_a_month() + datetime.timedelta(days=1)
    assert Enrolment.objects.overdue(today=later).count() == 2
    done = Enrolment.objects.get(officer=officers["na_sang_desk"], course=course)
    done.completed_at = timezone.now()
    done.save()
    assert list(Enrolment.objects.overdue(today=later).values_list("officer", flat=True)) == [
        officers["na_sang_clerk"].pk
    ]


def test_an_earlier_deadline_wins_and_reassigning_is_idempotent(course, officers):
    late = Assignment.objects.create(course=course, deadline=in_a_month(), unit=unit("03172"))
    apply_assignment(late)
    early = Assignment.objects.create(
        course=course,
        deadline=in_a_month() - datetime.timedelta(days=10),
        job_position=JobPosition.objects.get(code="van-thu"),
        unit=unit("03172"),
    )
    apply_assignment(early)
    apply_assignment(late)
    clerk = Enrolment.objects.get(officer=officers["na_sang_clerk"], course=course)
    desk = Enrolment.objects.get(officer=officers["na_sang_desk"], course=course)
    assert clerk.deadline == early.deadline
    assert desk.deadline == late.deadline
    assert Enrolment.objects.filter(course=course).count() == 2


def test_hr_of_another_commune_cannot_see_or_edit_the_assignment(
    client, hr_na_sang, hr_muong_tung, course, officers
):
    assignment = Assignment.objects.create(
        course=course, deadline=in_a_month(), unit=unit("03172"), created_by=hr_na_sang
    )
    assert client.login(username=hr_muong_tung.username, password=PASSWORD)
    listing = client.get(reverse("assignment:index")).content.decode()
    assert reverse("assignment:edit", args=[assignment.pk]) not in listing
    assert client.get(reverse("assignment:edit", args=[assignment.pk])).status_code == 404
