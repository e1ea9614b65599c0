"""The whole path at phone size: a trainer imports a Moodle GIFT file with $CATEGORY, builds a
quiz on it, places it in a lesson with the chooser and submits both for review; a reviewer
approves; an officer reads the lessons (each for its minimum time), passes the quiz and
receives the certificate."""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import Question, Quiz
from certification.models import Certificate
from courses.models import LessonPage
from officers import roles
from tests.browser.conftest import PHONE
from tests.browser.test_authoring_journey import admin_log_in
from tests.browser.test_learning_journey import log_in
from tests.courses.pages import make_course
from tests.factories import officer_with_role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CATEGORY = "Kiểm tra trình duyệt"
GIFT = f"""// A bank as Moodle exports it.
$CATEGORY: $course$/{CATEGORY}

::Ai cấp::Cơ quan nào cấp chứng thư số chuyên dùng công vụ?
{{=Ban Cơ yếu Chính phủ ~Bộ Công an ~Ủy ban nhân dân tỉnh}}

::Mất token::Mất USB Token phải báo ngay để thu hồi chứng thư số. {{T}}

::Mật khẩu::Được đưa mã PIN của USB Token cho đồng nghiệp ký hộ. {{F}}
"""
RIGHT = {
    "Cơ quan nào cấp": "Ban Cơ yếu Chính phủ",
    "Mất USB Token": "Đúng",
    "Được đưa mã PIN": "Sai",
}
READING = " ".join(["Chữ ký số chuyên dùng công vụ bảo đảm giá trị pháp lý."] * 5)


def footer_action(page, name):
    """Press one of the edit form's footer actions (the more actions menu first)."""
    page.locator("footer [data-w-dropdown-target=toggle]").last.click()
    page.locator(f"footer button[name={name}]").click()


def approve(page, live_server, edit_path):
    page.goto(live_server.url + edit_path)
    page.locator("footer [data-w-dropdown-target=toggle]").last.click()
    page.locator(
        "footer button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
    ).first.click()
    expect(page.locator(".messages")).to_be_visible()


def choose_in_modal(page, opener, item_name):
    """Open a chooser with `opener` and pick `item_name` from its modal."""
    opener.click()
    modal = page.locator(".modal-dialog")
    modal.get_by_role("link", name=item_name).first.click()
    expect(modal).to_be_hidden()


@pytest.fixture
def reading_quickly(settings):
    # The minimum reading time is measured as in production, only shortened.
    settings.LESSON_MINIMUM_TIME = True
    settings.LESSON_READING_WORDS_PER_MINUTE = 1200


def test_from_a_moodle_file_to_a_certificate_on_a_phone(
    live_server, browser, trainer, learner, reading_quickly, tmp_path
):
    reviewer = officer_with_role(roles.REVIEWER, "11", username="reviewer.dienbien").user
    course = make_course(lessons=0, lessons_in_order=True)
    course.issues_certificate = True
    course.save_revision().publish()
    for n in (1, 2):
        lesson = LessonPage(
            title=f"Bài {n}",
            slug=f"cks-bai-{n}",
            body=[{"type": "text", "value": f"<p>{READING}</p>"}],
        )
        course.add_child(instance=lesson)
        lesson.save_revision().publish()
    first, second = course.lessons()

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone.set_default_timeout(20_000)
    admin_log_in(phone, live_server, trainer.username)

    # 1. Import the GIFT file: the message names the category Moodle's rule puts it in.
    bank = tmp_path / "ngan-hang.gift"
    bank.write_text(GIFT, encoding="utf-8")
    phone.goto(live_server.url + "/admin/questions/import/")
    phone.set_input_files("#id_file", str(bank))
    phone.select_option("#id_format", "gift")
    phone.fill("#id_category", "Ngân hàng")
    phone.locator("main button[type=submit]").click()
    expect(phone.locator(".messages")).to_contain_text(f"“{CATEGORY}”")
    assert Question.objects.filter(category__name=CATEGORY, category__parent=None).count() == 3
    assert not Question.objects.filter(live=True).exists()  # drafts until reviewed

    # 2. A quiz drawing more than the category holds is refused, with the reason; then fixed.
    phone.goto(live_server.url + "/admin/snippets/assessments/quiz/add/")
    phone.fill("#id_title", "Kiểm tra cuối khóa")
    phone.fill("#id_slug", "kiem-tra-cuoi-khoa")
    phone.locator("#id_random_draws-ADD").click()
    chooser = phone.locator("#id_random_draws-0-category-chooser [data-chooser-action-choose]")
    choose_in_modal(phone, chooser, CATEGORY)
    phone.fill("#id_random_draws-0-count", "5")
    footer_action(phone, "action-submit")
    expect(phone.get_by_text(f"“{CATEGORY}” có 3 câu hỏi")).to_be_visible()
    assert not Quiz.objects.exists()
    phone.fill("#id_random_draws-0-count", "3")
    footer_action(phone, "action-submit")
    expect(phone.locator(".messages")).to_be_visible()
    quiz = Quiz.objects.get()
    assert not quiz.live and quiz.current_workflow_state is not None

    # 3. Place it in the second lesson with the chooser, and submit the lesson.
    phone.goto(f"{live_server.url}/admin/pages/{second.pk}/edit/")
    phone.locator("button.c-sf-add-button").last.click()
    phone.get_by_role("option", name="Bài kiểm tra").click()
    choose_in_modal(
        phone, phone.locator("[data-contentpath=quiz] [data-chooser-action-choose]").last,
        "Kiểm tra cuối khóa",
    )  # fmt: skip
    footer_action(phone, "action-submit")
    expect(phone.locator(".messages")).to_be_visible()

    # 4. A reviewer approves both: the quiz goes live with its new questions.
    review = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    review.set_default_timeout(20_000)
    admin_log_in(review, live_server, reviewer.username)
    approve(review, live_server, f"/admin/snippets/assessments/quiz/edit/{quiz.pk}/")
    approve(review, live_server, f"/admin/pages/{second.pk}/edit/")
    quiz.refresh_from_db()
    assert quiz.live
    assert Question.objects.filter(live=True).count() == 3

    # 5. The officer reads the lessons in order, each for its minimum time.
    officer = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    officer.set_default_timeout(20_000)
    log_in(officer, live_server, learner.username)
    officer.goto(live_server.url + second.url)
    expect(officer.get_by_text("finish “Bài 1” first").or_(
        officer.get_by_text("hoàn thành bài “Bài 1” trước"))).to_be_visible()  # fmt: skip
    officer.goto(live_server.url + first.url)
    done = officer.get_by_role("button", name="Tôi đã học xong bài này")
    expect(done).to_be_disabled()  # the wait, counted down on the page
    expect(done).to_be_enabled(timeout=30_000)
    done.click()
    officer.wait_for_url(re.compile(re.escape(second.url)))
    officer.get_by_role("link", name="Làm bài kiểm tra").click()
    officer.get_by_role("button", name="Bắt đầu làm bài").click()
    for _ in range(3):
        text = officer.locator(".question-text").first.inner_text()
        answer = next(right for start, right in RIGHT.items() if text.startswith(start))
        officer.get_by_label(answer, exact=True).check()
        expect(officer.locator(".autosave-status")).to_have_text("Đã lưu")
        following = officer.get_by_role("button", name="Lưu và tiếp")
        if following.count():
            following.click()
    officer.once("dialog", lambda dialog: dialog.accept())
    officer.get_by_role("button", name="Nộp bài").click()
    expect(officer.get_by_text("Điểm: 100% — đạt")).to_be_visible()

    # The quiz's lesson is read too, then the course is complete and certified.
    officer.goto(live_server.url + second.url)
    done = officer.get_by_role("button", name="Tôi đã học xong bài này")
    expect(done).to_be_enabled(timeout=30_000)
    done.click()
    officer.wait_for_url(re.compile(r"/my-courses/$"))
    expect(officer.locator(".messages")).to_contain_text("Chúc mừng")
    certificate = Certificate.objects.get(officer=learner.officer, course=course)
    officer.goto(live_server.url + "/certificates/")
    expect(officer.get_by_text(certificate.code)).to_be_visible()
    assert officer.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
