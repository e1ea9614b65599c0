from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from officers import roles
from officers.forms import units_manageable_by
from officers.models import Officer
from units.widgets import UnitSelect

from .models import Assignment, CoursePage


class AssignmentForm(WagtailAdminModelForm):
    """HR picks a course, a deadline and whom it reaches — only within their own area."""

    class Meta:
        model = Assignment
        fields = ["course", "deadline", "unit", "job_position", "officers"]
        widgets = {"officers": forms.CheckboxSelectMultiple, "unit": UnitSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("title")
        if self.for_user is not None:
            self.fields["unit"].queryset = units_manageable_by(self.for_user)
            self.fields["officers"].queryset = (
                Officer.objects.visible_to(self.for_user).select_related("unit").in_name_order()
            )

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if not self.instance.pk and deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return deadline

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("unit") or cleaned.get("job_position") or cleaned.get("officers")):
            raise forms.ValidationError(
                _("Choose a unit, a job position or named officers to assign the course to.")
            )
        # HR without a unit chosen still only reaches their own area.
        hr_without_unit = (
            not cleaned.get("unit")
            and cleaned.get("job_position")
            and self.for_user is not None
            and not roles.is_administrator(self.for_user)
        )
        if hr_without_unit:
            cleaned["unit"] = roles.hr_scope_of(self.for_user)
            self.instance.unit = cleaned["unit"]
        return cleaned
