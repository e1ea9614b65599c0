"""Learner pages use a fixed number of queries, however big the catalogue and the staff."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import LessonPage
from tests.courses.conftest import enrol_with_progress

pytestmark = pytest.mark.django_db

SMALL = {"courses": 2, "lessons": 3, "officers": 10}
LARGE = {"courses": 6, "lessons": 8, "officers": 50}


def count_queries(client, url):
    """Queries of a repeat visit: the first one warms caches and records the lesson opened."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries), [query["sql"] for query in queries.captured_queries]


def learner_pages(courses):
    """The dashboard, the first course's page and its second lesson (it has both neighbours)."""
    second_lesson = list(courses[0].lessons())[1]
    return {
        "dashboard": reverse("my_courses"),
        "course page": courses[0].url,
        "lesson page": second_lesson.url,
    }


def test_learner_pages_use_as_many_queries_for_a_large_catalogue_as_for_a_small_one(
    track, grow, officer, officer_client
):
    courses = grow(track, **SMALL)
    enrol_with_progress(officer, courses, done_per_course=1)
    small = {
        name: count_queries(officer_client, url) for name, url in learner_pages(courses).items()
    }

    courses = grow(track, **LARGE)
    enrol_with_progress(officer, courses, done_per_course=4)
    assert LessonPage.objects.child_of(courses[0]).count() == LARGE["lessons"]
    large = {
        name: count_queries(officer_client, url) for name, url in learner_pages(courses).items()
    }

    for name in small:
        assert small[name][0] == large[name][0], (
            name,
            small[name][0],
            large[name][0],
            large[name][1],
        )


def test_a_lesson_page_uses_as_many_queries_first_in_the_course_as_in_the_middle_or_last(
    track, grow, officer, officer_client
):
    [course] = grow(track, courses=1, lessons=5, officers=3)
    enrol_with_progress(officer, [course], done_per_course=2)
    lessons = list(course.lessons())

    counts = {
        position: count_queries(officer_client, lessons[index].url)
        for position, index in [("first", 0), ("middle", 2), ("last", -1)]
    }

    assert counts["first"][0] == counts["middle"][0] == counts["last"][0], {
        position: sql for position, (_, sql) in counts.items()
    }


# A repeat visit to a lesson: the session, the site and its root page, the lesson and its
# course with whether a page above it is off line (found by URL, not a level of the tree at a
# time), the view restrictions of its ancestors (two), the user, their permissions (two) and
# officer, the course's lessons with the officer's completions, the enrolment and the visit
# (opened again within a minute: nothing written). It was 22 before lessons were routed by URL.
LESSON_PAGE_QUERIES = 14


def test_a_lesson_page_takes_a_fixed_number_of_queries_however_big_the_catalogue(
    track, grow, officer, officer_client, django_assert_num_queries
):
    courses = grow(track, courses=6, lessons=8, officers=30)
    enrol_with_progress(officer, courses, done_per_course=3)
    url = list(courses[0].lessons())[4].url
    assert officer_client.get(url).status_code == 200  # the first visit records the opening

    with django_assert_num_queries(LESSON_PAGE_QUERIES):
        response = officer_client.get(url)

    assert response.status_code == 200
    assert "Bài 5/8" in response.content.decode()  # the page is the lesson's, all there
