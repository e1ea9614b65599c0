"""An officer without email gets a first password from a one-time activation code that HR of
their area issues (a printed slip), enters with their username on the public activation page."""

import datetime as dt
import re

import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import Action, AuditEntry
from officers import activation, roles
from officers.models import ActivationCode
from tests.factories import (
    OfficerFactory,
    UserFactory,
    logged_in,
    officer_with_role,
    unit,
)

NEW_PASSWORD = "Chon-mat-khau-2026!"


@pytest.fixture
def newcomer(dien_bien):
    """An officer HR added without email and without password."""
    user = UserFactory(username="lo.van.moi", email="")
    user.set_unusable_password()
    user.save()
    return OfficerFactory(user=user, unit=unit("03172"), email="")


def issue_by_hr(client, hr, officer):
    response = logged_in(client, hr).post(reverse("officer_activation_code", args=[officer.pk]))
    client.logout()
    return response


def code_on(response):
    return re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", response.content.decode()).group(1)


def activate(client, username, code, password=NEW_PASSWORD, again=None):
    return client.post(
        reverse("activate_account"),
        {
            "username": username,
            "code": code,
            "new_password1": password,
            "new_password2": again or password,
        },
    )


def test_hr_prints_a_slip_and_the_officer_sets_a_first_password(client, hr_na_sang, newcomer):
    with translation.override("vi"):
        slip = issue_by_hr(client, hr_na_sang, newcomer)
    assert slip.status_code == 200
    text = slip.content.decode()
    assert "Phiếu kích hoạt tài khoản" in text and "lo.van.moi" in text
    code = code_on(slip)
    assert set(code.replace("-", "")) <= set(activation.ALPHABET)

    response = activate(client, "lo.van.moi", code.lower().replace("-", " "))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.login(username="lo.van.moi", password=NEW_PASSWORD)
    assert not ActivationCode.objects.filter(user=newcomer.user).exists()


def test_the_login_page_links_to_the_activation_page(client, db):
    assert reverse("activate_account") in client.get(reverse("login")).content.decode()


def test_the_code_is_stored_hashed_only(client, hr_na_sang, newcomer):
    code = code_on(issue_by_hr(client, hr_na_sang, newcomer))
    stored = ActivationCode.objects.get(user=newcomer.user)
    assert activation.normalize(code) not in stored.code_hash
    assert check_password(activation.normalize(code), stored.code_hash)


def test_a_code_works_once(client, hr_na_sang, newcomer):
    code = code_on(issue_by_hr(client, hr_na_sang, newcomer))
    assert activate(client, "lo.van.moi", code).status_code == 302
    response = activate(client, "lo.van.moi", code, password="Mot-mat-khau-khac-2026!")
    assert response.status_code == 200
    assert client.login(username="lo.van.moi", password=NEW_PASSWORD)


def test_issuing_a_new_code_voids_the_old_one(client, hr_na_sang, newcomer):
    old = code_on(issue_by_hr(client, hr_na_sang, newcomer))
    new = code_on(issue_by_hr(client, hr_na_sang, newcomer))
    assert activate(client, "lo.van.moi", old).status_code == 200
    assert activate(client, "lo.van.moi", new).status_code == 302


def test_a_code_expires_after_fourteen_days(client, hr_na_sang, newcomer):
    code = code_on(issue_by_hr(client, hr_na_sang, newcomer))
    stored = ActivationCode.objects.get(user=newcomer.user)
    assert stored.expires_at - stored.issued_at == dt.timedelta(days=14)
    ActivationCode.objects.filter(pk=stored.pk).update(expires_at=timezone.now())
    response = activate(client, "lo.van.moi", code)
    assert "đã hết hạn" in response.content.decode()
    assert not newcomer.user.__class__.objects.get(pk=newcomer.user.pk).has_usable_password()


def test_wrong_guesses_void_the_code(client, hr_na_sang, newcomer):
    code = code_on(issue_by_hr(client, hr_na_sang, newcomer))
    for _ in range(activation.MAX_FAILED_ATTEMPTS):
        assert activate(client, "lo.van.moi", "AAAA-AAAA").status_code == 200
    assert activate(client, "lo.van.moi", code).status_code == 200
    assert not ActivationCode.objects.filter(user=newcomer.user).exists()


def test_the_password_must_pass_the_password_validators(client, hr_na_sang, newcomer):
    code = code_on(issue_by_hr(client, hr_na_sang, newcomer))
    response = activate(client, "lo.van.moi", code, password="123")
    assert response.status_code == 200
    assert response.context["form"].errors["new_password1"]
    assert ActivationCode.objects.filter(user=newcomer.user).exists()


def test_hr_of_another_commune_cannot_issue_a_code(client, hr_muong_tung, newcomer):
    response = issue_by_hr(client, hr_muong_tung, newcomer)
    assert response.status_code == 404
    assert not ActivationCode.objects.exists()


def test_hr_of_the_province_may_issue_a_code(client, hr_province, newcomer):
    assert issue_by_hr(client, hr_province, newcomer).status_code == 200


def test_hr_cannot_issue_a_code_for_a_staff_account(client, hr_province, dien_bien):
    reviewer = officer_with_role(roles.REVIEWER, "03172", username="kiemduyet.nasang")
    assert issue_by_hr(client, hr_province, reviewer).status_code == 404


def test_issuing_and_using_a_code_are_in_the_audit_log(client, hr_na_sang, newcomer):
    code = code_on(issue_by_hr(client, hr_na_sang, newcomer))
    activate(client, "lo.van.moi", code)
    issued = AuditEntry.objects.get(action=Action.ACTIVATION_CODE_ISSUED)
    assert (issued.actor, issued.unit, issued.object_id) == (
        hr_na_sang,
        unit("03172"),
        str(newcomer.user.pk),
    )
    assert code not in str(issued.details)
    assert AuditEntry.objects.filter(action=Action.ACCOUNT_ACTIVATED).count() == 1


def test_the_officer_form_no_longer_promises_an_email(client, hr_na_sang):
    text = logged_in(client, hr_na_sang).get(reverse("officer:add")).content.decode()
    assert "cấp mã kích hoạt" in text
