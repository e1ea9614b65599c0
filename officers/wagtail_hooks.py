from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from toolkit.admin_menu import PermissionMenuItem

from . import activation_views, admin_views, procedure_accounts
from .filters import OfficerFilterSet
from .forms import OfficerAdminForm
from .models import Officer


class OfficerViewSet(ModelViewSet):
    model = Officer
    icon = "group"
    menu_label = _("Officers")
    menu_order = 200
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = admin_views.OfficerIndexView
    add_view_class = admin_views.OfficerCreateView
    edit_view_class = admin_views.OfficerEditView
    delete_view_class = admin_views.OfficerDeleteView
    history_view_class = admin_views.OfficerHistoryView
    usage_view_class = admin_views.OfficerUsageView
    filterset_class = OfficerFilterSet
    list_display = ["full_name", "user", "unit", "job_position", "procedure_account"]
    search_fields = ["full_name", "user__username", "email", "unit__code", "procedure_account"]
    search_backend_name = None  # plain database search: scoped querysets stay scoped
    list_export = [
        "full_name",
        "user.username",
        "unit.code",
        "unit.name",
        "job_position.name",
        "title",
        "email",
        "phone",
        "procedure_account",
    ]
    export_headings = {
        "full_name": _("Full name"),
        "user.username": _("Username"),
        "unit.code": _("Unit code"),
        "unit.name": _("Administrative unit"),
        "job_position.name": _("Job position"),
        "title": _("Title"),
        "email": _("Email"),
        "phone": _("Phone"),
        "procedure_account": _("Procedure-system account"),
    }
    export_filename = "can-bo"

    def get_form_class(self, for_update=False):
        return OfficerAdminForm


officer_viewset = OfficerViewSet("officer")


@hooks.register("register_admin_viewset")
def register_officer_viewset():
    return officer_viewset


@hooks.register("register_admin_urls")
def register_import_urls():
    return [
        path("officers/import/", admin_views.OfficerImportView.as_view(), name="officer_import"),
        path(
            "officers/<int:pk>/activation-code/",
            activation_views.IssueActivationCodeView.as_view(),
            name="officer_activation_code",
        ),
        path(
            "officers/import/template.csv",
            admin_views.import_template,
            name="officer_import_template",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return PermissionMenuItem(
        _("Import officers"),
        reverse("officer_import"),
        icon_name="upload",
        order=210,
        permission="officers.import_officers",
    )


# Procedure-system accounts officers propose and HR confirms (see procedure_accounts.py).
@hooks.register("register_admin_urls")
def register_procedure_account_urls():
    return procedure_accounts.admin_urls()


@hooks.register("register_admin_menu_item")
def register_procedure_account_menu_item():
    return PermissionMenuItem(
        _("Accounts to confirm"),
        reverse("procedure_accounts_pending"),
        icon_name="key",
        order=220,
        permission="officers.change_officer",
    )


@hooks.register("register_log_actions")
def register_procedure_account_log_actions(actions):
    procedure_accounts.register_log_actions(actions)
