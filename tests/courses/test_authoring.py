"""Trainers write lessons as drafts and submit them; reviewers approve and publish."""

import pytest
from django.urls import reverse

from courses.models import LessonPage
from officers import roles
from tests.courses.pages import make_course
from tests.factories import PASSWORD, officer_with_role


@pytest.fixture
def reviewer(dien_bien):
    return officer_with_role(roles.REVIEWER, "11", username="reviewer.dienbien").user


@pytest.fixture
def course(dien_bien):
    return make_course()


def draft_lesson(course, trainer):
    lesson = LessonPage(
        title="Bài mới: Gia hạn chứng thư số",
        slug="gia-han",
        body=[{"type": "text", "value": "<p>Chứng thư gia hạn tối đa 3 năm.</p>"}],
        live=False,
    )
    course.add_child(instance=lesson)
    lesson.save_revision(user=trainer)
    return lesson


def test_trainers_may_write_course_pages_but_not_publish(trainer, course):
    permissions = course.permissions_for_user(trainer)
    assert permissions.can_add_subpage()
    assert permissions.can_edit()
    assert not permissions.can_publish()


def test_reviewers_may_publish(reviewer, course):
    assert course.permissions_for_user(reviewer).can_publish()


def test_submitting_starts_the_review_workflow_and_the_reviewer_approval_publishes(
    trainer, reviewer, course
):
    lesson = draft_lesson(course, trainer)
    workflow = lesson.get_workflow()
    assert workflow is not None
    assert workflow.name == "Quy trình duyệt nội dung khóa học"

    workflow.start(lesson, trainer)
    lesson.refresh_from_db()
    task_state = lesson.current_workflow_task_state
    assert task_state is not None
    assert not lesson.live
    task = task_state.task.specific
    assert task.user_can_access_editor(lesson, reviewer)
    assert not task.get_actions(lesson, trainer)  # a trainer cannot approve their own work

    task.on_action(task_state, reviewer, "approve")
    lesson.refresh_from_db()
    assert lesson.live
    assert lesson.current_workflow_state is None


def test_a_rejected_lesson_stays_unpublished(trainer, reviewer, course):
    lesson = draft_lesson(course, trainer)
    lesson.get_workflow().start(lesson, trainer)
    lesson.refresh_from_db()
    task_state = lesson.current_workflow_task_state
    task_state.task.specific.on_action(task_state, reviewer, "reject")
    lesson.refresh_from_db()
    assert not lesson.live


def test_trainers_cannot_reach_hr_data(client, trainer, course):
    assert client.login(username=trainer.username, password=PASSWORD)
    assert client.get(reverse("officer:index")).status_code in (302, 403)
    assert client.get(reverse("officer_import")).status_code in (302, 403)
    assert client.get(reverse("assignment:index")).status_code in (302, 403)
    # ...but they can open the page editor of a course.
    assert client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).status_code == 200
