"""An officer takes a timed quiz on a phone, loses the connection, comes back and passes."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from assessments.models import (
    Answer,
    AttemptQuestion,
    Question,
    QuestionCategory,
    Quiz,
    QuizQuestion,
)
from courses.models import Enrolment
from tests.assessments.test_course_completion import add_quiz_lesson
from tests.browser.test_learning_journey import log_in
from tests.courses.pages import make_course
from tests.courses.reading import read

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RIGHT_FEEDBACK = "Chính xác: Ban Cơ yếu Chính phủ cấp chứng thư số công vụ."
WRONG_FEEDBACK = "Bộ Công an không cấp chứng thư số công vụ."


def question(category, kind, text, answers):
    made = Question.objects.create(category=category, kind=kind, name=text, text=f"<p>{text}</p>")
    for order, (answer, fraction, feedback) in enumerate(answers):
        Answer.objects.create(
            question=made, text=answer, fraction=Decimal(fraction), feedback=feedback,
            sort_order=order,
        )  # fmt: skip
    return made


@pytest.fixture
def timed_quiz(dien_bien):
    category = QuestionCategory.from_path("Khóa học/Chữ ký số")
    quiz = Quiz.objects.create(
        slug="kiem-tra-chu-ky-so",
        title="Kiểm tra: chữ ký số",
        time_limit_minutes=10,
        pass_mark=Decimal("80"),
        layout=Quiz.Layout.ONE_PER_PAGE,
        review_score=True,
        review_correctness=True,
        review_right_answers=False,
        review_feedback=True,
    )
    questions = [
        question(
            category,
            Question.Kind.SINGLE,
            "Cơ quan nào cấp chứng thư số chuyên dùng công vụ?",
            [
                ("Ban Cơ yếu Chính phủ", 1, RIGHT_FEEDBACK),
                ("Bộ Công an", 0, WRONG_FEEDBACK),
                ("UBND tỉnh", 0, ""),
            ],
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
    ]
    for order, item in enumerate(questions):
        QuizQuestion.objects.create(quiz=quiz, question=item, sort_order=order)
    return quiz


def test_timed_quiz_survives_a_lost_connection_and_completes_the_course(
    live_server, browser, learner, timed_quiz
):
    course = make_course(lessons=1)
    quiz_lesson = add_quiz_lesson(course, timed_quiz)
    for lesson in course.lessons():
        read(learner.officer, lesson)
    enrolment = Enrolment.objects.get(officer=learner.officer, course=course)
    assert enrolment.completed_at is None

    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    log_in(phone, live_server, learner.username)
    phone.goto(live_server.url + quiz_lesson.url)
    phone.get_by_role("link", name="Làm bài kiểm tra").click()
    expect(phone.get_by_text("Thời gian làm bài: 10 phút")).to_be_visible()
    phone.get_by_role("button", name="Bắt đầu làm bài").click()

    # Question 1, saved as it is chosen; nothing on the page tells which answer is right.
    expect(phone.get_by_role("button", name="Nộp bài")).to_have_count(0)  # last page only
    phone.get_by_label("Ban Cơ yếu Chính phủ").check()
    expect(phone.locator(".autosave-status")).to_have_text("Đã lưu")
    html = phone.content()
    assert RIGHT_FEEDBACK not in html and WRONG_FEEDBACK not in html
    assert "fraction" not in html
    phone.get_by_role("button", name="Lưu và tiếp").click()

    # Question 2 is answered with the connection down, and the page is closed.
    context.set_offline(True)
    phone.get_by_label("Chứng thư số còn hiệu lực").check()
    phone.get_by_label("Văn bản không bị sửa sau khi ký").check()
    expect(phone.locator(".autosave-status")).to_contain_text("Chưa lưu")
    assert AttemptQuestion.objects.get(position=2).response is None
    phone.close()
    context.set_offline(False)

    # Back later: the attempt resumes with the time left, and nothing was lost.
    phone = context.new_page()
    phone.goto(live_server.url + f"/quizzes/{timed_quiz.slug}/")
    phone.get_by_role("button", name="Làm tiếp bài").click()
    expect(phone.get_by_label("Ban Cơ yếu Chính phủ")).to_be_checked()
    seconds_left = int(phone.locator("[data-seconds-left]").get_attribute("data-seconds-left"))
    assert 0 < seconds_left <= 600
    expect(phone.locator(".autosave-status")).to_have_text("Đã lưu")
    phone.get_by_role("button", name="Lưu và tiếp").click()
    expect(phone.get_by_label("Chứng thư số còn hiệu lực")).to_be_checked()
    expect(phone.get_by_label("Văn bản không bị sửa sau khi ký")).to_be_checked()
    expect(phone.get_by_label("Màu của hình chữ ký")).not_to_be_checked()
    phone.get_by_role("button", name="Lưu và tiếp").click()
    phone.get_by_label("Đúng").check()
    phone.once("dialog", lambda dialog: dialog.accept())  # "Nộp bài? …không sửa được nữa."
    phone.get_by_role("button", name="Nộp bài").click()

    # The review shows what the quiz allows: score, right or not, feedback; not right answers.
    expect(phone.get_by_text("Điểm: 100% — đạt")).to_be_visible()
    expect(phone.get_by_role("heading", name="Câu 1 · 1/1 · đúng")).to_be_visible()
    expect(phone.get_by_text(RIGHT_FEEDBACK)).to_be_visible()
    assert "Đáp án đúng" not in phone.content()

    phone.get_by_role("navigation").get_by_role("link", name="Khóa học của tôi").click()
    expect(phone.get_by_text("Đã hoàn thành ngày")).to_be_visible()
    assert Enrolment.objects.get(pk=enrolment.pk).completed_at is not None
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
