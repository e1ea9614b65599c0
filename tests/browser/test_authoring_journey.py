import re

import pytest

from courses.models import LessonPage
from officers import roles
from tests.courses.pages import make_course
from tests.factories import PASSWORD, officer_with_role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def admin_log_in(page, live_server, username):
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def test_trainer_writes_a_lesson_submits_it_and_a_reviewer_publishes_it(
    live_server, browser, desk, trainer, dien_bien
):
    reviewer = officer_with_role(roles.REVIEWER, "11", username="reviewer.dienbien").user
    course = make_course(lessons=1)

    admin_log_in(desk, live_server, trainer.username)
    desk.goto(f"{live_server.url}/admin/pages/{course.pk}/add_subpage/")
    desk.fill("#id_title", "Gia hạn chứng thư số")
    desk.locator("button.c-sf-add-button").first.click()
    desk.get_by_role("option", name="Văn bản").click()
    editor = desk.locator("[contenteditable=true]").first
    editor.click()
    editor.press_sequentially("Chứng thư số được gia hạn tối đa 3 năm.", delay=20)
    # Draftail writes its content into a hidden input; submit only once it is there.
    desk.wait_for_function(
        "() => [...document.querySelectorAll('input[type=hidden]')]"
        ".some(input => input.value.includes('3 năm'))"
    )
    desk.locator("[data-w-dropdown-target=toggle]").last.click()
    desk.locator("button[name=action-submit]").click()
    # Submitting saves the draft and returns to the course's page listing.
    desk.wait_for_url(re.compile(rf"/admin/pages/{course.pk}/$"))

    lesson = LessonPage.objects.get(title="Gia hạn chứng thư số")
    assert not lesson.live
    assert lesson.current_workflow_task_state is not None

    reviewer_page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    admin_log_in(reviewer_page, live_server, reviewer.username)
    reviewer_page.goto(f"{live_server.url}/admin/pages/{lesson.pk}/edit/")
    reviewer_page.locator("[data-w-dropdown-target=toggle]").last.click()
    reviewer_page.locator(
        "footer button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
    ).first.click()
    reviewer_page.wait_for_url(re.compile(rf"/admin/pages/{course.pk}/$"))

    lesson.refresh_from_db()
    assert lesson.live
    desk.goto(live_server.url + lesson.url)
    assert "gia hạn tối đa 3 năm" in desk.content()
