"""Filters of the training reports, drawn by Wagtail's filter drawer.

The filters do not filter a queryset themselves: `report_filters()` turns the valid choices into
a queries.ReportFilters, and the report's queries apply it. The unit choices are the units in the
user's scope, so a unit outside it is an invalid choice: it is left out (the report shows the
whole scope) and the drawer shows the error.
"""

import datetime

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from courses.models import CoursePage, TrackPage
from officers.models import JobPosition, Officer
from units.widgets import UnitSelect

from .queries import ReportFilters, units_in_scope


def _day(value):
    """A date from the range field's bound (a datetime at the start or end of the day)."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date()
    return value


def _units(request):
    return units_in_scope(request.user) if request else None


class ReportFilterSet(WagtailFilterSet):
    unit = django_filters.ModelChoiceFilter(
        label=_("Administrative unit"), queryset=_units, method="keep", widget=UnitSelect
    )
    track = django_filters.ModelChoiceFilter(
        label=_("Track"), queryset=TrackPage.objects.order_by("path"), method="keep"
    )
    course = django_filters.ModelChoiceFilter(
        label=_("Course"), queryset=CoursePage.objects.order_by("path"), method="keep"
    )
    job_position = django_filters.ModelChoiceFilter(
        label=_("Job position"), queryset=JobPosition.objects.all(), method="keep"
    )

    # The name of the date range filter, if the report has one.
    period = None

    class Meta:
        # django-filter wants a model; nothing is filtered through it (see report_filters()).
        model = Officer
        fields = []

    def keep(self, queryset, name, value):
        return queryset

    def cleaned(self):
        """The valid choices (an invalid one, such as a unit outside the scope, is dropped)."""
        form = self.form
        form.is_valid()
        return getattr(form, "cleaned_data", {})

    def report_filters(self):
        data = self.cleaned()
        dates = data.get(self.period) if self.period else None
        return ReportFilters(
            unit=data.get("unit"),
            track=data.get("track"),
            course=data.get("course"),
            job_position=data.get("job_position"),
            date_from=_day(dates.start) if dates else None,
            date_to=_day(dates.stop) if dates else None,
        )

    def refused(self):
        """Labels of the filters whose value was refused."""
        self.cleaned()
        return [self.form.fields[name].label for name in self.form.errors]

    def described(self):
        """(label, value) of the filters in use, for the title block of exports."""
        data = self.cleaned()
        used = []
        for name, field in self.form.fields.items():
            value = data.get(name)
            if not value:
                continue
            if name == self.period:
                start, stop = _day(value.start), _day(value.stop)
                value = "{} – {}".format(
                    start.strftime("%d/%m/%Y") if start else "…",
                    stop.strftime("%d/%m/%Y") if stop else "…",
                )
            used.append((str(field.label), str(value)))
        return used


class CertificationFilterSet(ReportFilterSet):
    pass


class CoverageFilterSet(ReportFilterSet):
    enrolled = django_filters.DateFromToRangeFilter(
        label=_("Enrolled between"), widget=DateRangePickerWidget, method="keep"
    )
    period = "enrolled"


class AssessmentFilterSet(ReportFilterSet):
    submitted = django_filters.DateFromToRangeFilter(
        label=_("Submitted between"), widget=DateRangePickerWidget, method="keep"
    )
    period = "submitted"
