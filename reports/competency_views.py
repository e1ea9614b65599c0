"""Admin pages: the competency matrix, an officer's record, and figures across the 2025 reform.

Every page needs `reports.view_reports` (HR and administrators) and shows only what the user's
area holds; an officer outside it is answered with 404. The work is done in competency.py and
history.py; these views read the filters, call them and render or write the result.
"""

from django import forms
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

import audit
from courses.models import CoursePage, SkillTag
from officers.forms import units_manageable_by
from officers.models import JobPosition, Officer
from officers.roles import area_label, hr_scope_of
from toolkit import spreadsheets
from toolkit.spreadsheets import Sheet, csv_response, xlsx_response
from units.models import REFORM_2025, AdministrativeUnit
from units.widgets import UnitSelect

from . import charts, competency, history
from .models import SEE_REPORTS

PERMISSION = SEE_REPORTS


class ReportPermissionMixin(PermissionRequiredMixin):
    permission_required = PERMISSION
    raise_exception = True


# --- The competency matrix ------------------------------------------------------------------


class MatrixFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Administrative unit"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("All units in my area"),
        widget=UnitSelect,
    )
    job_position = forms.ModelChoiceField(
        label=gettext_lazy("Job position"),
        queryset=JobPosition.objects.all(),
        required=False,
        empty_label=gettext_lazy("All positions"),
    )
    framework = forms.ChoiceField(
        label=gettext_lazy("Skill framework"),
        choices=[("", gettext_lazy("All frameworks")), *SkillTag.Framework.choices],
        required=False,
    )
    gaps_only = forms.BooleanField(
        label=gettext_lazy("Only officers missing a required skill"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_manageable_by(user)

    def filters(self):
        """Keyword arguments for competency.select_matrix; a field with invalid input (such as
        a unit outside the user's area) is left out, and shown with its error."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        return {
            "unit": data.get("unit"),
            "job_position": data.get("job_position"),
            "framework": data.get("framework") or None,
            "gaps_only": bool(data.get("gaps_only")),
        }


def filter_lines(filters):
    parts = []
    if filters.get("unit"):
        parts.append(_("Unit: %(unit)s") % {"unit": filters["unit"]})
    if filters.get("job_position"):
        parts.append(_("Job position: %(position)s") % {"position": filters["job_position"]})
    if filters.get("framework"):
        parts.append(
            _("Framework: %(framework)s")
            % {"framework": SkillTag.Framework(filters["framework"]).label}
        )
    if filters.get("gaps_only"):
        parts.append(_("Only officers missing a required skill"))
    return "; ".join(str(part) for part in parts)


class MatrixFormMixin:
    @cached_property
    def form(self):
        return MatrixFilterForm(self.request.GET or None, user=self.request.user)

    @cached_property
    def filters(self):
        return self.form.filters()


class CompetencyMatrixView(
    ReportPermissionMixin, MatrixFormMixin, WagtailAdminTemplateMixin, TemplateView
):
    page_title = gettext_lazy("Competency matrix")
    header_icon = "table"
    template_name = "reports/competency.html"
    per_page = competency.PER_PAGE

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    @cached_property
    def header_buttons(self):
        query = self.request.GET.urlencode()
        suffix = f"?{query}" if query else ""
        return [
            HeaderButton(
                _("Download Excel"),
                url=reverse("reports:competency_xlsx") + suffix,
                icon_name="download",
            ),
            HeaderButton(
                _("Download CSV"),
                url=reverse("reports:competency_csv") + suffix,
                icon_name="download",
            ),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        matrix = competency.competency_matrix(
            self.request.user,
            page=self.request.GET.get("p") or 1,
            per_page=self.per_page,
            **self.filters,
        )
        page = matrix.page
        context.update(
            form=self.form,
            matrix=matrix,
            page_obj=page,
            elided_page_range=page.paginator.get_elided_page_range(page.number),
            area=area_label(self.request.user),
            chart=charts.horizontal_bars(
                [
                    (item.skill.code, item.percent_held or 0, item.gaps > 0)
                    for item in matrix.summary.skills
                ]
            )
            if matrix.summary.officers and matrix.summary.skills
            else "",
            first_number=page.start_index(),
        )
        return context


class CompetencyExportView(ReportPermissionMixin, MatrixFormMixin, View):
    file_format = "xlsx"
    filename = "ma-tran-nang-luc"

    def get(self, request, *args, **kwargs):
        selection = competency.select_matrix(request.user, **self.filters)
        headers = competency.matrix_headers(selection.skills)
        rows = competency.matrix_table_rows(selection)
        audit.record_export(
            request,
            self.filename,
            self.file_format,
            unit=self.filters.get("unit") or hr_scope_of(request.user),
        )
        if self.file_format == "csv":
            return csv_response(f"{self.filename}.csv", headers, rows, stream=True)
        summary = competency.summarise(selection)
        title_lines = [
            _("Competency matrix"),
            spreadsheets.area_line(request.user),
            filter_lines(self.filters) or _("No filter"),
            _(
                "Held: completed a course teaching the skill, or holds a certificate in force "
                "listing it. Missing: required for the officer's job position but not held. "
                "Empty: not required and not held."
            ),
            spreadsheets.generated_line(),
        ]
        missing = _("Missing")
        return xlsx_response(
            f"{self.filename}.xlsx",
            title_lines,
            [
                Sheet(
                    _("Matrix"),
                    headers,
                    rows,
                    highlight={missing},
                    widths=[6, 28, 16, 9, 24, 28, 9] + [10] * len(selection.skills),
                ),
                Sheet(_("By skill"), *competency.skill_summary_table(summary), widths=[10, 36, 28]),
                Sheet(_("By unit"), *competency.unit_totals_table(summary), widths=[10, 28]),
            ],
            stream=True,
        )


# --- An officer's record -------------------------------------------------------------------


class OfficerSearchView(ReportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Officer records")
    header_icon = "user"
    template_name = "reports/officer_search.html"
    per_page = 50

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = " ".join(self.request.GET.get("q", "").split())[:100]
        officers = (
            Officer.objects.visible_to(self.request.user)
            .select_related("unit", "job_position", "user")
            .in_name_order()
        )
        if query:
            officers = officers.filter(
                Q(full_name__icontains=query)
                | Q(user__username__icontains=query)
                | Q(procedure_account__icontains=query)
                | Q(email__icontains=query)
            )
        page = Paginator(officers, self.per_page).get_page(self.request.GET.get("p"))
        context.update(
            query=query,
            page_obj=page,
            officers=page.object_list,
            elided_page_range=page.paginator.get_elided_page_range(page.number),
        )
        return context


class OfficerMixin(ReportPermissionMixin):
    @cached_property
    def officer(self):
        officer = competency.officer_in_scope(self.request.user, self.kwargs["pk"])
        if officer is None:
            raise Http404
        return officer


class OfficerRecordView(OfficerMixin, WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Officer record")
    header_icon = "user"
    template_name = "reports/officer_record.html"

    def get_page_subtitle(self):
        return self.officer.full_name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("reports:officer_search"), "label": _("Officer records")},
            {"url": "", "label": self.officer.full_name},
        ]

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                _("Download Excel"),
                url=reverse("reports:officer_xlsx", args=[self.officer.pk]),
                icon_name="download",
            )
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["record"] = competency.officer_record(self.officer)
        context["officer"] = self.officer
        return context


class OfficerRecordExportView(OfficerMixin, View):
    def get(self, request, *args, **kwargs):
        record = competency.officer_record(self.officer)
        audit.record_export(
            request, "ho-so-can-bo", "xlsx", unit=self.officer.unit, target=self.officer
        )
        title_lines = [
            _("Officer record: %(name)s") % {"name": self.officer.full_name},
            f"{self.officer.unit.name} ({self.officer.unit.code})",
            spreadsheets.generated_line(),
        ]
        missing = _("Missing")
        sheets = [
            Sheet(title, headers, rows, highlight={missing}, widths=[24, 24, 18, 18, 14, 18, 18])
            for title, headers, rows in competency.officer_record_tables(record)
        ]
        return xlsx_response(
            f"ho-so-can-bo-{self.officer.pk}.xlsx", title_lines, sheets, stream=True
        )


# --- Across the 2025 reform ---------------------------------------------------------------


class OldUnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        indent = "\u00a0\u00a0" * max(unit.level - 1, 0)
        return f"{indent}{unit.name} ({unit.code})"


class HistoryForm(forms.Form):
    old_unit = OldUnitChoiceField(
        label=gettext_lazy("Unit before 1 July 2025"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Choose an old province, district or commune"),
        widget=UnitSelect,
    )
    course = forms.ModelChoiceField(
        label=gettext_lazy("Course"),
        queryset=CoursePage.objects.live().order_by("title"),
        required=False,
        empty_label=gettext_lazy("All courses"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = history.old_units_in_tree_order(history.old_units_visible_to(user))
        self.allowed = {unit.pk for unit in units}
        field = self.fields["old_unit"]
        field.queryset = AdministrativeUnit.objects.filter(valid_to__lt=REFORM_2025)
        # The tree order in the select (the queryset alone would sort by level and code).
        field.choices = [("", field.empty_label)] + [
            (unit.pk, field.label_from_instance(unit)) for unit in units
        ]

    def clean_old_unit(self):
        unit = self.cleaned_data.get("old_unit")
        if unit is not None and unit.pk not in self.allowed:
            raise forms.ValidationError(
                _("Select a valid choice. That choice is not one of the available choices.")
            )
        return unit


class ReverseForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit from 1 July 2025"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Choose a commune"),
        widget=UnitSelect,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = history.current_units_visible_to(user)


class HistoryMixin(ReportPermissionMixin):
    @cached_property
    def form(self):
        return HistoryForm(self.request.GET or None, user=self.request.user)

    @cached_property
    def report(self):
        if not self.form.is_valid() or not self.form.cleaned_data.get("old_unit"):
            return None
        return history.history_report(
            self.request.user,
            self.form.cleaned_data["old_unit"],
            course=self.form.cleaned_data.get("course"),
        )


def history_table(report):
    headers = [
        _("Unit code"),
        _("Unit from 1 July 2025"),
        _("Formed from (in the selected unit)"),
        _("Also formed from (outside it)"),
        _("Part of an old unit only"),
        _("Officers"),
        _("Officers enrolled"),
        _("Enrolments"),
        _("Completed"),
        _("Officers who completed"),
        _("Completion rate (%)"),
    ]

    part = _("part")

    def names(successions):
        return "; ".join(
            f"{s.predecessor.name} ({s.predecessor.code})"
            + (f" – {part}" if s.share == s.Share.PARTIAL else "")
            for s in successions
        )

    rows = [
        [
            row.unit.code,
            row.unit.name,
            names(row.from_inside),
            names(row.from_outside),
            _("Yes") if row.partial else "",
            row.officers,
            row.enrolled_officers,
            row.enrolments,
            row.completed,
            row.completed_officers,
            round(row.completion_rate, 1) if row.completion_rate is not None else None,
        ]
        for row in report.rows
    ]
    totals = report.totals
    rows.append(
        [
            "",
            _("Total"),
            "",
            "",
            "",
            totals["officers"],
            totals["enrolled_officers"],
            totals["enrolments"],
            totals["completed"],
            totals["completed_officers"],
            round(totals["completion_rate"], 1) if totals["completion_rate"] is not None else None,
        ]
    )
    return headers, rows


def history_title_lines(report, user):
    old = report.old_unit
    lines = [
        _("Units before 1 July 2025: %(unit)s") % {"unit": f"{old.name} ({old.code})"},
        spreadsheets.area_line(user),
        _("Course: %(course)s") % {"course": report.course.title}
        if report.course
        else _("All courses"),
        honesty_note(),
        spreadsheets.generated_line(),
    ]
    return lines


def honesty_note():
    return _(
        "Officers belong to today's units only, so the figures are those of the new units that "
        "succeeded the old one, each counted whole: a new unit formed also from other old units, "
        "or from part of an old unit, includes all of its officers."
    )


class HistoryView(HistoryMixin, WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Before and after the 2025 reform")
    header_icon = "history"
    template_name = "reports/history.html"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    @cached_property
    def header_buttons(self):
        if self.report is None:
            return []
        query = self.request.GET.urlencode()
        return [
            HeaderButton(
                _("Download Excel"),
                url=f"{reverse('reports:history_xlsx')}?{query}",
                icon_name="download",
            ),
            HeaderButton(
                _("Download CSV"),
                url=f"{reverse('reports:history_csv')}?{query}",
                icon_name="download",
            ),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reverse_form = ReverseForm(
            {"unit": self.request.GET.get("unit")} if self.request.GET.get("unit") else None,
            user=self.request.user,
        )
        predecessors = None
        if reverse_form.is_bound and reverse_form.is_valid():
            chosen = reverse_form.cleaned_data.get("unit")
            if chosen is not None:
                predecessors = {"unit": chosen, "successions": history.predecessors_of(chosen)}
        context.update(
            form=self.form,
            report=self.report,
            reverse_form=reverse_form,
            predecessors=predecessors,
            honesty_note=honesty_note(),
        )
        return context


class HistoryExportView(HistoryMixin, View):
    file_format = "xlsx"

    def get(self, request, *args, **kwargs):
        if self.report is None:
            raise Http404
        headers, rows = history_table(self.report)
        filename = f"truoc-sau-sap-xep-{self.report.old_unit.code}"
        audit.record_export(
            request, "truoc-sau-sap-xep", self.file_format, unit=hr_scope_of(request.user)
        )
        if self.file_format == "csv":
            return csv_response(f"{filename}.csv", headers, rows)
        return xlsx_response(
            f"{filename}.xlsx",
            history_title_lines(self.report, request.user),
            [Sheet(_("Before and after 2025"), headers, rows)],
        )
