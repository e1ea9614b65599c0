"""What an officer sees and does: the dashboard, enrolling, lessons, and marking them done."""

import datetime
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from courses import progress
from courses.models import Enrolment, LessonCompletion
from tests.courses.conftest import add_course, text
from tests.courses.reading import read
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

MY_COURSES = reverse("my_courses")


def vi(message, **values):
    """A message as the Vietnamese catalogue has it (the English text until it is translated)."""
    with translation.override("vi"):
        translated = gettext(message)
    return translated % values if values else translated


def html(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def enrol_url(course):
    return reverse("course_enrol", args=[course.pk])


def done_url(lesson):
    return reverse("lesson_done", args=[lesson.pk])


def finish(client, lesson):
    """Open the lesson as the officer would, then press "done" (reading time waived)."""
    client.get(lesson.url)
    return client.post(done_url(lesson))


@pytest.fixture(autouse=True)
def reading_time_waived(settings):
    # These tests are about the pages; test_reading_time.py is about the reading time.
    settings.LESSON_MINIMUM_TIME = False


def course_cards(page):
    return {card.h2.get_text(strip=True): card for card in page.select("section.course-progress")}


@pytest.fixture
def dashboard_state(catalogue, officer):
    """Signature course: overdue, lesson 1 done, lesson 2 opened. Public service: not started."""
    signature = catalogue.lessons(catalogue.signature)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    next_month = timezone.localdate() + datetime.timedelta(days=30)
    progress.enrol(officer, catalogue.signature, deadline=yesterday)
    read(officer, signature[0])
    enrolment = Enrolment.objects.get(officer=officer, course=catalogue.signature)
    progress.record_lesson_opened(officer, signature[1], enrolment)
    progress.enrol(officer, catalogue.public_service, deadline=next_month)
    return yesterday, next_month


# --- the dashboard -----------------------------------------------------------------------------


def test_dashboard_shows_each_course_with_progress_deadline_and_where_to_go_next(
    catalogue, officer_client, dashboard_state
):
    yesterday, next_month = dashboard_state
    signature_lessons = catalogue.lessons(catalogue.signature)
    service_lessons = catalogue.lessons(catalogue.public_service)

    cards = course_cards(html(officer_client.get(MY_COURSES)))

    assert set(cards) == {catalogue.signature.title, catalogue.public_service.title}
    signature = cards[catalogue.signature.title]
    assert vi("%(done)s of %(required)s lessons done", done=1, required=3) in signature.text
    assert signature.progress["value"] == "33"
    assert vi("Deadline: %(date)s", date=yesterday.strftime("%d/%m/%Y")) in signature.text
    assert "overdue" in signature["class"]
    assert vi("overdue") in signature.select_one(".status").text
    resume = signature.select_one("a.button")
    assert resume["href"] == signature_lessons[1].url
    assert vi("Resume") in resume.text

    service = cards[catalogue.public_service.title]
    assert vi("%(done)s of %(required)s lessons done", done=0, required=3) in service.text
    assert vi("Deadline: %(date)s", date=next_month.strftime("%d/%m/%Y")) in service.text
    assert "overdue" not in service["class"]
    assert service.select_one("a.button")["href"] == service_lessons[0].url


def test_dashboard_shows_a_completed_course_without_a_resume_link(
    catalogue, officer, officer_client
):
    for lesson in catalogue.lessons(catalogue.public_service):
        read(officer, lesson)
    completed = Enrolment.objects.get(officer=officer).completed_at

    card = course_cards(html(officer_client.get(MY_COURSES)))[catalogue.public_service.title]

    assert vi("%(done)s of %(required)s lessons done", done=3, required=3) in card.text
    date = timezone.localtime(completed).strftime("%d/%m/%Y")
    assert vi("Completed on %(date)s.", date=date) in card.text
    assert card.select_one("a.button") is None


def test_dashboard_lists_unfinished_courses_by_deadline_and_completed_ones_last(
    catalogue, officer, officer_client
):
    today = timezone.localdate()
    in_a_week, in_three_days, tomorrow = (today + datetime.timedelta(days=n) for n in (7, 3, 1))
    urgent, finished = (
        add_course(
            catalogue.track, title, "Tóm tắt.", [("Bài 1", [text("<p>Nội dung.</p>")], False)]
        )
        for title in ["Văn bản điện tử", "An toàn thông tin"]
    )
    progress.enrol(officer, catalogue.public_service, deadline=in_a_week)
    progress.enrol(officer, catalogue.signature)
    progress.enrol(officer, urgent, deadline=in_three_days)
    progress.enrol(officer, finished, deadline=tomorrow)
    read(officer, finished.lessons().get())

    titles = list(course_cards(html(officer_client.get(MY_COURSES))))

    assert titles == [
        urgent.title,
        catalogue.public_service.title,
        catalogue.signature.title,
        finished.title,
    ]


def test_resume_link_skips_a_lesson_that_was_unpublished_since(catalogue, officer, officer_client):
    first, second, third = catalogue.lessons(catalogue.public_service)
    read(officer, first)
    officer_client.get(second.url)
    second.unpublish()

    card = course_cards(html(officer_client.get(MY_COURSES)))[catalogue.public_service.title]

    assert vi("%(done)s of %(required)s lessons done", done=1, required=2) in card.text
    assert card.select_one("a.button")["href"] == third.url
    assert officer_client.get(third.url).status_code == 200


def test_dashboard_is_in_vietnamese_by_default(catalogue, officer_client, dashboard_state):
    response = officer_client.get(MY_COURSES, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    page = html(response)
    assert page.html["lang"] == "vi"
    assert response["Content-Language"] == "vi"
    assert "Đăng xuất" in page.text  # translated text of the site header
    assert page.h1.get_text(strip=True) == vi("My courses") == "Khóa học của tôi"
    card = course_cards(page)[catalogue.signature.title]
    assert "Đã học 1/3 bài" in card.text


def test_dashboard_without_enrolments_says_so(catalogue, officer_client):
    page = html(officer_client.get(MY_COURSES))
    assert not page.select("section.course-progress")
    assert vi("You are not enrolled in any course yet.") in page.text


def test_dashboard_requires_login(client, db):
    response = client.get(MY_COURSES)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_progress_is_still_there_after_logging_out_and_in_again(
    catalogue, learner, officer_client, dashboard_state
):
    assert officer_client.post(reverse("logout")).status_code == 302
    assert officer_client.get(MY_COURSES).status_code == 302

    response = officer_client.post(
        reverse("login"), {"username": learner.username, "password": PASSWORD}
    )
    assert response.status_code == 302

    card = course_cards(html(officer_client.get(MY_COURSES)))[catalogue.signature.title]
    assert vi("%(done)s of %(required)s lessons done", done=1, required=3) in card.text
    assert card.select_one("a.button")["href"] == catalogue.lessons(catalogue.signature)[1].url


# --- enrolling ---------------------------------------------------------------------------------


def test_enrolling_by_post_enrols_and_opens_the_first_lesson(catalogue, officer, officer_client):
    response = officer_client.post(enrol_url(catalogue.signature))

    assert response.status_code == 302
    assert response.url == catalogue.lessons(catalogue.signature)[0].url
    enrolment = Enrolment.objects.get(officer=officer, course=catalogue.signature)
    assert enrolment.source == Enrolment.Source.SELF


def test_enrolling_by_get_is_not_allowed(catalogue, officer, officer_client):
    assert officer_client.get(enrol_url(catalogue.signature)).status_code == 405
    assert not Enrolment.objects.filter(officer=officer).exists()


def test_a_user_without_an_officer_profile_cannot_enrol(catalogue, client, dien_bien):
    user = UserFactory(username="khach")
    client.force_login(user)
    assert client.post(enrol_url(catalogue.signature)).status_code == 403
    assert client.post(done_url(catalogue.lessons(catalogue.signature)[0])).status_code == 403
    assert not Enrolment.objects.exists()


def test_enrolling_anonymously_goes_to_login(catalogue, client):
    response = client.post(enrol_url(catalogue.signature))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Enrolment.objects.exists()


def test_enrolling_in_an_unpublished_course_is_not_found(catalogue, officer, officer_client):
    catalogue.public_service.unpublish()
    assert officer_client.post(enrol_url(catalogue.public_service)).status_code == 404
    assert not Enrolment.objects.exists()


def test_posting_without_a_csrf_token_is_refused(catalogue, learner, officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    lesson = catalogue.lessons(catalogue.signature)[0]

    assert client.post(enrol_url(catalogue.signature)).status_code == 403
    assert client.post(done_url(lesson)).status_code == 403
    assert not Enrolment.objects.exists()
    assert not LessonCompletion.objects.exists()

    # The form on the course page carries a token that makes the same POST work.
    page = html(client.get(catalogue.signature.url))
    token = page.select_one(f'form[action="{enrol_url(catalogue.signature)}"] input')["value"]
    response = client.post(enrol_url(catalogue.signature), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Enrolment.objects.filter(officer=officer).exists()


# --- marking lessons done ----------------------------------------------------------------------


def test_marking_a_lesson_done_goes_to_the_next_lesson(catalogue, officer, officer_client):
    first, second, *_ = catalogue.lessons(catalogue.signature)

    response = finish(officer_client, first)

    assert response.status_code == 302
    assert response.url == second.url
    assert LessonCompletion.objects.filter(officer=officer, lesson=first).exists()


def test_marking_the_last_required_lesson_done_completes_the_course_and_opens_the_dashboard(
    catalogue, officer, officer_client
):
    *required, optional = catalogue.lessons(catalogue.signature)
    for lesson in required[:-1]:
        assert finish(officer_client, lesson).url != MY_COURSES

    response = finish(officer_client, required[-1])

    assert response.status_code == 302
    assert response.url == MY_COURSES
    assert Enrolment.objects.get(officer=officer).completed_at is not None
    page = html(officer_client.get(MY_COURSES))
    congratulations = vi(
        "Congratulations! You have completed “%(course)s”.", course=catalogue.signature.title
    )
    assert congratulations in page.select_one(".messages").text


def test_marking_the_last_lesson_done_with_one_skipped_returns_to_the_course(
    catalogue, officer, officer_client
):
    first, second, third = catalogue.lessons(catalogue.public_service)
    finish(officer_client, first)

    response = finish(officer_client, third)

    assert response.url == catalogue.public_service.url
    assert Enrolment.objects.get(officer=officer).completed_at is None


def test_marking_a_lesson_done_needs_a_post(catalogue, officer, officer_client):
    lesson = catalogue.lessons(catalogue.signature)[0]
    assert officer_client.get(done_url(lesson)).status_code == 405
    assert not LessonCompletion.objects.exists()


# --- course and lesson pages -------------------------------------------------------------------


def test_course_page_is_public_and_offers_login_to_enrol(catalogue, client):
    page = html(client.get(catalogue.signature.url))
    assert page.h1.get_text(strip=True) == catalogue.signature.title
    lesson_links = [a["href"] for a in page.select("ol.lessons a")]
    assert lesson_links == [lesson.url for lesson in catalogue.lessons(catalogue.signature)]
    assert not page.select(f'form[action="{enrol_url(catalogue.signature)}"]')
    login = page.select_one("main a.button")
    assert vi("Log in to enrol") in login.text
    assert login["href"] == f"{reverse('login')}?next={catalogue.signature.url}"


def test_course_page_shows_an_enrol_button_to_an_officer(catalogue, officer_client):
    page = html(officer_client.get(catalogue.signature.url))
    form = page.select_one(f'form[action="{enrol_url(catalogue.signature)}"]')
    assert form["method"] == "post"
    assert vi("Enrol in this course") in form.button.text


def test_course_page_marks_done_lessons_and_drops_the_enrol_button_once_enrolled(
    catalogue, officer, officer_client
):
    first, *_ = catalogue.lessons(catalogue.signature)
    read(officer, first)

    page = html(officer_client.get(catalogue.signature.url))

    assert not page.select(f'form[action="{enrol_url(catalogue.signature)}"]')
    done = [item.a["href"] for item in page.select("ol.lessons li.done")]
    assert done == [first.url]


def test_lesson_pages_send_anonymous_visitors_to_login(catalogue, client):
    lesson = catalogue.lessons(catalogue.signature)[1]
    response = client.get(lesson.url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={lesson.url}"


def test_lesson_page_shows_its_place_in_the_course_and_links_to_its_neighbours(
    catalogue, officer_client
):
    lessons = catalogue.lessons(catalogue.signature)

    page = html(officer_client.get(lessons[1].url))

    crumbs = page.select_one(".crumbs")
    assert vi("Lesson %(lesson_number)s of %(lesson_count)s", lesson_number=2, lesson_count=4) in (
        crumbs.text
    )
    assert crumbs.a["href"] == catalogue.signature.url
    assert page.select_one("a[rel=prev]")["href"] == lessons[0].url
    assert page.select_one("a[rel=next]")["href"] == lessons[2].url
    assert page.select_one(f'form[action="{done_url(lessons[1])}"]')["method"] == "post"


def test_first_and_last_lessons_have_a_link_on_one_side_only(catalogue, officer_client):
    lessons = catalogue.lessons(catalogue.signature)

    first = html(officer_client.get(lessons[0].url))
    last = html(officer_client.get(lessons[-1].url))

    assert first.select_one("a[rel=prev]") is None
    assert first.select_one("a[rel=next]")["href"] == lessons[1].url
    assert last.select_one("a[rel=prev]")["href"] == lessons[-2].url
    assert last.select_one("a[rel=next]") is None
    assert vi("Lesson %(lesson_number)s of %(lesson_count)s", lesson_number=4, lesson_count=4) in (
        last.select_one(".crumbs").text
    )


def test_lesson_page_renders_the_lesson_body(catalogue, officer_client):
    lesson = catalogue.lessons(catalogue.signature)[1]
    page = html(officer_client.get(lesson.url))
    procedure = page.select_one("section.procedure")
    assert procedure.h2.text == "Ký số tệp PDF"
    assert [step.get_text(strip=True) for step in procedure.select("ol.steps > li")] == [
        "Cắm USB token",
        "Chọn tệp PDF",
    ]
    assert page.select_one("aside.callout-tip")


def test_a_done_lesson_says_so_instead_of_offering_the_button(catalogue, officer, officer_client):
    lesson = catalogue.lessons(catalogue.signature)[0]
    read(officer, lesson)
    page = html(officer_client.get(lesson.url))
    assert not page.select(f'form[action="{done_url(lesson)}"]')
    assert vi("You have completed this lesson.") in page.select_one(".lesson-actions").text


def test_opening_a_lesson_of_an_enrolled_course_remembers_it(catalogue, officer, officer_client):
    lessons = catalogue.lessons(catalogue.signature)
    progress.enrol(officer, catalogue.signature)
    officer_client.get(lessons[2].url)
    assert Enrolment.objects.get(officer=officer).last_lesson_id == lessons[2].pk


# --- weight ------------------------------------------------------------------------------------


def test_a_lesson_page_its_css_and_script_weigh_under_100_kb(catalogue, officer_client):
    lesson = catalogue.lessons(catalogue.signature)[1]
    response = officer_client.get(lesson.url)
    page = html(response)
    assert not page.select("img")  # the weight of content images is not counted here

    stylesheets = [link["href"] for link in page.select('link[rel="stylesheet"]')]
    assert stylesheets
    css_bytes = 0
    for href in stylesheets:
        css = officer_client.get(href)
        assert css.status_code == 200, href
        body = b"".join(css.streaming_content) if css.streaming else css.content
        assert body == Path(finders.find(re.sub(r"^/static/", "", href))).read_bytes()
        css_bytes += len(body)

    # One small script of the site's own (the reading-time signal), no inline code.
    scripts = page.find_all("script")
    assert [script.get("src") for script in scripts] == ["/static/courses/lesson.js"]
    assert not any(script.string for script in scripts)
    script = Path(finders.find("courses/lesson.js")).read_bytes()
    assert len(script) < 4 * 1024
    assert len(response.content) + css_bytes + len(script) < 100 * 1024
