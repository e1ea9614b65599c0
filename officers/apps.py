from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class OfficersConfig(AppConfig):
    default = True  # this module holds another app's config too (UsersAppConfig)
    name = "officers"
    verbose_name = _("Officers")

    def ready(self):
        from . import role_groups

        post_migrate.connect(
            role_groups.sync_after_migrate,
            sender=role_groups.last_migrated_app(self.apps),
            dispatch_uid="officers.sync_role_groups",
        )

        # Role and account changes reach the audit log from every path (account_log.py).
        from . import account_log

        account_log.connect()


class UsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's users app with forms held to our username rules (officers.user_admin);
    INSTALLED_APPS names this class instead of "wagtail.users"."""

    default = False
    user_viewset = "officers.user_admin.AccountViewSet"
