"""Training reports in the Wagtail admin: coverage, certification status, assessment summary.

Each report is a Wagtail ReportView (its header, filter drawer and live refresh) whose results
are a few tables built from reports.queries. A table is made once, as headings and rows of plain
values, and both the screen and the downloads (XLSX with a title block, CSV with a BOM) are drawn
from it: what HR downloads holds the numbers they saw. A duration is held in whole minutes: the
screen says it in hours and minutes, the downloads give the number, with "(minutes)" in the
heading.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.views.reports import ReportView

import audit
from certification.models import RENEWAL_WINDOW
from courses.progress import LONGEST_GAP
from toolkit import spreadsheets

from . import charts, queries
from .filters import AssessmentFilterSet, CertificationFilterSet, CoverageFilterSet
from .models import SEE_REPORTS

# Who may open the reports (HR and administrators hold it); the data is scoped on top of it.
REPORT_PERMISSION = SEE_REPORTS
# Rows of the expiring-certificates list shown on screen; the downloads hold them all.
SCREEN_LIST_LIMIT = 500


@dataclass
class Column:
    heading: str
    kind: str = "int"  # text, int, rate, date, status, duration (whole minutes)
    export_heading: str = ""  # the downloads' heading, when it must say more (a unit)


def screen_value(value, kind):
    """A cell as the screen shows it: a duration in hours and minutes, the rest as it is."""
    return queries.duration_label(value) if kind == "duration" else value


@dataclass
class Table:
    key: str
    title: str
    columns: list
    rows: list  # lists of plain values, in column order
    links: list = field(default_factory=list)  # per row: a drill-down URL for the unit, or None
    total: list | None = None  # the total row, shown last and exported last
    note: str = ""
    row_count: int | None = None  # rows in all, when the screen shows only the first ones
    xlsx_url: str = ""
    csv_url: str = ""

    @property
    def headings(self):
        """The downloads' headings."""
        return [column.export_heading or column.heading for column in self.columns]

    def _screen_cells(self, row):
        return [
            (screen_value(value, column.kind), column.kind)
            for value, column in zip(row, self.columns, strict=True)
        ]

    @property
    def screen_rows(self):
        links = self.links or [None] * len(self.rows)
        rows = [self._screen_cells(row) for row in self.rows]
        return list(zip(rows, links, strict=True))

    @property
    def screen_total(self):
        if self.total is None:
            return None
        return self._screen_cells(self.total)

    @property
    def truncated(self):
        return self.row_count is not None and self.row_count > len(self.rows)

    def export_rows(self):
        rows = [*self.rows, *([self.total] if self.total is not None else [])]
        return [[plain(value) for value in row] for row in rows]


def plain(value):
    """A cell as written to a spreadsheet: statuses by their label."""
    if isinstance(value, queries.Status):
        return str(value.label)
    return value


class TrainingReportView(ReportView):
    """A scoped report: tables and charts from reports.queries, with XLSX and CSV downloads."""

    template_name = "reports/report.html"
    results_template_name = "reports/report_results.html"
    header_icon = "table"
    paginate_by = None
    index_url_name = None  # set by each report
    index_results_url_name = None
    export_stem = "bao-cao"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(REPORT_PERMISSION):
            raise PermissionDenied
        queries.scope_of(request.user)  # PermissionDenied for anyone without a scope
        return super().dispatch(request, *args, **kwargs)

    # Wagtail's listing machinery: the "queryset" is the main table's rows, already filtered.

    def get_base_queryset(self):
        return self.tables[0].rows

    def filter_queryset(self, queryset):
        return queryset

    @cached_property
    def report_filters(self):
        return self.filters.report_filters() if self.filters else queries.NO_FILTERS

    @cached_property
    def unit(self):
        return queries.report_unit(self.request.user, self.report_filters)

    @cached_property
    def tables(self):
        tables = self.build_tables()
        for table in tables:
            table.xlsx_url = self.download_url("xlsx", table.key)
            table.csv_url = self.download_url("csv", table.key)
        return tables

    def build_tables(self):
        raise NotImplementedError

    def charts(self):
        return []

    # Links

    def query_string(self, **changes):
        params = self.request.GET.copy()
        for name in ("_w_filter_fragment", "export", "table", "p"):
            params.pop(name, None)
        for name, value in changes.items():
            params.pop(name, None)
            if value is not None:
                params[name] = value
        return params.urlencode()

    def download_url(self, export_format, table_key):
        return f"{self.index_url}?{self.query_string(export=export_format, table=table_key)}"

    def drill_url(self, unit):
        return f"{self.index_url}?{self.query_string(unit=unit.pk)}"

    @cached_property
    def show_export_buttons(self):
        return True

    def get_export_url(self, format):
        return self.download_url(format, self.tables[0].key)

    # Screen

    def get_page_subtitle(self):
        return self.scope_label

    @cached_property
    def scope_label(self):
        return str(self.unit) if self.unit is not None else _("Whole country")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = queries.scope_of(self.request.user)
        context.update(
            tables=self.tables,
            charts=self.charts(),
            scope_label=self.scope_label,
            refused_filters=self.filters.refused() if self.filters else [],
            # An administrator (or a province's HR) looking at a part of their scope can go back.
            whole_scope_url=(
                f"{self.index_url}?{self.query_string(unit=None)}"
                if self.report_filters.unit is not None and self.unit != scope
                else ""
            ),
            whole_scope_label=str(scope) if scope is not None else _("Whole country"),
        )
        return context

    # Downloads

    def get(self, request, *args, **kwargs):
        if self.is_export:
            return self.download(request.GET.get("export"), request.GET.get("table"))
        return super().get(request, *args, **kwargs)

    def title_lines(self, table):
        used = self.filters.described() if self.filters else []
        user = self.request.user
        officer = getattr(user, "officer", None)
        return [
            f"{self.page_title} – {table.title}",
            _("Scope: %(unit)s") % {"unit": self.scope_label},
            _("Filters: %(filters)s")
            % {"filters": "; ".join(f"{label}: {value}" for label, value in used) or _("none")},
            spreadsheets.generated_line(),
            _("Generated by: %(user)s")
            % {
                "user": f"{officer.full_name} ({user.get_username()})"
                if officer
                else user.get_username()
            },
        ]

    def download(self, export_format, table_key):
        tables = {table.key: table for table in self.tables}
        table = tables.get(table_key) or self.tables[0]
        unit_part = self.unit.code if self.unit is not None else "toan-quoc"
        stem = f"{self.export_stem}-{table.key}-{unit_part}-{timezone.localdate():%Y%m%d}"
        filename = slugify(stem)
        export_format = "csv" if export_format == "csv" else "xlsx"
        audit.record_export(
            self.request, f"{self.export_stem}/{table.key}", export_format, unit=self.unit
        )
        if export_format == "csv":
            return spreadsheets.csv_response(f"{filename}.csv", table.headings, table.export_rows())
        return spreadsheets.xlsx_response(
            f"{filename}.xlsx",
            self.title_lines(table),
            [spreadsheets.Sheet(table.title, table.headings, table.export_rows())],
        )


def _unit_cells(unit):
    return [unit.code, unit.name]


def _month_label(day):
    return day.strftime("%m/%Y")


class CoverageReportView(TrainingReportView):
    page_title = gettext_lazy("Training coverage")
    header_icon = "group"
    filterset_class = CoverageFilterSet
    index_url_name = "reports:coverage"
    index_results_url_name = "reports:coverage_results"
    export_stem = "bao-phu-dao-tao"

    @cached_property
    def unit_rows(self):
        return queries.coverage_by_unit(self.request.user, self.report_filters)

    @cached_property
    def trend(self):
        return queries.completions_by_month(self.request.user, self.report_filters)

    def unit_heading(self):
        return _("Province") if self.unit is None else _("Administrative unit")

    def build_tables(self):
        user, filters = self.request.user, self.report_filters
        rows = self.unit_rows
        by_unit_columns = [
            Column(_("Code"), "text"),
            Column(self.unit_heading(), "text"),
            Column(_("Officers")),
            Column(_("Officers enrolled")),
            Column(_("Enrolment rate (%)"), "rate"),
            Column(_("Enrolments")),
            Column(_("Completed")),
            Column(_("Completion rate (%)"), "rate"),
            Column(_("Overdue")),
            Column(_("Status"), "status"),
        ]

        def counts(row):
            return [
                row.officers,
                row.enrolled,
                row.enrolment_rate,
                row.enrolments,
                row.completed,
                row.completion_rate,
                row.overdue,
                row.status,
            ]

        summed = queries.total(rows)
        by_unit = Table(
            "units",
            _("By province") if self.unit is None else _("By commune"),
            by_unit_columns,
            [[*_unit_cells(row.unit), *counts(row)] for row in rows],
            links=[self.drill_url(row.unit) if self.unit is None else None for row in rows],
            total=["", _("Total"), *counts(summed)],
        )
        lagging = queries.lagging_units(rows)
        lagging_table = Table(
            "lagging",
            _("Lagging units"),
            [
                Column(_("Code"), "text"),
                Column(self.unit_heading(), "text"),
                Column(_("Officers")),
                Column(_("Enrolments")),
                Column(_("Completion rate (%)"), "rate"),
                Column(_("Overdue")),
                Column(_("Status"), "status"),
            ],
            [
                [
                    *_unit_cells(row.unit),
                    row.officers,
                    row.enrolments,
                    row.completion_rate,
                    row.overdue,
                    row.status,
                ]
                for row in lagging
            ],
            links=[self.drill_url(row.unit) if self.unit is None else None for row in lagging],
            note=_(
                "Red: under %(red)s%% of enrolments completed, or officers with no enrolment at "
                "all. Amber: under %(amber)s%%. Green: %(amber)s%% or more."
            )
            % {"red": f"{queries.RED_BELOW:g}", "amber": f"{queries.AMBER_BELOW:g}"},
        )
        course_rows = queries.coverage_by_course(user, filters)
        courses = Table(
            "courses",
            _("By course"),
            [
                Column(_("Track"), "text"),
                Column(_("Course"), "text"),
                Column(_("Officers enrolled")),
                Column(_("Completed")),
                Column(_("Completion rate (%)"), "rate"),
                Column(_("Overdue")),
                Column(_("Officers with time recorded")),
                Column(
                    _("Average time per officer with time recorded"),
                    "duration",
                    _("Average time per officer with time recorded (minutes)"),
                ),
                Column(_("Total time"), "duration", _("Total time (minutes)")),
            ],
            [
                [
                    row.track,
                    row.title,
                    row.enrolments,
                    row.completed,
                    row.completion_rate,
                    row.overdue,
                    row.officers_with_time,
                    row.average_minutes,
                    row.minutes_spent,
                ]
                for row in course_rows
            ],
            note=_(
                "Time spent: measured by the server while officers have the course's lessons "
                "open (each gap between two signals from the page counts up to %(gap)s "
                "minutes), over every round of the course, for the enrolments shown, whenever it "
                "was spent. The average is over the enrolled officers with any time recorded. "
                "The downloads give the times in minutes."
            )
            % {"gap": int(LONGEST_GAP.total_seconds() // 60)},
        )
        track_rows = queries.coverage_by_track(user, filters)
        tracks = Table(
            "tracks",
            _("By track"),
            [
                Column(_("Track"), "text"),
                Column(_("Officers enrolled")),
                Column(_("Enrolments")),
                Column(_("Completed")),
                Column(_("Completion rate (%)"), "rate"),
                Column(_("Overdue")),
            ],
            [
                [
                    row.title,
                    row.enrolled,
                    row.enrolments,
                    row.completed,
                    row.completion_rate,
                    row.overdue,
                ]
                for row in track_rows
            ],
        )
        trend = Table(
            "trend",
            _("Completions per month"),
            [Column(_("Month"), "text"), Column(_("Completions"))],
            [[_month_label(month), count] for month, count in self.trend],
        )
        return [by_unit, lagging_table, courses, tracks, trend]

    def charts(self):
        bars = [
            (row.unit.name, row.completion_rate or 0, row.status == queries.Status.RED)
            for row in self.unit_rows
            if row.officers
        ]
        peak = max((count for _month, count in self.trend), default=0)
        return [
            {
                "title": _("Completion rate by unit (%)"),
                "svg": charts.horizontal_bars(bars) if bars else "",
                "note": _("Red bars: units under %(red)s%% (red status).")
                % {"red": f"{queries.RED_BELOW:g}"},
            },
            {
                "title": _("Completions per month"),
                "svg": charts.line_chart(
                    [(month.strftime("%m/%y"), count) for month, count in self.trend],
                    max_value=max(peak, 1),
                    unit="",
                ),
                "note": "",
            },
        ]


class CertificationReportView(TrainingReportView):
    page_title = gettext_lazy("Certification status")
    header_icon = "doc-full"
    filterset_class = CertificationFilterSet
    index_url_name = "reports:certification"
    index_results_url_name = "reports:certification_results"
    export_stem = "chung-chi"

    def build_tables(self):
        user, filters = self.request.user, self.report_filters
        now = timezone.now()
        rows = queries.certification_by_unit(user, filters, now=now)
        window = RENEWAL_WINDOW.days

        def cells(row):
            return [
                row.officers,
                row.linked,
                row.link_rate,
                row.certified,
                row.valid,
                row.expiring,
                row.expired,
                row.revoked,
            ]

        by_unit = Table(
            "units",
            _("By province") if self.unit is None else _("By commune"),
            [
                Column(_("Code"), "text"),
                Column(_("Province") if self.unit is None else _("Administrative unit"), "text"),
                Column(_("Officers")),
                Column(_("Linked to the procedure system")),
                Column(_("Link rate (%)"), "rate"),
                Column(_("Officers with a certificate in force")),
                Column(_("Valid")),
                Column(_("Expiring within %(days)s days") % {"days": window}),
                Column(_("Expired")),
                Column(_("Revoked")),
            ],
            [[*_unit_cells(row.unit), *cells(row)] for row in rows],
            links=[self.drill_url(row.unit) if self.unit is None else None for row in rows],
            total=["", _("Total"), *cells(queries.total(rows, queries.CertificationRow))],
            note=_(
                "Certificates replaced by a renewal are not counted. A valid certificate past its "
                "expiry counts as expired."
            ),
        )
        expiring = queries.expiring_certificates(user, filters, now=now)
        row_count = None
        if not (self.is_export and self.request.GET.get("table") == "expiring"):
            # The screen (and the other downloads) need only the first rows and the count.
            row_count = expiring.count()
            expiring = expiring[:SCREEN_LIST_LIMIT]
        today = timezone.localdate()
        expiring_table = Table(
            "expiring",
            _("Certificates expiring within %(days)s days") % {"days": window},
            [
                Column(_("Officer"), "text"),
                Column(_("Code"), "text"),
                Column(_("Administrative unit"), "text"),
                Column(_("Job position"), "text"),
                Column(_("Course"), "text"),
                Column(_("Certificate"), "text"),
                Column(_("Expires"), "date"),
                Column(_("Days left")),
                Column(_("Procedure-system account"), "text"),
            ],
            [
                [
                    certificate.officer.full_name,
                    certificate.officer.unit.code,
                    certificate.officer.unit.name,
                    str(certificate.officer.job_position or ""),
                    certificate.course_title,
                    certificate.code,
                    timezone.localtime(certificate.expires_at).date(),
                    (timezone.localtime(certificate.expires_at).date() - today).days,
                    certificate.officer.procedure_account,
                ]
                for certificate in expiring
            ],
            row_count=row_count,
        )
        return [by_unit, expiring_table]


class AssessmentReportView(TrainingReportView):
    page_title = gettext_lazy("Assessment summary")
    header_icon = "help"
    filterset_class = AssessmentFilterSet
    index_url_name = "reports:assessments"
    index_results_url_name = "reports:assessments_results"
    export_stem = "ket-qua-kiem-tra"

    def build_tables(self):
        rows = queries.assessment_summary(self.request.user, self.report_filters)
        quizzes = Table(
            "quizzes",
            _("By quiz"),
            [
                Column(_("Quiz"), "text"),
                Column(_("Attempts")),
                Column(_("Officers who attempted")),
                Column(_("Officers who passed")),
                Column(_("Pass rate (%)"), "rate"),
                Column(_("Average score (%)"), "rate"),
            ],
            [
                [row.title, row.attempts, row.officers, row.passed, row.pass_rate, row.average]
                for row in rows
            ],
            note=_(
                "Finished attempts only. An officer passed when the attempt that counts by the "
                "quiz's grading method (highest, last or first, in their current round) passed; "
                "the average score is that of those attempts."
            ),
        )
        return [quizzes]
