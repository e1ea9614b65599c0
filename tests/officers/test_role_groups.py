"""The role groups follow the role table (officers.roles.PERMISSIONS) after every migrate, and no
migration reads today's role table (officers.role_groups)."""

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from wagtail.models import Collection, GroupCollectionPermission

from officers import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def permissions_of(group_name):
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(name=group_name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def role_table():
    return {
        role: {f"{app_label}.{codename}" for app_label, codename in pairs}
        for role, pairs in roles.PERMISSIONS.items()
    }


def groups_now():
    return {role: permissions_of(role) for role in roles.PERMISSIONS}


def root_collection_grants(group_name):
    return set(
        GroupCollectionPermission.objects.filter(
            group__name=group_name, collection=Collection.get_first_root_node()
        ).values_list("permission__codename", flat=True)
    )


def permission(label):
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def test_after_migrate_the_groups_hold_exactly_the_role_table():
    assert groups_now() == role_table()


def test_every_permission_the_role_table_names_exists_after_migrate():
    # A typo in the table, or an app whose permissions come too late, would otherwise only
    # leave the role short of a right.
    named = {label for labels in role_table().values() for label in labels}
    existing = {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list(
            "content_type__app_label", "codename"
        )
    }
    assert named - existing == set()


def test_the_next_migrate_puts_back_permissions_someone_changed_by_hand():
    hr = Group.objects.get(name=roles.HR)
    hr.permissions.remove(permission("reports.view_reports"))
    hr.permissions.add(permission("officers.delete_officer"))
    Group.objects.get(name=roles.TRAINER).permissions.clear()
    Group.objects.get(name=roles.REVIEWER).delete()

    call_command("migrate", verbosity=0)

    assert groups_now() == role_table()


def test_the_next_migrate_puts_back_media_rights_on_the_root_collection():
    GroupCollectionPermission.objects.filter(group__name=roles.TRAINER).delete()
    GroupCollectionPermission.objects.create(
        group=Group.objects.get(name=roles.REVIEWER),
        collection=Collection.get_first_root_node(),
        permission=permission("wagtailimages.add_image"),
    )

    call_command("migrate", verbosity=0)

    assert root_collection_grants(roles.TRAINER) == {
        "add_image",
        "change_image",
        "choose_image",
        "add_document",
        "change_document",
        "choose_document",
    }
    assert root_collection_grants(roles.REVIEWER) == {"choose_image", "choose_document"}


def test_a_group_that_is_not_a_role_is_left_as_it_is():
    own = Group.objects.create(name="Ban chỉ đạo chuyển đổi số")
    own.permissions.add(permission("officers.view_officer"))

    call_command("migrate", verbosity=0)

    assert permissions_of(own.name) == {"officers.view_officer"}


def test_members_keep_their_groups_across_a_migrate():
    user = UserFactory(username="nhansu", role=roles.HR)

    call_command("migrate", verbosity=0)

    assert list(user.groups.values_list("name", flat=True)) == [roles.HR]


def migration_files():
    return sorted(
        path
        for path in ROOT.glob("**/migrations/[0-9]*.py")
        if ".venv" not in path.parts and "node_modules" not in path.parts
    )


def project_packages():
    return {path.parent.name for path in ROOT.glob("*/__init__.py")}


def test_no_migration_imports_the_projects_code_other_than_models():
    """Generated migrations may name a model module's callables (upload paths, validators);
    anything else they import from the project would run today's code on an old schema."""
    ours = project_packages()
    found = []
    for path in migration_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                if name.split(".")[0] in ours and not name.endswith(".models"):
                    found.append(f"{path.relative_to(ROOT)}: {name}")
    assert migration_files(), "no migrations found"
    assert found == []
