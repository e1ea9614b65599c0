"""The roles' permissions, and the rules HR scoping is built on."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group

from officers import roles
from tests.factories import UserFactory
from units.models import REFORM_2025, AdministrativeUnit, Level

# Fixtures are also requested by name (getfixturevalue): mark the database use up front, so that
# pytest-django runs these tests before the transactional browser tests that flush the database.
pytestmark = pytest.mark.django_db


def permissions_of(role):
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(name=role).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def unit(code, level=Level.COMMUNE):
    return AdministrativeUnit.objects.current().get(level=level, code=code)


def fresh(user):
    """The same account read again, as a new request would see it."""
    return get_user_model().objects.get(pk=user.pk)


# --- Groups and permissions (officers.role_groups keeps them after each migrate) ---------------


def test_the_migration_created_the_four_role_groups(db):
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Learner", "Trainer", "HR", "Administrator"} <= names
    assert (roles.LEARNER, roles.TRAINER, roles.HR, roles.ADMINISTRATOR) == (
        "Learner",
        "Trainer",
        "HR",
        "Administrator",
    )


@pytest.mark.parametrize("role", list(roles.PERMISSIONS))
def test_each_group_has_exactly_the_permissions_of_its_role(db, role):
    wanted = {f"{app_label}.{codename}" for app_label, codename in roles.PERMISSIONS[role]}
    assert permissions_of(role) == wanted


@pytest.mark.parametrize(
    ("role", "can_open_admin"),
    [
        (roles.LEARNER, False),
        (roles.TRAINER, True),
        (roles.HR, True),
        (roles.ADMINISTRATOR, True),
    ],
)
def test_only_learners_cannot_open_the_wagtail_admin(db, role, can_open_admin):
    assert ("wagtailadmin.access_admin" in permissions_of(role)) is can_open_admin
    user = UserFactory(username=f"nguoidung.{role.lower()}", role=role)
    assert fresh(user).has_perm("wagtailadmin.access_admin") is can_open_admin


def test_a_learner_has_no_permissions_at_all(db):
    assert permissions_of(roles.LEARNER) == set()
    user = fresh(UserFactory(username="hocvien", role=roles.LEARNER))
    assert user.get_all_permissions() == set()


def test_hr_can_import_view_add_and_change_officers_but_not_delete_them(db):
    hr = fresh(UserFactory(username="nhansu", role=roles.HR))
    for permission in (
        "officers.import_officers",
        "officers.view_officer",
        "officers.add_officer",
        "officers.change_officer",
    ):
        assert hr.has_perm(permission), permission
    assert not hr.has_perm("officers.delete_officer")
    assert not hr.has_perm("auth.change_user")
    assert not hr.has_perm("units.view_administrativeunit")


def test_trainers_manage_images_and_documents_but_not_officers(db):
    trainer = fresh(UserFactory(username="giangvien", role=roles.TRAINER))
    assert trainer.has_perm("wagtailimages.add_image")
    assert trainer.has_perm("wagtaildocs.add_document")
    assert not trainer.has_perm("officers.view_officer")
    assert not trainer.has_perm("officers.import_officers")


@pytest.mark.parametrize(
    "role, can_add", [(roles.TRAINER, True), (roles.ADMINISTRATOR, True), (roles.REVIEWER, False)]
)
def test_media_permissions_hold_in_every_collection(db, role, can_add):
    # Wagtail checks image and document permissions per collection, not on the group alone.
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Collection
    from wagtail.permissions import policy_registry

    image_policy = policy_registry.get_by_type(get_image_model())
    document_policy = policy_registry.get_by_type(get_document_model())

    user = fresh(UserFactory(username="nguoidung", role=role))
    child = Collection.get_first_root_node().add_child(name="Bài học chữ ký số")
    for policy in (image_policy, document_policy):
        assert policy.user_has_permission(user, "add") is can_add
        assert (child in policy.collections_user_has_permission_for(user, "add")) is can_add
        assert policy.user_has_permission(user, "choose")


def test_administrators_can_delete_officers_and_manage_accounts(db):
    admin = fresh(UserFactory(username="quantri", role=roles.ADMINISTRATOR))
    for permission in (
        "officers.delete_officer",
        "officers.import_officers",
        "auth.change_user",
        "auth.change_group",
        "units.view_administrativeunit",
    ):
        assert admin.has_perm(permission), permission


# --- role_names, is_administrator, hr_scope_of --------------------------------------------------


def test_role_names_are_read_from_the_database_once_per_user_object(
    hr_na_sang, django_assert_num_queries
):
    user = fresh(hr_na_sang)
    with django_assert_num_queries(1):
        assert roles.role_names(user) == {roles.HR}
        assert roles.has_role(user, roles.HR)
        assert not roles.has_role(user, roles.ADMINISTRATOR)


def test_an_anonymous_visitor_has_no_roles():
    assert roles.role_names(AnonymousUser()) == frozenset()
    assert not roles.has_role(AnonymousUser(), roles.LEARNER)


@pytest.mark.parametrize(
    ("user_fixture", "expected"),
    [
        ("administrator", True),
        ("hr_province", False),
        ("hr_na_sang", False),
        ("trainer", False),
        ("learner", False),
    ],
)
def test_only_the_administrator_role_makes_an_administrator(request, user_fixture, expected):
    assert roles.is_administrator(fresh(request.getfixturevalue(user_fixture))) is expected


def test_a_superuser_is_an_administrator_without_the_role(db):
    superuser = get_user_model().objects.create_superuser("root", "root@example.vn", "x")
    assert roles.role_names(superuser) == frozenset()
    assert roles.is_administrator(superuser)


def test_an_anonymous_visitor_is_not_an_administrator():
    assert not roles.is_administrator(AnonymousUser())


def test_the_hr_scope_is_the_unit_of_the_hr_officer(hr_na_sang, hr_province):
    assert roles.hr_scope_of(fresh(hr_na_sang)) == unit("03172")
    assert roles.hr_scope_of(fresh(hr_province)) == unit("11", Level.PROVINCE)


@pytest.mark.parametrize("user_fixture", ["administrator", "trainer", "learner"])
def test_users_without_the_hr_role_have_no_hr_scope(request, user_fixture):
    user = fresh(request.getfixturevalue(user_fixture))
    assert user.officer.unit is not None
    assert roles.hr_scope_of(user) is None


def test_an_hr_account_without_an_officer_record_has_no_hr_scope(db):
    user = fresh(UserFactory(username="hr.khongdonvi", role=roles.HR))
    assert roles.hr_scope_of(user) is None


def test_an_anonymous_visitor_has_no_hr_scope():
    assert roles.hr_scope_of(AnonymousUser()) is None


# --- can_manage --------------------------------------------------------------------------------


@pytest.fixture
def lai_chau(dien_bien):
    return AdministrativeUnit.objects.create(
        level=Level.PROVINCE, code="12", name="Tỉnh Lai Châu", kind="Tỉnh", valid_from=REFORM_2025
    )


def test_hr_of_a_commune_manages_only_that_commune(hr_na_sang, lai_chau):
    user = fresh(hr_na_sang)
    assert roles.can_manage(user, unit("03172"))
    assert not roles.can_manage(user, unit("03181"))
    assert not roles.can_manage(user, unit("11", Level.PROVINCE))
    assert not roles.can_manage(user, lai_chau)


def test_hr_of_the_province_manages_the_province_and_all_its_communes(hr_province, lai_chau):
    user = fresh(hr_province)
    assert roles.can_manage(user, unit("11", Level.PROVINCE))
    province = unit("11", Level.PROVINCE)
    communes = list(AdministrativeUnit.objects.current().filter(parent=province))
    assert len(communes) == 45
    assert all(roles.can_manage(user, commune) for commune in communes)
    assert not roles.can_manage(user, lai_chau)


def test_hr_of_the_new_province_does_not_manage_old_units_with_the_same_codes(hr_province):
    old_town = AdministrativeUnit.objects.get(level=Level.COMMUNE, code="03172", valid_from=None)
    assert not roles.can_manage(fresh(hr_province), old_town)


def test_an_administrator_manages_every_unit(administrator, lai_chau):
    user = fresh(administrator)
    assert roles.can_manage(user, lai_chau)
    assert roles.can_manage(user, unit("03181"))


@pytest.mark.parametrize("user_fixture", ["trainer", "learner"])
def test_trainers_and_learners_manage_no_unit_not_even_their_own(request, user_fixture):
    user = fresh(request.getfixturevalue(user_fixture))
    assert not roles.can_manage(user, user.officer.unit)
    assert not roles.can_manage(user, unit("11", Level.PROVINCE))


def test_an_anonymous_visitor_manages_no_unit(dien_bien):
    assert not roles.can_manage(AnonymousUser(), unit("03172"))
