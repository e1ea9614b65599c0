import pytest

from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_officer_logs_in_on_a_phone_sees_their_profile_and_logs_out(live_server, phone, learner):
    phone.goto(live_server.url + "/")
    assert phone.locator("html").get_attribute("lang") == "vi"
    assert fits_the_screen(phone)

    phone.get_by_role("link", name="Đăng nhập để bắt đầu học").click()
    phone.get_by_label("Tên đăng nhập").fill(learner.username)
    phone.get_by_label("Mật khẩu").fill("sai-mat-khau")
    phone.get_by_role("button", name="Đăng nhập").click()
    assert phone.get_by_role("alert").is_visible()
    assert fits_the_screen(phone)

    phone.get_by_label("Mật khẩu").fill(PASSWORD)
    phone.get_by_role("button", name="Đăng nhập").click()
    phone.get_by_role("link", name="Hồ sơ của tôi").click()
    assert phone.get_by_role("heading", name="Hồ sơ của tôi").is_visible()
    assert phone.get_by_text(learner.officer.full_name).is_visible()
    assert phone.get_by_text("Xã Na Sang").is_visible()
    assert fits_the_screen(phone)

    phone.get_by_role("button", name="Đăng xuất").click()
    phone.goto(live_server.url + "/accounts/profile/")
    assert "/accounts/login/" in phone.url


def test_officer_switches_the_site_to_english(live_server, phone, db):
    phone.goto(live_server.url + "/accounts/login/")
    phone.get_by_label("Ngôn ngữ").select_option("en")
    phone.get_by_role("button", name="Đổi").click()
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.get_by_role("heading", name="Log in").is_visible()
