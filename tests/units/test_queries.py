"""Dated units, unit trees, and which officers each user may see."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from officers import roles
from officers.models import Officer
from tests.factories import OfficerFactory, UserFactory
from units.models import REFORM_2025, AdministrativeUnit, Level

# Fixtures are also requested by name (getfixturevalue): mark the database use up front, so that
# pytest-django runs these tests before the transactional browser tests that flush the database.
pytestmark = pytest.mark.django_db

LAST_DAY_BEFORE = datetime.date(2025, 6, 30)


def new_unit(code, level=Level.COMMUNE):
    return AdministrativeUnit.objects.get(level=level, code=code, valid_from=REFORM_2025)


def old_unit(code, level=Level.COMMUNE):
    return AdministrativeUnit.objects.get(level=level, code=code, valid_to=LAST_DAY_BEFORE)


def codes(queryset):
    return set(queryset.values_list("code", flat=True))


# --- AdministrativeUnit.objects.current(on=...) -----------------------------------------------


def test_current_on_the_last_day_before_the_reform_gives_the_old_three_tier_units(dien_bien):
    before = AdministrativeUnit.objects.current(on=LAST_DAY_BEFORE)
    assert before.provinces().count() == 1
    assert before.filter(level=Level.DISTRICT).count() == 10
    assert before.communes().count() == 129
    assert not before.filter(valid_from=REFORM_2025).exists()
    assert before.get(code="03172").name.casefold() == "thị trấn mường chà"


def test_current_on_the_reform_day_gives_only_the_new_two_tier_units(dien_bien):
    after = AdministrativeUnit.objects.current(on=REFORM_2025)
    assert after.provinces().count() == 1
    assert not after.filter(level=Level.DISTRICT).exists()
    assert after.communes().count() == 45
    assert after.get(code="03172").name == "Xã Na Sang"


def test_current_without_a_date_means_today(dien_bien):
    today = AdministrativeUnit.objects.current()
    assert set(today) == set(AdministrativeUnit.objects.current(on=datetime.date.today()))
    assert today.count() == 46
    assert all(unit.is_current for unit in today)
    assert not old_unit("03172").is_current
    assert new_unit("03172").is_current


def test_current_gives_nothing_before_a_unit_started(dien_bien):
    assert (
        not AdministrativeUnit.objects.current(on=datetime.date(2025, 6, 30))
        .filter(code="03166", valid_from=REFORM_2025)
        .exists()
    )
    # Old units have no known start date: they count as in force on any earlier date.
    assert AdministrativeUnit.objects.current(on=datetime.date(2004, 1, 1)).count() == 140


# --- .within(unit) and .contains() -------------------------------------------------------------


def test_within_the_new_province_gives_the_province_and_its_45_communes_only(dien_bien):
    province = new_unit("11", Level.PROVINCE)
    tree = AdministrativeUnit.objects.within(province)
    assert tree.count() == 46
    assert province in tree
    assert not tree.filter(valid_to=LAST_DAY_BEFORE).exists()


def test_within_the_old_province_reaches_communes_two_levels_down(dien_bien):
    tree = AdministrativeUnit.objects.within(old_unit("11", Level.PROVINCE))
    assert tree.count() == 1 + 10 + 129
    assert old_unit("03196") in tree
    assert new_unit("03181") not in tree


def test_within_an_old_district_gives_the_district_and_its_12_communes(dien_bien):
    tree = AdministrativeUnit.objects.within(old_unit("097", Level.DISTRICT))
    assert codes(tree.communes()) == {
        "03172", "03178", "03181", "03190", "03191", "03193",
        "03194", "03196", "03197", "03200", "03201", "03202",
    }  # fmt: skip
    assert tree.count() == 13
    assert not tree.filter(valid_from=REFORM_2025).exists()


def test_within_a_commune_is_the_commune_alone(dien_bien):
    na_sang = new_unit("03172")
    assert list(AdministrativeUnit.objects.within(na_sang)) == [na_sang]


def test_a_province_contains_itself_and_its_communes_but_not_the_other_way(dien_bien):
    province, na_sang = new_unit("11", Level.PROVINCE), new_unit("03172")
    assert province.contains(province)
    assert province.contains(na_sang)
    assert not na_sang.contains(province)
    assert not na_sang.contains(new_unit("03181"))


def test_an_old_province_contains_its_old_communes_through_their_district(dien_bien):
    old_province, old_town = old_unit("11", Level.PROVINCE), old_unit("03172")
    assert old_province.contains(old_town)
    assert old_unit("097", Level.DISTRICT).contains(old_town)
    assert not old_unit("094", Level.DISTRICT).contains(old_town)


def test_a_unit_does_not_contain_the_unit_of_another_period_with_the_same_code(dien_bien):
    assert not new_unit("11", Level.PROVINCE).contains(old_unit("03172"))
    assert not old_unit("11", Level.PROVINCE).contains(new_unit("03172"))
    assert not new_unit("03172").contains(old_unit("03172"))


# --- Officer.objects.in_unit() and visible_to() -------------------------------------------------


@pytest.fixture
def lai_chau(dien_bien):
    return AdministrativeUnit.objects.create(
        level=Level.PROVINCE, code="12", name="Tỉnh Lai Châu", kind="Tỉnh", valid_from=REFORM_2025
    )


@pytest.fixture
def staff(dien_bien, lai_chau):
    """Officers of two communes and of the province of Điện Biên, and one of Lai Châu."""
    return {
        "na_sang": OfficerFactory(full_name="Lò Văn Ánh", unit=new_unit("03172")),
        "muong_tung": OfficerFactory(full_name="Quàng Thị Ơn", unit=new_unit("03181")),
        "province": OfficerFactory(full_name="Đỗ Minh Đức", unit=new_unit("11", Level.PROVINCE)),
        "lai_chau": OfficerFactory(full_name="Vừ A Dính", unit=lai_chau),
    }


def names(queryset):
    return set(queryset.values_list("full_name", flat=True))


def test_officers_in_a_province_include_its_communes_and_the_province_itself(staff):
    in_province = Officer.objects.in_unit(new_unit("11", Level.PROVINCE))
    assert names(in_province) == {"Lò Văn Ánh", "Quàng Thị Ơn", "Đỗ Minh Đức"}


def test_officers_in_a_commune_exclude_other_communes_and_the_province(staff):
    assert names(Officer.objects.in_unit(new_unit("03172"))) == {"Lò Văn Ánh"}
    assert names(Officer.objects.in_unit(new_unit("03181"))) == {"Quàng Thị Ơn"}


def test_officers_left_in_an_old_commune_are_in_its_old_province_two_levels_up(staff):
    # Units are chosen among those in force, but records from before the reform may remain.
    stale = OfficerFactory(full_name="Giàng A Chứ", unit=old_unit("03196"))
    old_province = old_unit("11", Level.PROVINCE)
    assert list(Officer.objects.in_unit(old_province)) == [stale]
    assert list(Officer.objects.in_unit(old_unit("097", Level.DISTRICT))) == [stale]
    assert stale not in Officer.objects.in_unit(new_unit("11", Level.PROVINCE))


def test_officers_of_new_communes_are_not_in_the_old_district_that_had_the_same_codes(staff):
    assert not Officer.objects.in_unit(old_unit("097", Level.DISTRICT)).exists()
    assert not Officer.objects.in_unit(old_unit("03172")).exists()


def test_hr_of_a_commune_sees_only_officers_of_that_commune(staff, hr_na_sang):
    visible = Officer.objects.visible_to(hr_na_sang)
    assert names(visible) == {"Lò Văn Ánh", hr_na_sang.officer.full_name}
    assert set(visible.values_list("unit__code", flat=True)) == {"03172"}


def test_hr_of_another_commune_does_not_see_na_sang(staff, hr_muong_tung):
    visible = Officer.objects.visible_to(hr_muong_tung)
    assert names(visible) == {"Quàng Thị Ơn", hr_muong_tung.officer.full_name}


def test_hr_of_the_province_sees_all_officers_of_province_11_and_no_others(staff, hr_province):
    visible = Officer.objects.visible_to(hr_province)
    assert names(visible) == {
        "Lò Văn Ánh",
        "Quàng Thị Ơn",
        "Đỗ Minh Đức",
        hr_province.officer.full_name,
    }
    assert "Vừ A Dính" not in names(visible)


def test_an_administrator_sees_every_officer_in_every_province(staff, administrator):
    visible = Officer.objects.visible_to(administrator)
    assert visible.count() == Officer.objects.count() == 5
    assert "Vừ A Dính" in names(visible)


def test_a_superuser_without_a_role_or_officer_record_sees_every_officer(staff):
    superuser = get_user_model().objects.create_superuser("root", "root@example.vn", "x")
    assert Officer.objects.visible_to(superuser).count() == Officer.objects.count()


@pytest.mark.parametrize("role_user", ["learner", "trainer"])
def test_learners_and_trainers_see_no_officers(staff, request, role_user):
    user = request.getfixturevalue(role_user)
    assert not Officer.objects.visible_to(user).exists()


def test_an_hr_account_without_an_officer_record_sees_no_officers(staff):
    user = UserFactory(username="hr.khongdonvi", role=roles.HR)
    assert not Officer.objects.visible_to(user).exists()


def test_an_anonymous_visitor_sees_no_officers(staff):
    assert not Officer.objects.visible_to(AnonymousUser()).exists()
