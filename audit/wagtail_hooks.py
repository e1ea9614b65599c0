from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from toolkit.admin_menu import PermissionMenuItem

from .views import PERMISSION, AuditLogView


@hooks.register("register_admin_urls")
def register_audit_urls():
    # A list and nothing else: there is no URL that adds, changes or deletes an entry.
    return [
        path("audit/", AuditLogView.as_view(), name="audit_log"),
        path("audit/results/", AuditLogView.as_view(results_only=True), name="audit_log_results"),
    ]


@hooks.register("register_reports_menu_item")
def register_audit_menu_item():
    return PermissionMenuItem(
        _("Audit log"),
        reverse("audit_log"),
        icon_name="list-ul",
        order=900,
        permission=PERMISSION,
    )
