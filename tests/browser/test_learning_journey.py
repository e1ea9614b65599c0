import pytest
from playwright.sync_api import expect

from tests.courses.pages import make_course
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in(phone, live_server, username):
    phone.goto(live_server.url + "/accounts/login/")
    phone.get_by_label("Tên đăng nhập").fill(username)
    phone.get_by_label("Mật khẩu").fill(PASSWORD)
    phone.get_by_role("button", name="Đăng nhập").click()


def test_officer_enrols_reads_lessons_resumes_after_logging_in_again_and_completes(
    live_server, phone, learner
):
    course = make_course(title="Chữ ký số chuyên dùng công vụ", lessons=3)
    log_in(phone, live_server, learner.username)

    phone.goto(live_server.url + course.url)
    phone.get_by_role("button", name="Đăng ký học khóa này").click()
    # Each lesson's button waits for its (short) reading time, counted down on the page.
    expect(phone.get_by_role("heading", name="Bài 1")).to_be_visible()
    phone.get_by_role("button", name="Tôi đã học xong bài này").click()
    expect(phone.get_by_role("heading", name="Bài 2")).to_be_visible()

    phone.get_by_role("button", name="Đăng xuất").click()
    log_in(phone, live_server, learner.username)
    phone.get_by_role("navigation").get_by_role("link", name="Khóa học của tôi").click()
    expect(phone.get_by_text("Đã học 1/3 bài")).to_be_visible()
    phone.get_by_role("link", name="Học tiếp: Bài 2").click()

    phone.get_by_role("button", name="Tôi đã học xong bài này").click()
    expect(phone.get_by_role("heading", name="Bài 3")).to_be_visible()
    phone.get_by_role("button", name="Tôi đã học xong bài này").click()

    expect(phone.get_by_role("heading", name="Khóa học của tôi")).to_be_visible()
    expect(phone.get_by_text("Chúc mừng")).to_be_visible()
    expect(phone.get_by_text("Đã học 3/3 bài")).to_be_visible()
    expect(phone.get_by_text("Đã hoàn thành ngày")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
