"""The training reports in the Wagtail admin.

Shared file: the URLs are mounted once here; each group of reports registers its menu items in
its own marked block. The items go into Wagtail's own "Reports" menu, so there is one "Reports"
menu: it shows when at least one of its items does, and ours show only to users holding the
report permission (HR and administrators).
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from elearning.admin_menu import PermissionMenuItem

from . import competency_views, urls, views


@hooks.register("register_admin_urls")
def register_report_urls():
    return [path("training-reports/", include((urls, "reports"), namespace="reports"))]


# --- Coverage, certification status, assessment summary --------------------------------------


@hooks.register("register_reports_menu_item")
def register_coverage_menu_item():
    return PermissionMenuItem(
        _("Training coverage"),
        reverse("reports:coverage"),
        name="training-coverage",
        icon_name="group",
        order=100,
        permission=views.REPORT_PERMISSION,
    )


@hooks.register("register_reports_menu_item")
def register_certification_menu_item():
    return PermissionMenuItem(
        _("Certification status"),
        reverse("reports:certification"),
        name="certification-status",
        icon_name="doc-full",
        order=110,
        permission=views.REPORT_PERMISSION,
    )


@hooks.register("register_reports_menu_item")
def register_assessment_menu_item():
    return PermissionMenuItem(
        _("Assessment summary"),
        reverse("reports:assessments"),
        name="assessment-summary",
        icon_name="help",
        order=120,
        permission=views.REPORT_PERMISSION,
    )


# --- end of coverage, certification status, assessment summary --------------------------------


# --- Competency matrix, officer records, before/after 2025 (reports/competency_views.py) -----


@hooks.register("register_reports_menu_item")
def register_competency_menu_item():
    return PermissionMenuItem(
        _("Competency matrix"),
        reverse("reports:competency"),
        name="competency-matrix",
        icon_name="table",
        order=130,
        permission=competency_views.PERMISSION,
    )


@hooks.register("register_reports_menu_item")
def register_officer_record_menu_item():
    return PermissionMenuItem(
        _("Officer records"),
        reverse("reports:officer_search"),
        name="officer-records",
        icon_name="user",
        order=140,
        permission=competency_views.PERMISSION,
    )


@hooks.register("register_reports_menu_item")
def register_history_menu_item():
    return PermissionMenuItem(
        _("Before and after the 2025 reform"),
        reverse("reports:history"),
        name="before-after-2025",
        icon_name="history",
        order=150,
        permission=competency_views.PERMISSION,
    )


# --- end of competency matrix, officer records, before/after 2025 ----------------------------
