"""The demo catalogue: three real courses, published, idempotent, with varied demo progress."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from wagtail.models import Page, Revision

from courses.blocks import LessonBodyBlock
from courses.models import (
    CatalogueIndexPage,
    CoursePage,
    Enrolment,
    LessonCompletion,
    LessonPage,
    SkillTag,
    TrackPage,
)
from demo.accounts import DEMO_PASSWORD, seed_demo
from demo.catalogue import seed_courses

pytestmark = pytest.mark.django_db

SIGNATURE_COURSE = "chu-ky-so-chuyen-dung-cong-vu"


@pytest.fixture
def seeded(db):
    # demo.accounts.seed_demo() seeds units and officers only; the seed_demo command calls both.
    seed_demo()
    return seed_courses()


def procedures(lesson):
    return [block.value for block in lesson.body if block.block_type == "procedure"]


def test_three_tracks_each_hold_a_live_course_with_at_least_four_live_lessons(seeded):
    catalogue = CatalogueIndexPage.objects.get()
    tracks = TrackPage.objects.child_of(catalogue).live()
    assert tracks.count() == 3
    assert CoursePage.objects.live().count() == 3
    for track in tracks:
        courses = CoursePage.objects.child_of(track).live()
        assert courses.count() == 1
        assert courses.get().lessons().count() >= 4
    assert seeded["courses"] == 3 and seeded["lessons"] == LessonPage.objects.live().count()


def test_every_course_teaches_step_by_step_procedures(seeded):
    for course in CoursePage.objects.all():
        with_procedure = [lesson for lesson in course.lessons() if procedures(lesson)]
        assert len(with_procedure) >= 4, course.title
        assert any(
            len(procedure["steps"]) >= 3
            for lesson in with_procedure
            for procedure in procedures(lesson)
        ), course.title


def test_every_lesson_body_passes_block_validation_so_trainers_can_edit_it(seeded):
    block = LessonBodyBlock()
    for lesson in LessonPage.objects.all():
        block.clean(lesson.body)


def test_courses_are_tagged_and_required_for_positions(seeded):
    signature = CoursePage.objects.get(slug=SIGNATURE_COURSE)
    assert set(signature.skill_tags.values_list("code", flat=True)) == {"IU14", "DS04"}
    assert signature.required_for_positions.filter(code="van-thu").exists()
    for course in CoursePage.objects.all():
        assert course.skill_tags.exists() and course.required_for_positions.exists()


def test_seeding_again_changes_no_page_and_adds_no_revision(seeded):
    before = (
        Page.objects.count(),
        Revision.objects.count(),
        Enrolment.objects.count(),
        LessonCompletion.objects.count(),
    )
    assert seed_courses() == seeded
    after = (
        Page.objects.count(),
        Revision.objects.count(),
        Enrolment.objects.count(),
        LessonCompletion.objects.count(),
    )
    assert after == before


def test_the_learner_account_has_done_two_lessons_of_the_signature_course(seeded):
    enrolment = Enrolment.objects.get(
        officer__user__username="hocvien", course__slug=SIGNATURE_COURSE
    )
    done = LessonCompletion.objects.filter(
        officer=enrolment.officer, lesson__in=enrolment.course.lessons()
    )
    assert done.count() == 2
    assert enrolment.completed_at is None


def test_demo_progress_includes_completed_and_overdue_enrolments(seeded):
    assert Enrolment.objects.exclude(completed_at=None).exists()
    assert Enrolment.objects.filter(completed_at=None).exists()
    overdue = Enrolment.objects.overdue()
    assert overdue.exists()
    assert all(enrolment.assignment_id for enrolment in overdue)


def test_skill_tags_of_both_frameworks_exist():
    codes = set(SkillTag.objects.values_list("code", flat=True))
    assert {f"IU{n:02d}" for n in range(1, 16)} <= codes
    assert SkillTag.objects.get(code="IU14").name == "An toàn, bảo mật thông tin"
    assert SkillTag.objects.filter(framework="DS").count() >= 6


def test_catalogue_course_and_lesson_pages_render_for_a_logged_in_learner(seeded):
    client = Client()
    assert client.login(username="hocvien", password=DEMO_PASSWORD)
    pages = [
        CatalogueIndexPage.objects.get(),
        *TrackPage.objects.all(),
        *CoursePage.objects.all(),
        *LessonPage.objects.all(),
    ]
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        assert escape(page.title) in response.content.decode(), page.url


def test_seeding_courses_without_officers_builds_the_catalogue_only(db):
    assert seed_courses()["enrolments"] == 0
    assert CoursePage.objects.live().count() == 3
    assert not Enrolment.objects.exists()


def test_the_seed_demo_command_seeds_the_courses_too(dien_bien, settings):
    settings.DEBUG = True  # the command seeds in development only
    out = StringIO()
    with translation.override("vi"):  # the command activates Vietnamese; restore afterwards
        call_command("seed_demo", stdout=out)
    assert "16" in out.getvalue().splitlines()[-1]
    assert CoursePage.objects.live().count() == 3
    assert Enrolment.objects.filter(officer__user__username="hocvien").exists()
