"""Search finds courses and lessons typed with or without Vietnamese marks."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from courses.models import LessonPage
from tests.courses.conftest import add_lesson, text

SEARCH = reverse("search")


def search(client, query):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    return response


def found(response):
    return {page.title for page in [*response.context["courses"], *response.context["lessons"]]}


def result_links(response):
    page = BeautifulSoup(response.content.decode(), "html.parser")
    return [a["href"] for a in page.select("ul.results a")]


# --- the search page ---------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["chu ky so", "Chữ Ký Số", "CHỮ KÝ SỐ", "  chu   ky  so "])
def test_search_finds_chu_ky_so_typed_with_or_without_marks(catalogue, client, query):
    response = search(client, query)
    assert {"Chữ ký số chuyên dùng công vụ", "Chữ ký số là gì"} <= found(response)
    signature = catalogue.signature
    assert signature.url in result_links(response)
    assert catalogue.lessons(signature)[0].url in result_links(response)


def test_search_finds_a_lesson_by_words_of_its_body(catalogue, client):
    # "Ban Cơ yếu Chính phủ" is only in the body of lesson 1 and the course summary.
    response = search(client, "ban co yeu")
    assert [lesson.title for lesson in response.context["lessons"]] == ["Chữ ký số là gì"]
    assert [course.title for course in response.context["courses"]] == [catalogue.signature.title]


def test_search_folds_d_with_stroke(catalogue, client):
    for query in ["dang ky", "Đăng ký", "ĐĂNG KÝ"]:
        lessons = search(client, query).context["lessons"]
        assert [lesson.title for lesson in lessons] == ["Đăng ký tài khoản"], query


def test_every_word_of_the_query_must_match(catalogue, client):
    assert found(search(client, "chu ky so")) and found(search(client, "vneid"))
    assert not found(search(client, "chu ky so vneid"))


def test_a_draft_lesson_is_not_found(catalogue, client):
    add_lesson(
        catalogue.signature, "Ký số trên điện thoại", [text("<p>Dùng SmartCA.</p>")], live=False
    )
    response = search(client, "smartca")
    assert not found(response)
    assert not result_links(response)


def test_unpublished_changes_to_a_lesson_are_not_found(catalogue, client):
    lesson = catalogue.lessons(catalogue.public_service)[2]
    draft = lesson.get_latest_revision_as_object()
    draft.body = [text("<p>Tra cứu bằng ứng dụng SmartCA.</p>")]
    draft.save_revision()

    assert not found(search(client, "smartca"))

    LessonPage.objects.get(pk=lesson.pk).get_latest_revision().publish()
    assert found(search(client, "smartca")) == {lesson.title}


def test_an_unpublished_course_and_its_lessons_are_not_found(catalogue, client):
    for page in [*catalogue.lessons(catalogue.signature), catalogue.signature]:
        page.unpublish()
    assert not found(search(client, "chu ky so"))


@pytest.mark.parametrize("query", ["", "   "])
def test_an_empty_query_shows_no_results(catalogue, client, query):
    response = search(client, query)
    assert response.context["courses"] == []
    assert response.context["lessons"] == []
    assert not result_links(response)


def test_the_search_page_works_without_a_query(catalogue, client):
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert not result_links(response)
    assert BeautifulSoup(response.content.decode(), "html.parser").select_one("input[name=q]")


def test_a_query_that_matches_nothing_says_so(catalogue, client):
    response = search(client, "khong co gi")
    assert not result_links(response)
    assert "khong co gi" in response.content.decode()
