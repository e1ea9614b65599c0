"""Wagtail admin for API clients: create one, see its token once, rotate it.

The token is shown only in the answer to the form that made it: it is never stored in clear,
never put in a message, a session or a URL. Lose it and the only way back is a new token.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log

import audit
from audit.models import Action
from units.models import AdministrativeUnit

from .api_auth import assign_new_token
from .models import ApiClient

TOKEN_ROTATED = "procedure_system.rotate_token"  # noqa: S105 (a log action name)  # nosec B105
TOKEN_TEMPLATE = "procedure_system/admin/api_client_token.html"  # noqa: S105  # nosec B105


class ApiClientForm(WagtailAdminModelForm):
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Administrative units"),
        queryset=AdministrativeUnit.objects.none(),  # set per form: "current" is dated
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "The client sees officers of these units and of every unit under them: choose the "
            "province to let it see the whole province."
        ),
    )
    requests_per_minute = forms.IntegerField(
        label=gettext_lazy("Requests per minute"), min_value=1, max_value=100_000, initial=120
    )

    class Meta:
        model = ApiClient
        fields = ["name", "units", "requests_per_minute", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Units in force today, and any the client already has (a unit merged away since).
        offered = Q(pk__in=AdministrativeUnit.objects.current())
        if self.instance.pk:
            offered |= Q(pk__in=self.instance.units.all())
        self.fields["units"].queryset = AdministrativeUnit.objects.filter(offered).order_by(
            "level", "code"
        )


def token_response(request, client, token, *, title, index_url):
    """The one page that shows a token; nothing caches it."""
    response = TemplateResponse(
        request,
        TOKEN_TEMPLATE,
        {
            "client": client,
            "token": token,
            "header_title": title,
            "page_title": title,
            "header_icon": "key",
            "breadcrumbs_items": [
                {"url": reverse("wagtailadmin_home"), "label": _("Home")},
                {"url": index_url, "label": _("API clients")},
                {"url": "", "label": str(client)},
            ],
            "index_url": index_url,
        },
    )
    add_never_cache_headers(response)
    return response


class ApiClientIndexView(IndexView):
    rotate_url_name = None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.request.user.has_perm("procedure_system.change_apiclient"):
            buttons.append(
                MenuItem(
                    _("Rotate token"),
                    url=reverse(self.rotate_url_name, args=[instance.pk]),
                    icon_name="key",
                    priority=25,
                )
            )
        return buttons


class ApiClientCreateView(CreateView):
    def save_instance(self):
        self.token = assign_new_token(self.form.instance)
        client = super().save_instance()
        audit.record(
            self.request,
            Action.API_TOKEN_CREATED,
            target=client,
            token_prefix=client.token_prefix,
            units=[unit.code for unit in client.units.all()],
        )
        return client

    def save_action(self):
        return token_response(
            self.request,
            self.object,
            self.token,
            title=_("API client “%(name)s” created") % {"name": self.object.name},
            index_url=reverse(self.index_url_name),
        )


class ApiClientEditView(EditView):
    rotate_url_name = None

    def save_instance(self):
        client = super().save_instance()
        if "is_active" in self.form.changed_data:
            # Deactivating a client is how its token is withdrawn without deleting its history.
            audit.record(
                self.request,
                Action.API_TOKEN_REVOKED if not client.is_active else Action.API_TOKEN_REACTIVATED,
                target=client,
                token_prefix=client.token_prefix,
                how="deactivated" if not client.is_active else "reactivated",
            )
        return client

    @property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if self.request.user.has_perm("procedure_system.change_apiclient"):
            buttons.append(
                Button(
                    _("Rotate token"),
                    url=reverse(self.rotate_url_name, args=[self.object.pk]),
                    icon_name="key",
                    priority=15,
                )
            )
        return buttons


class ApiClientRotateTokenView(WagtailAdminTemplateMixin, TemplateView):
    """GET asks for confirmation; POST replaces the token and shows the new one, once."""

    template_name = "procedure_system/admin/api_client_rotate.html"
    header_icon = "key"
    index_url_name = None
    edit_url_name = None

    def dispatch(self, request, pk):
        if not request.user.has_perm("procedure_system.change_apiclient"):
            raise PermissionDenied
        self.object = get_object_or_404(ApiClient, pk=pk)
        return super().dispatch(request, pk)

    def get_page_title(self):
        return _("Rotate the token of “%(name)s”") % {"name": self.object.name}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("API clients")},
            {
                "url": reverse(self.edit_url_name, args=[self.object.pk]),
                "label": str(self.object),
            },
            {"url": "", "label": _("Rotate token")},
        ]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "client": self.object,
            "edit_url": reverse(self.edit_url_name, args=[self.object.pk]),
        }

    def post(self, request, pk):
        with transaction.atomic():
            client = ApiClient.objects.select_for_update().get(pk=self.object.pk)
            old_prefix = client.token_prefix
            token = assign_new_token(client)
            client.save(update_fields=["token_prefix", "token_hash"])
            log(instance=client, action=TOKEN_ROTATED, user=request.user)
            audit.record(
                request,
                Action.API_TOKEN_ROTATED,
                target=client,
                token_prefix=client.token_prefix,
                replaced_prefix=old_prefix,
            )
        return token_response(
            request,
            client,
            token,
            title=_("New token for “%(name)s”") % {"name": client.name},
            index_url=reverse(self.index_url_name),
        )


class ApiClientDeleteView(DeleteView):
    def delete_action(self):
        with transaction.atomic():
            audit.record(
                self.request,
                Action.API_TOKEN_REVOKED,
                target=self.object,
                token_prefix=self.object.token_prefix,
                how="deleted",
            )
            super().delete_action()


class ApiClientViewSet(ModelViewSet):
    model = ApiClient
    icon = "key"
    menu_label = gettext_lazy("API clients")
    add_to_settings_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = ApiClientIndexView
    add_view_class = ApiClientCreateView
    edit_view_class = ApiClientEditView
    delete_view_class = ApiClientDeleteView
    list_display = [
        "name",
        Column("token_prefix", label=gettext_lazy("Token prefix")),
        "is_active",
        "requests_per_minute",
        "last_used_at",
    ]
    search_fields = ["name"]
    search_backend_name = None

    def get_form_class(self, for_update=False):
        return ApiClientForm

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(rotate_url_name=self.get_url_name("rotate"), **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(rotate_url_name=self.get_url_name("rotate"), **kwargs)

    @property
    def rotate_view(self):
        return ApiClientRotateTokenView.as_view(
            index_url_name=self.get_url_name("index"),
            edit_url_name=self.get_url_name("edit"),
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("rotate/<int:pk>/", self.rotate_view, name="rotate"),
        ]


api_client_viewset = ApiClientViewSet("api_client")
