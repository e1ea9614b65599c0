"""An HR officer sees and changes only the officers of their own unit and the units under it."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from officers import roles
from officers.models import Officer
from tests.factories import OfficerFactory, logged_in, officer_with_role, unit


@pytest.fixture
def officers(dien_bien):
    """Two officers in Na Sang (03172), one in Mường Tùng (03181)."""
    return {
        "na_sang_1": OfficerFactory(full_name="Lò Văn Pánh", unit=unit("03172")),
        "na_sang_2": OfficerFactory(full_name="Quàng Thị Ơn", unit=unit("03172")),
        "muong_tung": OfficerFactory(full_name="Giàng A Chứ", unit=unit("03181")),
    }


def test_hr_of_one_commune_lists_only_officers_of_that_commune(client, hr_na_sang, officers):
    response = logged_in(client, hr_na_sang).get(reverse("officer:index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lò Văn Pánh" in page
    assert "Quàng Thị Ơn" in page
    assert "Giàng A Chứ" not in page


def test_hr_of_the_province_lists_officers_of_all_its_communes(client, hr_province, officers):
    page = logged_in(client, hr_province).get(reverse("officer:index")).content.decode()
    for name in ("Lò Văn Pánh", "Quàng Thị Ơn", "Giàng A Chứ"):
        assert name in page


@pytest.mark.parametrize("view", ["officer:edit", "officer:history", "officer:usage"])
def test_hr_of_one_commune_cannot_open_an_officer_of_another_commune(
    client, hr_na_sang, officers, view
):
    other = officers["muong_tung"]
    response = logged_in(client, hr_na_sang).get(reverse(view, args=[other.pk]))
    assert response.status_code == 404
    own = officers["na_sang_1"]
    assert client.get(reverse(view, args=[own.pk])).status_code == 200


def test_hr_of_one_commune_cannot_change_an_officer_of_another_commune(
    client, hr_na_sang, officers
):
    other = officers["muong_tung"]
    response = logged_in(client, hr_na_sang).post(
        reverse("officer:edit", args=[other.pk]),
        {"full_name": "Tên Bị Đổi", "unit": unit("03172").pk},
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.full_name == "Giàng A Chứ"


def test_hr_cannot_move_an_officer_into_a_unit_outside_their_area(client, hr_na_sang, officers):
    own = officers["na_sang_1"]
    response = logged_in(client, hr_na_sang).post(
        reverse("officer:edit", args=[own.pk]),
        {"full_name": own.full_name, "unit": unit("03181").pk},
    )
    assert response.status_code == 200  # the form comes back with an error
    own.refresh_from_db()
    assert own.unit.code == "03172"


def test_hr_cannot_delete_officers(client, hr_na_sang, officers):
    own = officers["na_sang_1"]
    response = logged_in(client, hr_na_sang).post(reverse("officer:delete", args=[own.pk]))
    assert response.status_code in (302, 403)
    assert Officer.objects.filter(pk=own.pk).exists()


def exported_names(response, file_format):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    return {row[0] for row in rows[1:]}


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_hr_of_one_commune_cannot_export_another_commune(client, hr_na_sang, officers, file_format):
    response = logged_in(client, hr_na_sang).get(reverse("officer:index"), {"export": file_format})
    assert response.status_code == 200
    names = exported_names(response, file_format)
    assert {"Lò Văn Pánh", "Quàng Thị Ơn"} <= names
    assert "Giàng A Chứ" not in names


def test_unit_filter_offers_only_units_in_the_hr_area(client, hr_na_sang, officers):
    response = logged_in(client, hr_na_sang).get(
        reverse("officer:index"), {"unit": unit("03181").pk}
    )
    page = response.content.decode()
    assert "Giàng A Chứ" not in page
    assert "Xã Na Sang (03172)" in page  # offered in the unit filter
    assert "Xã Mường Tùng (03181)" not in page


def test_hr_creates_an_officer_with_a_login_in_their_commune(client, hr_na_sang, dien_bien):
    response = logged_in(client, hr_na_sang).post(
        reverse("officer:add"),
        {
            "username": "lo.thi.xuan",
            "full_name": "Lò Thị Xuân",
            "unit": unit("03172").pk,
            "email": "xuan@example.vn",
            "phone": "091 234 5678",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    officer = Officer.objects.get(user__username="lo.thi.xuan")
    assert officer.phone == "0912345678"
    assert roles.has_role(officer.user, roles.LEARNER)
    assert not officer.user.has_usable_password()


def test_learner_cannot_reach_the_officer_admin(client, learner, officers):
    response = logged_in(client, learner).get(reverse("officer:index"))
    assert response.status_code in (302, 403)
    assert "Giàng A Chứ" not in response.content.decode()


def test_trainer_cannot_list_officers(client, trainer, officers):
    response = logged_in(client, trainer).get(reverse("officer:index"))
    assert response.status_code in (302, 403)


def test_administrator_sees_every_officer(client, administrator, officers):
    page = logged_in(client, administrator).get(reverse("officer:index")).content.decode()
    for name in ("Lò Văn Pánh", "Quàng Thị Ơn", "Giàng A Chứ"):
        assert name in page


def test_hr_officer_without_a_profile_sees_nobody(client, dien_bien, officers):
    hr = officer_with_role(roles.HR, "03172", username="hr.tmp").user
    hr.officer.delete()
    response = logged_in(client, hr).get(reverse("officer:index"))
    assert "Lò Văn Pánh" not in response.content.decode()


def test_hr_cannot_edit_an_administrator_of_their_own_commune(client, hr_na_sang, dien_bien):
    admin = officer_with_role(roles.ADMINISTRATOR, "03172", username="quantri.nasang")
    client = logged_in(client, hr_na_sang)
    assert client.get(reverse("officer:edit", args=[admin.pk])).status_code == 404
    response = client.post(
        reverse("officer:edit", args=[admin.pk]),
        {"full_name": admin.full_name, "unit": unit("03172").pk, "email": "hr@example.vn"},
    )
    assert response.status_code == 404
    admin.refresh_from_db()
    assert admin.email != "hr@example.vn"
