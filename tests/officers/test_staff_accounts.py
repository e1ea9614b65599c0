"""HR changes ordinary officers only: an account with a staff role (Trainer, Reviewer, HR,
Administrator) is not theirs to change, in their area or not, whether by the form or by an
import. Changes of an account's email, username or roles reach the audit log from every path."""

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import Action, AuditEntry
from officers import roles
from officers.importing import import_officers
from tests.factories import OfficerFactory, logged_in, officer_with_role, unit

STAFF_ROLES = [roles.TRAINER, roles.REVIEWER, roles.HR, roles.ADMINISTRATOR]


def edit_data(officer, **changes):
    return {"full_name": officer.full_name, "unit": officer.unit_id, **changes}


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_hr_cannot_change_the_email_of_a_staff_account_in_their_commune(client, hr_na_sang, role):
    staff = officer_with_role(role, "03172", username=f"staff.{role.lower()}")
    client = logged_in(client, hr_na_sang)
    url = reverse("officer:edit", args=[staff.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, edit_data(staff, email="hr-takeover@example.vn"))
    assert response.status_code == 404
    staff.user.refresh_from_db()
    assert staff.user.email != "hr-takeover@example.vn"


def test_a_password_reset_after_a_refused_change_goes_to_the_reviewer_only(client, hr_na_sang):
    reviewer = officer_with_role(roles.REVIEWER, "03172", username="kiemduyet.nasang")
    logged_in(client, hr_na_sang).post(
        reverse("officer:edit", args=[reviewer.pk]),
        edit_data(reviewer, email="hr-takeover@example.vn"),
    )
    client.logout()
    client.post(reverse("password_reset"), {"email": "hr-takeover@example.vn"})
    assert mail.outbox == []


def test_hr_of_the_province_cannot_change_an_hr_colleague_of_a_commune(client, hr_province):
    colleague = officer_with_role(roles.HR, "03172", username="hr.colleague")
    client = logged_in(client, hr_province)
    response = client.post(
        reverse("officer:edit", args=[colleague.pk]),
        edit_data(colleague, email="hr-takeover@example.vn"),
    )
    assert response.status_code == 404


def test_hr_still_changes_an_ordinary_officer_of_their_area(client, hr_na_sang):
    officer = OfficerFactory(unit=unit("03172"))
    response = logged_in(client, hr_na_sang).post(
        reverse("officer:edit", args=[officer.pk]),
        edit_data(officer, email="moi@example.vn"),
    )
    assert response.status_code == 302
    officer.user.refresh_from_db()
    assert officer.user.email == "moi@example.vn"


def import_row(username, unit_code="03172", email="hr-takeover@example.vn"):
    return (
        f"ten_dang_nhap,ho_va_ten,ma_don_vi,email\n{username},Người Được Nhập,{unit_code},{email}\n"
    ).encode()


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_an_import_row_cannot_take_over_a_staff_account_of_the_area(hr_province, role):
    staff = officer_with_role(role, "03172", username=f"staff.{role.lower()}")
    result = import_officers(import_row(staff.user.username), "can-bo.csv", user=hr_province)
    assert not result.ok
    assert "staff role" in str(result.problems[0]) or "vai trò" in str(result.problems[0])
    staff.user.refresh_from_db()
    assert staff.user.email != "hr-takeover@example.vn"


def test_an_administrator_may_import_over_a_staff_account(administrator):
    reviewer = officer_with_role(roles.REVIEWER, "03172", username="kiemduyet.nasang")
    result = import_officers(import_row("kiemduyet.nasang"), "can-bo.csv", user=administrator)
    assert result.ok, result.problems
    reviewer.user.refresh_from_db()
    assert reviewer.user.email == "hr-takeover@example.vn"


def test_an_email_changed_by_the_form_is_in_the_audit_log(client, hr_na_sang):
    officer = OfficerFactory(unit=unit("03172"))
    old = officer.user.email
    logged_in(client, hr_na_sang).post(
        reverse("officer:edit", args=[officer.pk]),
        edit_data(officer, email="moi@example.vn"),
    )
    entry = AuditEntry.objects.get(action=Action.ACCOUNT_CHANGED)
    assert entry.actor == hr_na_sang
    assert entry.unit == unit("03172")
    assert entry.details["email"] == [old, "moi@example.vn"]


def test_an_email_changed_by_an_import_is_in_the_audit_log(hr_na_sang):
    officer = OfficerFactory(unit=unit("03172"))
    result = import_officers(
        import_row(officer.user.username, email="moi@example.vn"), "can-bo.csv", user=hr_na_sang
    )
    assert result.ok, result.problems
    entry = AuditEntry.objects.get(action=Action.ACCOUNT_CHANGED)
    assert entry.actor == hr_na_sang
    assert entry.object_id == str(officer.user.pk)
    assert entry.details["email"][1] == "moi@example.vn"


def test_a_username_changed_anywhere_is_in_the_audit_log(dien_bien):
    officer = OfficerFactory(unit=unit("03172"))
    user = officer.user
    old = user.username
    user.username = "ten.moi"
    user.save()
    entry = AuditEntry.objects.get(action=Action.ACCOUNT_CHANGED)
    assert entry.details["username"] == [old, "ten.moi"]
