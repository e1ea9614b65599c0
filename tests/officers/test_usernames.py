"""A username that looks like an existing one (`Quantri`, full-width `ｑｕａｎｔｒｉ`, a Cyrillic
`quantrі` beside `quantri`) is refused wherever an account is created or renamed, with a
message naming the existing account only to those who may see it."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from officers import roles
from officers.importing import import_officers
from officers.usernames import canonical
from tests.factories import OfficerFactory, UserFactory, logged_in, unit

LOOKALIKES = ["Quantri", "QUANTRI", "ｑｕａｎｔｒｉ"]
CYRILLIC = "quantr\u0456"  # Cyrillic small letter byelorussian-ukrainian i


@pytest.fixture
def quantri_in_na_sang(dien_bien):
    return OfficerFactory(user=UserFactory(username="quantri"), unit=unit("03172"))


def add_officer(client, username):
    return client.post(
        reverse("officer:add"),
        {"username": username, "full_name": "Người Mới", "unit": unit("03172").pk},
    )


def form_errors(response):
    return response.context["form"].errors.get("username", [])


def accounts_named_like(name):
    return [u for u in get_user_model().objects.all() if canonical(u.username) == name]


def test_canonical_folds_case_and_width_but_not_other_scripts():
    assert {canonical(name) for name in LOOKALIKES} == {"quantri"}
    assert canonical(CYRILLIC) != "quantri"


@pytest.mark.parametrize("username", LOOKALIKES)
def test_the_officer_form_refuses_a_lookalike_and_names_the_account_in_the_area(
    client, hr_na_sang, quantri_in_na_sang, username
):
    with translation.override("en"):
        response = add_officer(logged_in(client, hr_na_sang), username)
    assert response.status_code == 200
    (error,) = form_errors(response)
    assert "“quantri”" in error
    assert len(accounts_named_like("quantri")) == 1


def test_a_lookalike_of_an_account_outside_the_area_is_only_said_to_be_taken(
    client, hr_na_sang, dien_bien
):
    OfficerFactory(user=UserFactory(username="quantri"), unit=unit("03181"))
    response = add_officer(logged_in(client, hr_na_sang), "Quantri")
    (error,) = form_errors(response)
    assert error == "Tên đăng nhập “Quantri” đã có người dùng."


def test_the_officer_form_refuses_letters_of_another_script(client, hr_na_sang, dien_bien):
    with translation.override("vi"):
        response = add_officer(logged_in(client, hr_na_sang), CYRILLIC)
    (error,) = form_errors(response)
    assert "chữ cái Latinh" in error
    assert not get_user_model().objects.filter(username=CYRILLIC).exists()


def test_the_officer_form_still_creates_a_plain_new_username(client, hr_na_sang, dien_bien):
    response = add_officer(logged_in(client, hr_na_sang), "lo.van.moi")
    assert response.status_code == 302


def import_file(*names):
    rows = "".join(f"{name},Người Mới {n},03172\n" for n, name in enumerate(names))
    return f"ten_dang_nhap,ho_va_ten,ma_don_vi\n{rows}".encode()


@pytest.mark.parametrize("username", [*LOOKALIKES, CYRILLIC])
def test_an_import_refuses_a_lookalike_username(hr_na_sang, quantri_in_na_sang, username):
    with translation.override("en"):
        result = import_officers(import_file(username), "can-bo.csv", user=hr_na_sang)
        (problem,) = result.problems
        text = str(problem)
    assert problem.row == 2
    assert ("“quantri”" in text) if username != CYRILLIC else ("Latin letters" in text)
    assert len(accounts_named_like("quantri")) == 1


def test_an_import_refuses_two_rows_whose_usernames_differ_only_in_case(hr_na_sang):
    result = import_officers(import_file("canbo.moi", "Canbo.Moi"), "can-bo.csv", user=hr_na_sang)
    (problem,) = result.problems
    assert problem.row == 3
    assert not get_user_model().objects.filter(username__iexact="canbo.moi").exists()


def test_an_import_updates_an_existing_account_under_its_exact_name(hr_na_sang, quantri_in_na_sang):
    result = import_officers(import_file("quantri"), "can-bo.csv", user=hr_na_sang)
    assert result.ok, result.problems
    assert result.updated == 1


def wagtail_user_data(username, **extra):
    return {
        "username": username,
        "email": "moi@example.vn",
        "first_name": "Người",
        "last_name": "Mới",
        "password1": "Mat-khau-dai-2026!",
        "password2": "Mat-khau-dai-2026!",
        "groups": [Group.objects.get(name=roles.LEARNER).pk],
        **extra,
    }


def test_the_wagtail_user_form_refuses_a_lookalike(client, administrator, quantri_in_na_sang):
    client = logged_in(client, administrator)
    with translation.override("en"):
        response = client.post(
            reverse("wagtailusers_users:add"), wagtail_user_data("ｑｕａｎｔｒｉ")
        )
    assert response.status_code == 200
    assert "“quantri”" in " ".join(form_errors(response))
    assert len(accounts_named_like("quantri")) == 1


def test_renaming_an_account_to_a_lookalike_is_refused(client, administrator, quantri_in_na_sang):
    other = OfficerFactory(unit=unit("03172")).user
    client = logged_in(client, administrator)
    response = client.post(
        reverse("wagtailusers_users:edit", args=[other.pk]),
        wagtail_user_data("QuanTri", password1="", password2="", is_active="on"),
    )
    assert response.status_code == 200
    assert form_errors(response)
    other.refresh_from_db()
    assert other.username != "QuanTri"


def test_an_account_keeps_its_name_when_edited_for_something_else(
    client, administrator, quantri_in_na_sang
):
    user = quantri_in_na_sang.user
    response = logged_in(client, administrator).post(
        reverse("wagtailusers_users:edit", args=[user.pk]),
        wagtail_user_data("quantri", password1="", password2="", is_active="on"),
    )
    assert response.status_code == 302, form_errors(response)
