"""The one visibility rule (officers.roles.visible_to) that every scoped list applies:
administrators see every row, HR the rows of their unit and the units under it, anyone else
nothing, whichever way a row reaches its unit."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q

from officers.models import Officer
from officers.roles import visible_to
from tests.factories import OfficerFactory, unit
from units.models import AdministrativeUnit

pytestmark = pytest.mark.django_db

PEOPLE = {"Lò Văn Pánh": "03172", "Giàng A Chứ": "03181"}


@pytest.fixture
def people(dien_bien):
    return {name: OfficerFactory(full_name=name, unit=unit(code)) for name, code in PEOPLE.items()}


def names(queryset):
    return set(queryset.filter(full_name__in=PEOPLE).values_list("full_name", flat=True))


def test_an_administrator_sees_every_row(administrator, people):
    everyone = Officer.objects.all()
    assert visible_to(administrator, everyone).count() == everyone.count()
    assert names(visible_to(administrator, everyone)) == set(PEOPLE)


def test_hr_see_their_unit_and_the_units_under_it(hr_na_sang, hr_province, people):
    assert names(visible_to(hr_na_sang, Officer.objects.all())) == {"Lò Văn Pánh"}
    assert names(visible_to(hr_province, Officer.objects.all())) == set(PEOPLE)


@pytest.mark.parametrize("user", ["trainer", "learner"])
def test_anyone_else_sees_nothing(request, user, people):
    user = request.getfixturevalue(user)
    assert not visible_to(user, Officer.objects.all()).exists()
    assert not visible_to(user, Officer.objects.all(), also=Q(pk=user.officer.pk)).exists()


def test_the_unit_may_be_reached_through_a_relation_or_be_the_row_itself(hr_na_sang, people):
    users = visible_to(hr_na_sang, get_user_model().objects.all(), unit_path="officer__unit")
    assert people["Lò Văn Pánh"].user in users
    assert people["Giàng A Chứ"].user not in users
    units = visible_to(hr_na_sang, AdministrativeUnit.objects.current(), unit_path="")
    assert list(units.values_list("code", flat=True)) == ["03172"]


def test_rows_matching_also_are_added_to_hr_s_area(hr_na_sang, people):
    outside = people["Giàng A Chứ"]
    visible = visible_to(hr_na_sang, Officer.objects.all(), also=Q(pk=outside.pk))
    assert names(visible) == set(PEOPLE)
