"""The role groups are kept equal to the role table (officers.roles.PERMISSIONS) after every
migrate, as Django keeps permissions: migrations only create the groups by name.

A migration that synchronised the groups from the live table would, when replayed, apply
today's table to an old schema; a post_migrate handler runs once the schema is current.
Running it again puts back a group's permissions that someone changed by hand.
"""

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS

from .roles import COLLECTION_APPS, PERMISSIONS


def sync_role_groups(apps=global_apps, using=DEFAULT_DB_ALIAS):
    """Give each role group exactly its role's permissions, creating the group if missing.

    Groups that are not roles are left as they are. A permission the database does not hold
    (its app is migrated back past the model) is skipped; tests/officers/test_role_groups.py
    checks that after a full migrate none is.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = {pair for pairs in PERMISSIONS.values() for pair in pairs}
    existing = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in Permission.objects.using(using)
        .filter(codename__in={codename for _app_label, codename in wanted})
        .select_related("content_type")
    }
    for role, pairs in PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        permissions = [existing[pair] for pair in pairs if pair in existing]
        group.permissions.set(permissions)
        _grant_on_root_collection(apps, using, group, permissions)


def _grant_on_root_collection(apps, using, group, permissions):
    """Wagtail honours image and document permissions only per collection: grant the role's on
    the root collection, which covers every collection under it."""
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root = Collection.objects.using(using).filter(depth=1).first()
    if root is None:
        return
    media = [p for p in permissions if p.content_type.app_label in COLLECTION_APPS]
    granted = GroupCollectionPermission.objects.using(using).filter(group=group, collection=root)
    granted.exclude(permission__in=media).delete()
    for permission in media:
        granted.get_or_create(group=group, collection=root, permission=permission)


def sync_after_migrate(sender, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate receiver (connected in OfficersConfig.ready for the last app only)."""
    sync_role_groups(apps, using)


def last_migrated_app(app_registry):
    """The app whose post_migrate signal comes last.

    post_migrate is sent once per app with models, in INSTALLED_APPS order, and each app's
    permissions are created by its own signal (Django's for Meta permissions, Wagtail's for the
    snippets' publish and lock permissions): the roles need every app's, so they are
    synchronised on the last app's signal.
    """
    return [config for config in app_registry.get_app_configs() if config.models_module][-1]
