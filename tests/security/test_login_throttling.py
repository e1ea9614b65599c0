"""Login throttling (django-axes): a (username, address) pair is locked after 5 wrong passwords."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import reverse

from officers import roles
from tests.factories import PASSWORD, officer_with_role
from toolkit.client_ip import client_ip

COMMUNE_ADDRESS = "203.113.131.10"  # one public address for a whole commune office (NAT)


def log_in(client, username, password, address=COMMUNE_ADDRESS, url=None, **extra):
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def fail(client, username, times, **kwargs):
    return [log_in(client, username, "sai-mat-khau", **kwargs) for _ in range(times)]


def is_signed_in(client):
    return client.get(reverse("my_profile")).status_code == 200


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_fifth_wrong_password_locks_out_with_a_clear_page(english, learner):
    first_four = fail(english, learner.username, 4)
    assert [response.status_code for response in first_four] == [200] * 4

    locked = fail(english, learner.username, 1)[0]
    page = locked.content.decode()
    assert locked.status_code == 429
    assert "data-locked-out" in page
    assert "Too many failed log-in attempts" in page
    assert "paused for 15 minutes" in page
    assert locked["Retry-After"] == str(15 * 60)


def test_a_lockout_is_written_once_to_the_audit_log(client, learner):
    from audit.models import Action, AuditEntry

    fail(client, learner.username, 7)  # locked at the fifth; two more while locked
    [entry] = AuditEntry.objects.filter(action=Action.LOGIN_LOCKED_OUT)
    assert entry.details == {"username": learner.username}
    assert entry.ip_address == COMMUNE_ADDRESS


def test_lockout_page_is_in_vietnamese_by_default(client, learner):
    locked = fail(client, learner.username, 5)[-1]
    assert locked.status_code == 429
    assert '<html lang="vi">' in locked.content.decode()


def test_right_password_is_refused_during_the_lockout(client, learner):
    fail(client, learner.username, 5)
    response = log_in(client, learner.username, PASSWORD)
    assert response.status_code == 429
    assert not is_signed_in(client)


def test_other_officers_behind_the_same_address_still_log_in(client, learner, dien_bien):
    colleague = officer_with_role(roles.LEARNER, "03172", username="canbo.nasang").user
    fail(client, learner.username, 5)
    response = log_in(client, colleague.username, PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_the_same_officer_from_another_address_is_not_locked(client, learner):
    fail(client, learner.username, 5)
    response = log_in(client, learner.username, PASSWORD, address="14.160.32.7")
    assert response.status_code == 302


def test_logging_in_works_again_after_the_cool_off(client, learner):
    fail(client, learner.username, 5)
    assert log_in(client, learner.username, PASSWORD).status_code == 429
    # Fifteen minutes later (and a second):
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
        attempt.save()
    response = log_in(client, learner.username, PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_a_successful_login_forgets_earlier_failures(client, learner):
    fail(client, learner.username, 4)
    assert log_in(client, learner.username, PASSWORD).status_code == 302
    client.logout()
    assert [r.status_code for r in fail(client, learner.username, 4)] == [200] * 4
    assert log_in(client, learner.username, PASSWORD).status_code == 302


def test_the_wagtail_admin_login_is_throttled_too(client, hr_na_sang):
    admin_login = reverse("wagtailadmin_login")
    responses = fail(client, hr_na_sang.username, 5, url=admin_login)
    assert [r.status_code for r in responses] == [200] * 4 + [429]
    assert log_in(client, hr_na_sang.username, PASSWORD, url=admin_login).status_code == 429


def test_a_forged_x_forwarded_for_does_not_dodge_the_lockout_without_proxies(client, learner):
    assert settings.TRUSTED_PROXY_COUNT == 0
    for n in range(5):
        response = log_in(client, learner.username, "sai", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert response.status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_nginx_officers_are_told_apart_by_x_forwarded_for(client, learner):
    via_nginx = {"address": "127.0.0.1"}
    # The client may send its own X-Forwarded-For; nginx appends the address it really saw.
    for _ in range(5):
        response = log_in(
            client, learner.username, "sai", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.113.131.10",
            **via_nginx,
        )  # fmt: skip
    assert response.status_code == 429
    elsewhere = log_in(
        client, learner.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.113.131.10, 14.160.32.7",
        **via_nginx,
    )  # fmt: skip
    assert elsewhere.status_code == 302


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "1.2.3.4", "127.0.0.1"),  # no proxy: the header is the client's word only
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # 6.6.6.6 was made up by the client
        (2, "6.6.6.6, 1.2.3.4, 10.0.0.2", "1.2.3.4"),  # load balancer, then nginx
        (2, "1.2.3.4", "127.0.0.1"),  # fewer entries than proxies: misconfigured, use the peer
        (1, "not-an-address", "127.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
