"""The training reports in the Wagtail admin.

The URLs are mounted once here. The menu items go into Wagtail's own "Reports" menu, so there is
one "Reports" menu: it shows when at least one of its items does, and ours show only to users
holding the report permission (HR and administrators).
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from toolkit.admin_menu import PermissionMenuItem

from . import audit_log, competency_views, urls, views

# (label, URL name, menu item name, icon, permission), in menu order.
REPORTS = [
    (_("Training coverage"), "coverage", "training-coverage", "group", views.REPORT_PERMISSION),
    (
        _("Certification status"),
        "certification",
        "certification-status",
        "doc-full",
        views.REPORT_PERMISSION,
    ),
    (_("Assessment summary"), "assessments", "assessment-summary", "help", views.REPORT_PERMISSION),
    (
        _("Competency matrix"),
        "competency",
        "competency-matrix",
        "table",
        competency_views.PERMISSION,
    ),
    (
        _("Officer records"),
        "officer_search",
        "officer-records",
        "user",
        competency_views.PERMISSION,
    ),
    (
        _("Before and after the 2025 reform"),
        "history",
        "before-after-2025",
        "history",
        competency_views.PERMISSION,
    ),
]


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("training-reports/", include((urls, "reports"), namespace="reports")),
        # The audit log: a list and nothing else; no URL adds, changes or deletes an entry.
        path("audit/", audit_log.AuditLogView.as_view(), name="audit_log"),
        path(
            "audit/results/",
            audit_log.AuditLogView.as_view(results_only=True),
            name="audit_log_results",
        ),
    ]


def _menu_item(label, url_name, name, icon, permission, order):
    def register():
        return PermissionMenuItem(
            label,
            reverse(f"reports:{url_name}"),
            name=name,
            icon_name=icon,
            order=order,
            permission=permission,
        )

    return register


for _number, _report in enumerate(REPORTS):
    hooks.register("register_reports_menu_item", _menu_item(*_report, order=100 + 10 * _number))


@hooks.register("register_reports_menu_item")
def register_audit_menu_item():
    return PermissionMenuItem(
        _("Audit log"),
        reverse("audit_log"),
        icon_name="list-ul",
        order=900,
        permission=audit_log.PERMISSION,
    )
