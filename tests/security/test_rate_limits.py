"""Rate limits (security/rate_limit.py): certificate codes cannot be guessed in a loop
(an audit made 150 guesses at up to 69 a second from one address) and the password-reset form
cannot flood an officer's mailbox (it sent 10 mails to one address). Past a limit the answer
is a Vietnamese page saying when to try again, status 429, as for a login lockout."""

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
COMMUNE_ADDRESS = "203.113.131.10"
OTHER_ADDRESS = "203.113.131.77"


def verify(client, number, address=COMMUNE_ADDRESS, **extra):
    code = f"KNS-{number:04d}-AAAA".replace("0", "2").replace("1", "3")
    return client.get(
        reverse("certificate_verify", kwargs={"code": code}), REMOTE_ADDR=address, **extra
    )


def test_guessing_certificate_codes_is_stopped_after_thirty_with_a_page_saying_when(client, db):
    guesses = [verify(client, number) for number in range(30)]
    assert {response.status_code for response in guesses} == {404}

    refused = verify(client, 30)

    assert refused.status_code == 429
    page = refused.content.decode()
    assert "data-rate-limited" in page
    assert "Quá nhiều yêu cầu" in page
    assert "Hãy thử lại sau" in page and "phút" in page
    assert 0 < int(refused["Retry-After"]) <= 10 * 60
    assert "no-store" in refused["Cache-Control"]
    # Another address is not held back.
    assert verify(client, 31, address=OTHER_ADDRESS).status_code == 404


def test_behind_nginx_the_limit_counts_the_address_nginx_saw(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(30):
        # A client inventing a new X-Forwarded-For each time: nginx appends the real one.
        verify(
            client,
            number,
            address="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.9.{number}.1, {COMMUNE_ADDRESS}",
        )

    refused = verify(
        client, 30, address="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.9.99.1, {COMMUNE_ADDRESS}"
    )
    other = verify(client, 31, address="127.0.0.1", HTTP_X_FORWARDED_FOR=OTHER_ADDRESS)

    assert refused.status_code == 429
    assert other.status_code == 404


def reset(client, email, address=COMMUNE_ADDRESS, url_name="password_reset"):
    return client.post(reverse(url_name), {"email": email}, REMOTE_ADDR=address)


def test_one_officer_gets_at_most_three_reset_mails_an_hour_from_any_address(client, learner):
    sent = [reset(client, learner.email, address=f"198.51.100.{n}") for n in range(3)]
    assert [response.status_code for response in sent] == [302] * 3

    refused = reset(client, learner.email.upper(), address="198.51.100.9")

    assert refused.status_code == 429
    assert "Quá nhiều yêu cầu" in refused.content.decode()
    assert len(mail.outbox) == 3


def test_one_address_may_ask_ten_resets_an_hour_whatever_the_emails(client, learner):
    for n in range(10):
        assert reset(client, f"khongco{n}@example.vn").status_code == 302

    refused = reset(client, learner.email)

    assert refused.status_code == 429
    assert len(mail.outbox) == 0
    assert reset(client, learner.email, address=OTHER_ADDRESS).status_code == 302
    assert len(mail.outbox) == 1


def test_the_admin_reset_form_shares_the_limits(client, trainer):
    for n in range(3):
        reset(client, trainer.email, address=f"198.51.100.{n}")
    refused = reset(
        client, trainer.email, address="198.51.100.9", url_name="wagtailadmin_password_reset"
    )

    assert refused.status_code == 429
    assert len(mail.outbox) == 3


def test_the_reset_form_itself_is_not_counted(client, db):
    for _ in range(15):
        assert client.get(reverse("password_reset"), REMOTE_ADDR=COMMUNE_ADDRESS).status_code == 200


COUNT_IN_ONE_WORKER = """
import django
django.setup()
from security.rate_limit import seconds_to_wait
print(sum(1 for _ in range(20) if seconds_to_wait("certificate_verify", "203.113.131.10") == 0))
"""


def _redis_answers():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_with_the_production_cache_two_workers_share_one_count():
    environment = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}},
        "DJANGO_SETTINGS_MODULE": "elearning.settings",
        "SECRET_KEY": "rate-limit-test-" + "k" * 40,
        "ALLOWED_HOSTS": "kynangso.example.vn",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        # This test's own keys, in a database of its own.
        "CACHE_KEY_PREFIX": f"kns-test-{uuid.uuid4().hex}",
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", COUNT_IN_ONE_WORKER],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    allowed = [int(worker.communicate(timeout=60)[0].strip()) for worker in workers]

    # 40 requests from one address over two processes: 30 let through in all, not 20 + 20.
    assert sum(allowed) == 30
