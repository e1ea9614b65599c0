"""axe-core finds no serious or critical accessibility violation on the learner's pages.

An officer on a phone goes through every page a learner sees: home, log-in, catalogue, search, a
course, a lesson holding every kind of block, the quiz (start, an attempt page with a question of
each kind, the result), my courses, profile, password change, the signing exercise, certificates
and their public check; forms are checked with their error messages too. Each page is checked as
the browser shows it; the failure lists every violation found, page by page, with the elements at
fault.
"""

import io
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from playwright.sync_api import expect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from assessments.models import Question, QuestionCategory, Quiz, QuizQuestion, SigningExercise
from certification import issuing
from courses.models import LessonPage
from tests.browser.test_learning_journey import log_in
from tests.browser.test_quiz_journey import question
from tests.courses.pages import make_course, publish
from tests.courses.reading import read

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BLOCKING = ("serious", "critical")
# The only frame on these pages is the YouTube player: third-party content the platform does not
# control, and axe cannot be injected into it from here (axe would wait a minute for it). The
# <iframe> element itself (its title) is still checked in the page.
AXE_OPTIONS = {"resultTypes": ["violations"], "iframes": False}


def violations(page, label):
    """The serious and critical axe violations on the page, one readable line per element."""
    found = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    lines = []
    for violation in found:
        if violation["impact"] not in BLOCKING:
            continue
        lines.append(
            f"{label}: {violation['id']} ({violation['impact']}): {violation['help']}"
            f" — {len(violation['nodes'])} element(s)"
        )
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {node['target']} {node['html'][:200]}\n      {summary}")
    return lines


def picture(title):
    buffer = io.BytesIO()
    PILImage.new("RGB", (1200, 800), (11, 87, 164)).save(buffer, "PNG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(io.BytesIO(buffer.getvalue()), name="anh.png")
    )


def every_kind_quiz():
    category = QuestionCategory.from_path("Khóa học/Chữ ký số")
    quiz = Quiz.objects.create(
        slug="kiem-tra-moi-loai-cau-hoi",
        title="Kiểm tra: chữ ký số",
        introduction="Năm câu hỏi, mỗi câu một loại.",
        time_limit_minutes=20,
        pass_mark=Decimal("50"),
        layout=Quiz.Layout.ALL,
        review_score=True,
        review_correctness=True,
        review_right_answers=True,
        review_feedback=True,
    )
    made = [
        question(
            category,
            Question.Kind.SINGLE,
            "Cơ quan nào cấp chứng thư số chuyên dùng công vụ?",
            [("Ban Cơ yếu Chính phủ", 1, "Chính xác."), ("Bộ Công an", 0, "Không phải.")],
        ),
        question(
            category,
            Question.Kind.MULTIPLE,
            "Khi kiểm tra văn bản đã ký số, cần xem gì?",
            [
                ("Chứng thư số còn hiệu lực", "0.5", ""),
                ("Văn bản không bị sửa sau khi ký", "0.5", ""),
                ("Màu của hình chữ ký", "-1", "Màu hình chữ ký không nói gì."),
            ],
        ),
        question(
            category,
            Question.Kind.TRUE_FALSE,
            "Mất USB Token phải báo ngay để thu hồi chứng thư số.",
            [("Đúng", 1, ""), ("Sai", 0, "")],
        ),
        question(
            category, Question.Kind.SHORT, "Viết tắt của Ban Cơ yếu Chính phủ?", [("BCY", 1, "")]
        ),
        question(category, Question.Kind.ESSAY, "Nêu các bước ký số một văn bản đi.", []),
    ]
    for order, item in enumerate(made):
        QuizQuestion.objects.create(quiz=quiz, question=item, sort_order=order)
    return quiz


def lesson_with_every_block(course, quiz, exercise):
    document = get_document_model().objects.create(
        title="Hướng dẫn cài đặt VGCA Sign Service",
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="huong-dan.pdf"),
    )
    screenshot = picture("Ô nhập mã PIN của USB Token")
    tip = "<p>Giữ USB Token cẩn thận.</p>"
    return publish(
        course,
        LessonPage(
            title="Cài đặt và ký thử",
            slug="cai-dat-va-ky-thu",
            summary="Cài phần mềm ký số, ký thử một văn bản và làm bài kiểm tra.",
            body=[
                {"type": "text", "value": "<h2>Chuẩn bị</h2><p>Cắm <b>USB Token</b> vào máy.</p>"},
                {
                    "type": "image",
                    "value": {"image": picture("Màn hình ký số").pk, "caption": "Ô chữ ký."},
                },
                {
                    "type": "video",
                    "value": {
                        "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                        "title": "Cài đặt VGCA Sign Service",
                        "minutes": 4,
                    },
                },
                {"type": "document", "value": {"document": document.pk, "description": "PDF"}},
                {
                    "type": "procedure",
                    "value": {
                        "title": "Ký số một văn bản PDF",
                        "steps": [
                            {"text": "<p>Mở tệp PDF.</p>", "screenshot": None},
                            {"text": "<p>Nhập mã PIN.</p>", "screenshot": screenshot.pk},
                        ],
                    },
                },
                {"type": "callout", "value": {"kind": "tip", "text": tip}},
                {"type": "callout", "value": {"kind": "warning", "text": tip}},
                {"type": "callout", "value": {"kind": "law", "text": tip}},
                {"type": "quiz", "value": {"introduction": "Làm bài", "quiz": quiz.pk}},
                {
                    "type": "signing_exercise",
                    "value": {"introduction": "Ký thử", "exercise": exercise.pk},
                },
            ],
        ),
    )


@pytest.fixture
def learning(learner):
    """A course in progress with a rich lesson and a quiz; a certificate from another course."""
    for cache in caches.all(initialized_only=True):
        cache.clear()  # image renditions are cached by id, and ids come back after a flush
    quiz = every_kind_quiz()
    exercise = SigningExercise.objects.create(
        slug="ky-thu", title="Ký thử", instructions="Ký tệp quyết định rồi tải lên."
    )
    course = make_course(lessons=2)
    lesson = lesson_with_every_block(course, quiz, exercise)
    read(learner.officer, course.lessons()[0])

    certified = make_course("Dịch vụ công trực tuyến", lessons=1, slug_prefix="dvc")
    certified.issues_certificate = True
    certified.certificate_valid_months = 24
    certified.save_revision().publish()
    read(learner.officer, certified.lessons()[0])
    certificate = issuing.latest_certificates(learner.officer, certified)[certified.pk]
    return {
        "course": course,
        "lesson": lesson,
        "quiz": quiz,
        "exercise": exercise,
        "certificate": certificate,
    }


def test_learner_pages_have_no_serious_or_critical_violations(
    live_server, phone, learner, learning
):
    problems = []

    def check(path_or_none, label):
        if path_or_none is not None:
            response = phone.goto(live_server.url + path_or_none)
            assert response.ok, f"{label}: {path_or_none} answered {response.status}"
        problems.extend(violations(phone, label))

    # Anyone: home, catalogue, course, the public certificate check, and the log-in form.
    check("/", "home")
    check("/khoa-hoc/", "catalogue")
    check(learning["course"].url, "course (signed out)")
    check("/search/?q=chu+ky+so", "search")
    check("/certificates/verify/", "certificate lookup")
    check(f"/certificates/verify/{learning['certificate'].code}/", "certificate verification")
    check("/accounts/login/", "log-in")
    phone.get_by_label("Tên đăng nhập").fill(learner.username)
    phone.get_by_label("Mật khẩu").fill("not the password")
    phone.get_by_role("button", name="Đăng nhập").click()
    expect(phone.locator(".errorlist, .error").first).to_be_visible()
    check(None, "log-in with a mistake")

    # The officer, signed in.
    log_in(phone, live_server, learner.username)
    expect(phone.get_by_role("button", name="Đăng xuất")).to_be_visible()
    check(learning["course"].url, "course (enrolled)")
    check(learning["lesson"].url, "lesson with every kind of block")
    check("/my-courses/", "my courses")
    check("/accounts/profile/", "profile")
    phone.locator("section.procedure-account button[type=submit]").click()  # nothing typed
    expect(phone.locator(".errorlist").first).to_be_visible()
    check(None, "profile with a mistake")
    check("/accounts/password_change/", "password change")
    phone.locator("main button[type=submit]").click()  # nothing typed
    expect(phone.locator(".errorlist").first).to_be_visible()
    check(None, "password change with a mistake")
    check("/certificates/", "my certificates")
    check(f"/exercises/{learning['exercise'].slug}/", "signing exercise")

    quiz = learning["quiz"]
    check(f"/quizzes/{quiz.slug}/", "quiz start page")
    phone.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(phone.locator("fieldset.question")).to_have_count(5)
    phone.get_by_label("Ban Cơ yếu Chính phủ").check()
    expect(phone.locator(".autosave-status")).to_have_text("Đã lưu")
    check(None, "quiz attempt (one question of each kind)")
    phone.get_by_label("Chứng thư số còn hiệu lực").check()
    phone.get_by_label("Đúng", exact=True).check()
    phone.locator("input[type=text][id^=q]").fill("BCY")
    phone.locator("textarea").fill("Mở tệp, chọn chứng thư số, nhập mã PIN.")
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.locator("button.submit-attempt").click()
    expect(phone.locator("section.question")).to_have_count(5)
    check(None, "quiz result")

    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)


def test_the_check_reports_a_violation_with_its_element(phone):
    """The check is not blind: a field without a label is reported, naming the field."""
    phone.set_content(
        '<!DOCTYPE html><html lang="vi"><head><title>Thử</title></head><body><main>'
        '<form><input type="text" name="ho-ten"></form></main></body></html>'
    )
    found = violations(phone, "broken page")
    assert found, "axe reported nothing on a page with an unlabelled field"
    assert found[0].startswith("broken page: label (critical)")
    assert 'name="ho-ten"' in "\n".join(found)
