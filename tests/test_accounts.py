"""Login, logout, password change and reset, in Vietnamese by default."""

import re

from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD


def test_login_page_is_in_vietnamese_by_default_even_for_an_english_browser(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in page
    assert "Đăng nhập" in page
    assert 'name="viewport"' in page


def test_language_switch_to_english_is_remembered(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in page
    assert "Log in" in page


def test_officer_logs_in_and_sees_their_profile(client, learner):
    response = client.post(
        reverse("login"), {"username": learner.username, "password": PASSWORD}, follow=True
    )
    assert response.context["user"].is_authenticated
    page = client.get(reverse("my_profile")).content.decode()
    assert learner.officer.full_name in page
    assert "Xã Na Sang" in page


def test_wrong_password_is_refused_with_a_message(client, learner):
    response = client.post(reverse("login"), {"username": learner.username, "password": "sai"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    assert 'role="alert"' in response.content.decode()


def test_logout_needs_a_post_and_ends_the_session(client, learner):
    client.login(username=learner.username, password=PASSWORD)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("my_profile")).status_code == 302  # back to login


def test_profile_requires_login(client, db):
    response = client.get(reverse("my_profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_password_change(client, learner):
    client.login(username=learner.username, password=PASSWORD)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Chu-ky-so-an-toan-9",
            "new_password2": "Chu-ky-so-an-toan-9",
        },
    )
    assert response.status_code == 302
    client.logout()
    assert client.login(username=learner.username, password="Chu-ky-so-an-toan-9")


def test_password_reset_by_email(client, learner):
    response = client.post(reverse("password_reset"), {"email": learner.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [learner.email]
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"new_password1": "Mot-cua-dien-tu-7", "new_password2": "Mot-cua-dien-tu-7"},
    )
    assert response.status_code == 302
    assert client.login(username=learner.username, password="Mot-cua-dien-tu-7")


def test_password_reset_for_an_unknown_email_reveals_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "khongco@example.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 0


def test_home_page_welcomes_in_vietnamese(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "Kỹ năng số cho cán bộ cấp xã" in response.content.decode()
