from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from toolkit.uploads import check_upload
from units.models import AdministrativeUnit
from units.widgets import UnitSelect

from . import roles, usernames
from .models import Officer


def units_manageable_by(user):
    """Units in force that a user may put officers in: their area for HR, all for admins."""
    units = AdministrativeUnit.objects.current().select_related("parent")
    return roles.visible_to(user, units, unit_path="")


class OfficerAdminForm(WagtailAdminModelForm):
    """Officer form for HR: units limited to the HR officer's area; a login on creation."""

    username = forms.CharField(
        label=_("Username"),
        max_length=usernames.MAX_LENGTH,
        help_text=_(
            "The officer logs in with this name. For a first password, issue an activation code "
            "on the officer's page once saved (a slip to print or read out); an officer with "
            "an email can also use “Forgotten your password?” on the login page."
        ),
    )

    class Meta:
        model = Officer
        fields = Officer.PROFILE_FIELDS
        widgets = {"unit": UnitSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["username"]
        if self.for_user is not None:
            self.fields["unit"].queryset = units_manageable_by(self.for_user)

    def clean_username(self):
        username = self.cleaned_data["username"]
        usernames.validate_new_username(username, for_user=self.for_user)
        return username

    def clean_phone(self):
        from .models import normalize_phone

        return normalize_phone(self.cleaned_data["phone"])

    @transaction.atomic
    def save(self, commit=True):
        officer = super().save(commit=False)
        if not officer.pk:
            user = get_user_model()(username=self.cleaned_data["username"], email=officer.email)
            user.set_unusable_password()
            user.save()
            user.groups.add(Group.objects.get(name=roles.LEARNER))
            officer.user = user
        elif officer.email and officer.user.email != officer.email:
            officer.user.email = officer.email
            officer.user.save(update_fields=["email"])
        if commit:
            officer.save()
        return officer


class OfficerImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8) or Excel .xlsx; the first row holds the column names."),
    )

    def __init__(self, *args, max_bytes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The size first, then the kind by content whatever the name: CSV text or an .xlsx
        # (a ZIP). An old .xls goes on to the importer, which explains how to save it as .xlsx.
        check_upload(
            upload,
            kinds={"text", "zip", "ole"},
            max_bytes=self.max_bytes,
            expected=_("a CSV (UTF-8) or Excel .xlsx file"),
        )
        return upload
