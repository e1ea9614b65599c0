"""Optional two-factor sign-in (django-otp) for HR and administrators."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

SETUP = "/admin/two-factor/"
VERIFY = "/accounts/two-factor/"


def app_code(device, steps_ahead=0):
    """The code the officer's authenticator app shows (now, or `steps_ahead` × 30 s later).

    A code is accepted once: the app's next code is what a later login types.
    """
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device):
    return f"{(int(app_code(device)) + 500_000) % 1_000_000:06d}"


def enrol(client, user):
    """Turn two-factor on as the user would; returns (app device, backup codes)."""
    client.force_login(user)
    page = client.get(SETUP)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"action": "enable", "code": app_code(device)})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    return device, response.context["backup_codes"]


def password_login(client, user, url=None):
    client.logout()
    return client.post(url or reverse("login"), {"username": user.username, "password": PASSWORD})


def wait_out_throttle(device):
    """As if the officer waited: a wrong code makes the device refuse codes for a while."""
    type(device).objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
    )


def test_hr_turns_on_two_factor_with_a_qr_code_and_gets_backup_codes(client, hr_na_sang):
    client.force_login(hr_na_sang)
    page = client.get(SETUP)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "data-qr-code" in html
    device = TOTPDevice.objects.get(user=hr_na_sang, confirmed=False)
    secret = html.split("data-secret>")[1].split("<")[0].replace(" ", "")
    assert device.config_url.split("secret=")[1].startswith(secret)
    assert "no-store" in page["Cache-Control"]
    # Reloading shows the same secret: the app scanned first still works.
    assert client.get(SETUP).context["secret"] == page.context["secret"]

    response = client.post(SETUP, {"action": "enable", "code": app_code(device)})
    codes = response.context["backup_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in response.content.decode() for code in codes)
    assert StaticToken.objects.filter(device__user=hr_na_sang).count() == 10
    # The session that turned it on counts as verified: the admin stays open.
    assert client.get("/admin/").status_code == 200
    # Codes are shown once: the page now only says how many are left.
    later = client.get(SETUP)
    assert "data-two-factor-enabled" in later.content.decode()
    assert not any(code in later.content.decode() for code in codes)


def test_a_wrong_code_does_not_turn_it_on(client, administrator):
    client.force_login(administrator)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=administrator)
    response = client.post(SETUP, {"action": "enable", "code": wrong_code(device)})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=administrator).exists()


def test_login_then_asks_for_the_code_before_any_page(client, hr_na_sang):
    device, _codes = enrol(client, hr_na_sang)
    response = password_login(client, hr_na_sang)
    assert response.status_code == 302
    for path in ["/admin/", reverse("my_courses"), reverse("my_profile")]:
        blocked = client.get(path)
        assert blocked.status_code == 302
        assert blocked.url.startswith(VERIFY + "?next=")

    page = client.get(VERIFY + "?next=/admin/")
    assert page.status_code == 200
    assert "data-two-factor-verify" in page.content.decode()

    refused = client.post(VERIFY, {"code": wrong_code(device), "next": "/admin/"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["code"]
    assert client.get("/admin/").status_code == 302

    wait_out_throttle(device)
    accepted = client.post(VERIFY, {"code": app_code(device, steps_ahead=1), "next": "/admin/"})
    assert accepted.status_code == 302
    assert accepted.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_wagtail_admin_login_asks_for_the_code(client, administrator):
    device, _codes = enrol(client, administrator)
    response = password_login(client, administrator, url=reverse("wagtailadmin_login"))
    assert response.status_code == 302
    admin = client.get("/admin/")
    assert admin.status_code == 302 and admin.url.startswith(VERIFY)
    client.post(VERIFY, {"code": app_code(device, steps_ahead=1), "next": "/admin/"})
    assert client.get("/admin/").status_code == 200


def test_right_code_just_after_a_wrong_one_must_wait(client, hr_na_sang):
    device, _codes = enrol(client, hr_na_sang)
    password_login(client, hr_na_sang)
    client.post(VERIFY, {"code": wrong_code(device)})
    response = client.post(VERIFY, {"code": app_code(device, steps_ahead=1)})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert client.get("/admin/").status_code == 302


def test_an_app_code_works_only_once(client, hr_na_sang):
    device, _codes = enrol(client, hr_na_sang)
    code = app_code(device, steps_ahead=1)
    password_login(client, hr_na_sang)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    password_login(client, hr_na_sang)
    replayed = client.post(VERIFY, {"code": code})
    assert replayed.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_a_backup_code_works_once(client, hr_na_sang):
    _device, codes = enrol(client, hr_na_sang)
    password_login(client, hr_na_sang)
    used = client.post(VERIFY, {"code": codes[0].upper(), "next": "/admin/"}, follow=True)
    assert used.redirect_chain[0] == ("/admin/", 302)
    assert used.status_code == 200
    assert StaticToken.objects.filter(device__user=hr_na_sang).count() == 9

    password_login(client, hr_na_sang)
    again = client.post(VERIFY, {"code": codes[0], "next": "/admin/"})
    assert again.status_code == 200
    assert again.context["form"].errors["code"]
    assert client.get("/admin/").status_code == 302


def test_turning_it_off_needs_a_code_and_then_a_password_is_enough(client, hr_na_sang):
    device, codes = enrol(client, hr_na_sang)
    refused = client.post(SETUP, {"action": "disable", "code": wrong_code(device)})
    assert refused.status_code == 200
    assert TOTPDevice.objects.filter(user=hr_na_sang, confirmed=True).exists()

    response = client.post(SETUP, {"action": "disable", "code": codes[1]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=hr_na_sang).exists()
    assert not StaticDevice.objects.filter(user=hr_na_sang).exists()
    password_login(client, hr_na_sang)
    assert client.get("/admin/").status_code == 200


def test_new_backup_codes_replace_the_old_ones(client, administrator):
    device, old_codes = enrol(client, administrator)
    response = client.post(SETUP, {"action": "new_codes", "code": app_code(device, 1)})
    new_codes = response.context["backup_codes"]
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    password_login(client, administrator)
    assert client.post(VERIFY, {"code": old_codes[0]}).status_code == 200
    wait_out_throttle(StaticDevice.objects.get(user=administrator))
    assert client.post(VERIFY, {"code": new_codes[0]}).status_code == 302


def test_only_hr_and_administrators_may_set_it_up(client, trainer, learner):
    for user in (trainer, learner):
        client.force_login(user)
        response = client.get(SETUP)
        assert response.status_code == 302  # Wagtail's "no permission" redirect
        assert response.url != SETUP
    assert not TOTPDevice.objects.exists()


def test_the_admin_account_page_links_to_it_for_hr_only(client, hr_na_sang, trainer):
    client.force_login(hr_na_sang)
    assert SETUP in client.get(reverse("wagtailadmin_account")).content.decode()
    client.force_login(trainer)
    assert SETUP not in client.get(reverse("wagtailadmin_account")).content.decode()


def test_without_two_factor_nothing_changes(client, hr_na_sang, learner):
    password_login(client, hr_na_sang)
    assert client.get("/admin/").status_code == 200
    password_login(client, learner)
    assert client.get(reverse("my_courses")).status_code == 200


def test_when_required_hr_must_set_it_up_before_the_admin(client, settings, hr_na_sang, learner):
    settings.OTP_REQUIRED_FOR_ADMIN = True
    password_login(client, hr_na_sang)
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url == SETUP
    assert client.get(reverse("my_courses")).status_code == 200  # learning is not held up
    page = client.get(SETUP)
    assert page.status_code == 200 and page.context["required"]

    device = TOTPDevice.objects.get(user=hr_na_sang)
    client.post(SETUP, {"action": "enable", "code": app_code(device)})
    assert client.get("/admin/").status_code == 200
    # Required means it cannot be turned off.
    refused = client.post(SETUP, {"action": "disable", "code": app_code(device, 1)})
    assert refused.status_code == 302 and refused.url == "/admin/"  # no permission
    assert TOTPDevice.objects.filter(user=hr_na_sang, confirmed=True).exists()

    password_login(client, learner)  # learners are never asked
    assert client.get(reverse("my_courses")).status_code == 200


def test_verify_page_only_redirects_within_the_site(client, hr_na_sang):
    device, _codes = enrol(client, hr_na_sang)
    password_login(client, hr_na_sang)
    response = client.post(
        VERIFY, {"code": app_code(device, 1), "next": "https://evil.example/steal"}
    )
    assert response.status_code == 302
    assert response.url == "/"


def test_logging_out_needs_no_code(client, hr_na_sang):
    enrol(client, hr_na_sang)
    password_login(client, hr_na_sang)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("my_profile")).url.startswith(reverse("login"))


def test_settings_default_to_optional():
    assert settings.OTP_REQUIRED_FOR_ADMIN is False


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.mark.parametrize("next_url", ["abc", "javascript:alert(1)", "//evil.example/"])
def test_verify_page_goes_home_when_next_is_not_a_path_of_the_site(client, hr_na_sang, next_url):
    device, _codes = enrol(client, hr_na_sang)
    password_login(client, hr_na_sang)
    response = client.post(VERIFY, {"code": app_code(device, 1), "next": next_url})
    assert response.status_code == 302
    assert response.url == "/"
