import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from .forms import units_manageable_by
from .models import JobPosition, Officer


class OfficerFilterSet(WagtailFilterSet):
    unit = django_filters.ModelChoiceFilter(
        label=_("Administrative unit"),
        queryset=lambda request: units_manageable_by(request.user),
        method="filter_unit",
    )
    job_position = django_filters.ModelChoiceFilter(
        label=_("Job position"), queryset=JobPosition.objects.all()
    )
    linked = django_filters.BooleanFilter(
        label=_("Linked to the procedure system"), method="filter_linked"
    )

    class Meta:
        model = Officer
        fields = ["unit", "job_position"]

    def filter_unit(self, queryset, name, unit):
        return queryset.in_unit(unit)

    def filter_linked(self, queryset, name, linked):
        return (
            queryset.exclude(procedure_account="")
            if linked
            else queryset.filter(procedure_account="")
        )
