"""Wagtail's "Site history" report, kept to those it is for.

Wagtail shows it to anyone with access to the admin, with every log entry of every model the
user holds any permission on: an HR officer of one commune read (and downloaded) the history
of every commune's officers, assignments and certificates. HR follow their officers through
each officer's own history and the audit log, both scoped to their area; the site history is
for those who edit content (as Wagtail's own menu item decides) and for administrators, and
never lists, for a non-administrator, the entries about area-scoped records.

elearning/urls.py serves this view at the report's own address, ahead of Wagtail's.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.models import ModelLogEntry, Page
from wagtail.permissions import policy_registry

from officers.roles import is_administrator

# Records that belong to an area: their history is seen through the scoped views only.
SCOPED_MODELS = (
    ("officers", "officer"),
    ("courses", "assignment"),
    ("certification", "certificate"),
    ("procedure_system", "apiclient"),
    ("procedure_system", "outboxevent"),
    ("procedure_system", "subscription"),
    ("procedure_system", "delivery"),
    ("auth", "user"),
)


def may_read(user):
    """Administrators, and those who may explore pages (Wagtail's condition for the menu)."""
    if is_administrator(user):
        return True
    return policy_registry.get_by_type(Page).explorable_root_instance(user) is not None


def scoped_content_types():
    return [
        ContentType.objects.get_by_natural_key(app_label, model).pk
        for app_label, model in SCOPED_MODELS
    ]


class SiteHistoryView(LogEntriesView):
    def dispatch(self, request, *args, **kwargs):
        if not may_read(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if queryset.model is ModelLogEntry and not is_administrator(self.request.user):
            queryset = queryset.exclude(content_type_id__in=scoped_content_types())
        return queryset


def _admin_view(view):
    return never_cache(require_admin_access(view))


def urls():
    """For elearning/urls.py, under admin/reports/ (the paths of Wagtail's report)."""
    return [
        path("site-history/", _admin_view(SiteHistoryView.as_view()), name="site_history"),
        path(
            "site-history/results/",
            _admin_view(SiteHistoryView.as_view(results_only=True)),
            name="site_history_results",
        ),
    ]
