"""A course may need others first; unpublishing a course takes its lessons away."""

import pytest
from django.urls import reverse

from courses import progress
from courses.models import Enrolment, LessonPage
from tests.courses.pages import make_course
from tests.courses.reading import read
from tests.factories import PASSWORD


@pytest.fixture
def basics(dien_bien):
    return make_course(title="Chữ ký số cơ bản", lessons=2, slug_prefix="co-ban")


@pytest.fixture
def advanced(basics):
    course = make_course(title="Ký số nâng cao", lessons=2, slug_prefix="nang-cao")
    course.prerequisites.add(basics)
    course.save_revision().publish()
    return course


def test_an_officer_cannot_enrol_before_completing_the_prerequisite(client, learner, advanced):
    client.login(username=learner.username, password=PASSWORD)
    page = client.get(advanced.url).content.decode()
    assert "Chữ ký số cơ bản" in page
    response = client.post(reverse("course_enrol", args=[advanced.pk]), follow=True)
    assert not Enrolment.objects.filter(course=advanced).exists()
    assert "Chữ ký số cơ bản" in response.content.decode()


def test_completing_the_prerequisite_opens_the_course(client, learner, basics, advanced):
    for lesson in basics.lessons():
        read(learner.officer, lesson)
    assert progress.missing_prerequisites(learner.officer, advanced) == []
    client.login(username=learner.username, password=PASSWORD)
    client.post(reverse("course_enrol", args=[advanced.pk]))
    assert Enrolment.objects.filter(course=advanced, officer=learner.officer).exists()


def test_lessons_of_an_unpublished_course_can_no_longer_be_opened_found_or_done(
    client, learner, basics
):
    lesson = basics.lessons().first()
    basics.unpublish()  # the lessons themselves stay live
    assert LessonPage.objects.get(pk=lesson.pk).live
    client.login(username=learner.username, password=PASSWORD)
    assert client.get(lesson.url).status_code == 404
    assert client.post(reverse("lesson_done", args=[lesson.pk])).status_code == 404
    results = client.get(reverse("search"), {"q": "noi dung bai"}).content.decode()
    assert lesson.url not in results


def test_marking_a_lesson_done_does_not_bypass_the_prerequisite(client, learner, advanced):
    lesson = advanced.lessons().first()
    client.login(username=learner.username, password=PASSWORD)
    response = client.post(reverse("lesson_done", args=[lesson.pk]), follow=True)
    assert not Enrolment.objects.filter(course=advanced).exists()
    assert not lesson.completions.exists()
    assert "Chữ ký số cơ bản" in response.content.decode()


def test_an_officer_assigned_the_course_may_take_it_without_the_prerequisite(learner, advanced):
    progress.enrol(learner.officer, advanced, deadline=None)
    enrolment = read(learner.officer, advanced.lessons().first())
    assert enrolment.last_lesson_id == advanced.lessons().first().pk


def test_lessons_below_an_unpublished_track_can_no_longer_be_opened(client, learner, basics):
    lesson = basics.lessons().first()
    track = basics.get_parent().specific
    track.unpublish()  # its courses and their lessons stay live
    assert LessonPage.objects.get(pk=lesson.pk).live
    client.login(username=learner.username, password=PASSWORD)
    assert client.get(lesson.url).status_code == 404
