"""Wagtail admin views for officers, scoped to what the signed-in user may see."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import ProtectedError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.widgets.button import Button

import audit
from toolkit import spreadsheets

from . import roles
from .forms import OfficerImportForm
from .importing import TEMPLATE_HEADERS, import_officers
from .models import Officer


class ScopedObjectMixin:
    """A user reaches only objects inside their area; others look like they do not exist."""

    def allowed_objects(self):
        return Officer.objects.visible_to(self.request.user)

    def get_object(self, *args, **kwargs):
        officer = super().get_object(*args, **kwargs)
        if not self.allowed_objects().filter(pk=officer.pk).exists():
            raise Http404
        return officer


class ManageableObjectMixin(ScopedObjectMixin):
    """Changing needs more than seeing: HR cannot change an administrator's account."""

    def allowed_objects(self):
        return Officer.objects.manageable_by(self.request.user)


class OfficerIndexView(IndexView):
    def get_base_queryset(self):
        return Officer.objects.visible_to(self.request.user).select_related(
            "unit__parent", "job_position", "user"
        )

    def as_spreadsheet(self, queryset, spreadsheet_format):
        # A list of officers with their emails and phones leaving the platform.
        audit.record_export(
            self.request,
            "can-bo",
            spreadsheet_format,
            unit=roles.hr_scope_of(self.request.user),
        )
        return super().as_spreadsheet(queryset, spreadsheet_format)


class OfficerCreateView(CreateView):
    pass


class OfficerEditView(ManageableObjectMixin, EditView):
    @cached_property
    def header_more_buttons(self):
        # The way to a first password for an officer without email (officers/activation.py).
        return [
            *super().header_more_buttons,
            Button(
                _("Activation code"),
                url=reverse("officer_activation_code", args=[self.object.pk]),
                icon_name="key",
                priority=5,
            ),
        ]


class OfficerDeleteView(ManageableObjectMixin, DeleteView):
    def form_valid(self, form):
        # Wagtail's usage check reads the reference index, which misses records created outside
        # the admin (imports, seeds); the database still protects certificates and attempts.
        try:
            return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request,
                _(
                    "%(officer)s cannot be deleted: their certificates must be kept. Move them "
                    "to another unit or deactivate their login instead."
                )
                % {"officer": self.object},
            )
            return redirect("officer:edit", self.object.pk)


class OfficerHistoryView(ScopedObjectMixin, HistoryView):
    pass


class OfficerUsageView(ScopedObjectMixin, UsageView):
    pass


class OfficerImportView(PermissionRequiredMixin, WagtailAdminTemplateMixin, FormView):
    permission_required = "officers.import_officers"
    raise_exception = True
    page_title = gettext_lazy("Import officers")
    header_icon = "upload"
    template_name = "officers/admin/import.html"
    form_class = OfficerImportForm

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("officer:index"), "label": _("Officers")},
            {"url": "", "label": self.page_title},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "max_bytes": settings.OFFICER_IMPORT_MAX_BYTES}

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        result = import_officers(upload.read(), upload.name, user=self.request.user)
        if not result.ok:
            messages.error(
                self.request,
                _(
                    "Nothing was imported: the file has %(count)d problem(s). Fix them and upload "
                    "the file again."
                )
                % {"count": len(result.problems)},
            )
            return self.render_to_response(
                self.get_context_data(form=form, problems=result.problems, filename=upload.name)
            )
        messages.success(
            self.request,
            _(
                "%(file)s imported: %(created)d officers added, %(updated)d updated, "
                "%(unchanged)d unchanged."
            )
            % {
                "file": upload.name,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        )
        return redirect("officer:index")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "headers": TEMPLATE_HEADERS}


@permission_required("officers.import_officers", raise_exception=True)
def import_template(request):
    """An empty CSV with the expected columns, for HR to fill in."""
    example = [
        "nguyenvana",
        "Nguyễn Văn A",
        "03172",
        "van-thu",
        "Văn thư",
        "nguyenvana@example.vn",
        "0912345678",
        "011090001234",
        "nva.nasang",
    ]
    return spreadsheets.csv_response("mau-nhap-can-bo.csv", TEMPLATE_HEADERS, [example])
