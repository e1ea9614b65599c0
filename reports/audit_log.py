"""The audit log in the Wagtail admin: read only, filtered, downloadable; scoped like officers
(administrators see every entry, HR the entries about units in their area).

A report like the others: the log itself (audit.models, audit.recorder) sits low, so that
every app may write to it; reading it needs roles and areas, which are known up here."""

import django_filters
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView

from audit.models import Action, AuditEntry
from audit.recorder import record_export
from officers.roles import area_label, hr_scope_of, is_administrator, visible_to
from toolkit import spreadsheets

PERMISSION = "audit.view_auditentry"


class AuditFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(label=gettext_lazy("Action"), choices=Action.choices)
    at = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Date"), widget=DateRangePickerWidget
    )
    actor = django_filters.CharFilter(
        label=gettext_lazy("By (username)"), field_name="actor_username", lookup_expr="icontains"
    )

    class Meta:
        model = AuditEntry
        fields = []


def visible_entries(user):
    """Every entry for administrators; for HR, the entries about units in their area."""
    return visible_to(user, AuditEntry.objects.all())


def details_text(entry):
    """The details as one line of text: "rows: 12; file: can-bo.csv"."""
    parts = []
    for key, value in (entry.details or {}).items():
        if isinstance(value, list):
            value = ", ".join(str(item) for item in value) or "–"
        elif isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items()) or "–"
        parts.append(f"{key}: {value}")
    return "; ".join(parts)


class AuditLogView(ReportView):
    page_title = gettext_lazy("Audit log")
    header_icon = "list-ul"
    filterset_class = AuditFilterSet
    index_url_name = "audit_log"
    index_results_url_name = "audit_log_results"
    paginate_by = 50
    list_export = ["at", "action", "actor_username", "object_label", "unit", "ip_address"]
    columns = [
        DateColumn("at", label=gettext_lazy("When")),
        Column("action", label=gettext_lazy("Action"), accessor="get_action_display"),
        Column("actor_username", label=gettext_lazy("By")),
        Column("object_label", label=gettext_lazy("Object")),
        Column("unit", label=gettext_lazy("Administrative unit")),
        Column("details", label=gettext_lazy("Details"), accessor=details_text),
        Column("ip_address", label=gettext_lazy("IP address")),
    ]

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.has_perm(PERMISSION) or not (
            is_administrator(user) or hr_scope_of(user) is not None
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return visible_entries(self.request.user).select_related("unit")

    def get_page_subtitle(self):
        return area_label(self.request.user)

    def headings(self):
        return [
            _("When"),
            _("Action"),
            _("By"),
            _("Object type"),
            _("Object ID"),
            _("Object"),
            _("Unit code"),
            _("Administrative unit"),
            _("Details"),
            _("IP address"),
        ]

    def export_rows(self, entries):
        for entry in entries:
            yield [
                entry.at,
                entry.get_action_display(),
                entry.actor_username,
                entry.object_type,
                entry.object_id,
                entry.object_label,
                entry.unit.code if entry.unit else "",
                entry.unit.name if entry.unit else "",
                details_text(entry),
                entry.ip_address or "",
            ]

    def as_spreadsheet(self, queryset, spreadsheet_format):
        # Reading the log is itself worth a line in it: it shows who did what to whom.
        record_export(
            self.request,
            "audit_log",
            spreadsheet_format,
            unit=None if is_administrator(self.request.user) else hr_scope_of(self.request.user),
        )
        stem = f"nhat-ky-kiem-tra-{timezone.localdate():%Y%m%d}"
        rows = list(self.export_rows(queryset))
        if spreadsheet_format == self.FORMAT_CSV:
            return spreadsheets.csv_response(f"{stem}.csv", self.headings(), rows)
        title_lines = [
            _("Audit log"),
            spreadsheets.area_line(self.request.user),
            spreadsheets.generated_line(),
        ]
        return spreadsheets.xlsx_response(
            f"{stem}.xlsx", title_lines, [spreadsheets.Sheet(_("Audit log"), self.headings(), rows)]
        )
