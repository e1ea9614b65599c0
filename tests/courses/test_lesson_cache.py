"""A lesson's body is cached per page revision and language (the same for every officer)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Quiz
from tests.courses.conftest import add_course, publish, text


@pytest.fixture
def cached_bodies(settings):
    settings.LESSON_BODY_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lesson(track):
    quiz = Quiz.objects.create(slug="ks", title="Kiểm tra nhanh")
    quiz_block = {"type": "quiz", "value": {"introduction": "Làm bài ngắn", "quiz": quiz.pk}}
    course = add_course(
        track,
        "Chữ ký số",
        "Ký văn bản.",
        [("Chữ ký số là gì", [text("<p>Nội dung bài học.</p>"), quiz_block], False)],
    )
    return course.lessons()[0]


def get(client, lesson):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(lesson.url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_body_is_read_from_the_cache_the_second_time(cached_bodies, lesson, officer_client):
    first, first_queries = get(officer_client, lesson)
    second, second_queries = get(officer_client, lesson)
    assert "Nội dung bài học." in second and "Làm bài ngắn" in second
    assert second_queries < first_queries  # the quiz block's lookup is not made again


def test_a_new_revision_shows_at_once(cached_bodies, lesson, officer_client):
    get(officer_client, lesson)
    lesson.body = [text("<p>Bản sửa: gia hạn chứng thư số trước 30 ngày.</p>")]
    publish(lesson)
    page, _queries = get(officer_client, lesson)
    assert "Bản sửa: gia hạn chứng thư số trước 30 ngày." in page
    assert "Nội dung bài học." not in page


def test_each_language_has_its_own_copy(cached_bodies, lesson, officer_client):
    vietnamese, _queries = get(officer_client, lesson)
    officer_client.cookies["django_language"] = "en"
    english, _queries = get(officer_client, lesson)
    assert "<h2>Quiz: Kiểm tra nhanh</h2>" in english
    assert "<h2>Quiz: Kiểm tra nhanh</h2>" not in vietnamese
