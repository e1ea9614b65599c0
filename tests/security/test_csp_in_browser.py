"""In a real browser (Debian's chromium), the content security policy blocks nothing the
platform itself needs: learner pages, the quiz, the admin, the API documentation page."""

import re

import pytest
from playwright.sync_api import expect

from tests.assessments.test_course_completion import add_quiz_lesson
from tests.browser.conftest import browser  # noqa: F401 (fixture)
from tests.browser.test_authoring_journey import admin_log_in
from tests.browser.test_learning_journey import log_in
from tests.browser.test_quiz_journey import timed_quiz  # noqa: F401 (fixture)
from tests.courses.pages import make_course
from tests.courses.reading import read

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def watch_for_csp_violations(page):
    """Chromium logs every refused script, style, image or frame to the console."""
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


def test_learner_pages_and_the_quiz_break_no_rule(live_server, browser, learner, timed_quiz):  # noqa: F811
    course = make_course(lessons=1)
    quiz_lesson = add_quiz_lesson(course, timed_quiz)
    for lesson in course.lessons():
        read(learner.officer, lesson)
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    refused = watch_for_csp_violations(phone)

    log_in(phone, live_server, learner.username)
    for url in ["/", "/my-courses/", course.url, quiz_lesson.url]:
        phone.goto(live_server.url + url)
    phone.goto(live_server.url + f"/quizzes/{timed_quiz.slug}/")
    phone.get_by_role("button", name="Bắt đầu làm bài").click()
    # attempt.js runs: it saves the answer as soon as it is chosen.
    phone.get_by_label("Ban Cơ yếu Chính phủ").check()
    expect(phone.locator(".autosave-status")).to_have_text("Đã lưu")
    context.close()
    assert refused == []


def test_the_admin_and_the_api_documentation_break_no_rule(live_server, browser, hr_na_sang):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    desk = context.new_page()
    desk.set_default_timeout(15_000)
    refused = watch_for_csp_violations(desk)

    admin_log_in(desk, live_server, hr_na_sang.username)
    desk.goto(live_server.url + "/admin/two-factor/")
    expect(desk.locator("[data-qr-code]")).to_be_visible()
    desk.goto(live_server.url + "/admin/officers/")
    desk.goto(live_server.url + "/api/v1/docs")
    # Swagger UI draws the operations with its own script.
    expect(desk.locator(".swagger-ui .opblock").first).to_be_visible()
    context.close()
    assert refused == [], refused


def test_an_injected_inline_script_would_be_refused(live_server, browser, db):  # noqa: F811
    """The policy really is enforced: a script the page did not load from the site never runs."""
    context = browser.new_context()
    page = context.new_page()
    refused = watch_for_csp_violations(page)
    page.goto(live_server.url + "/accounts/login/")
    ran = page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.injected = true';
                   document.body.appendChild(s); return window.injected === true; }"""
    )
    context.close()
    assert ran is False
    assert any(re.search(r"script-src", text) for text in refused)
