"""Wagtail admin for the outbox: what was sent to the procedure system, and "Retry now".

The listing is read-only (no add, edit or delete: an event is a record of what happened).
Anyone with view_outboxevent sees it; "Retry now", for failed and pending events, needs
change_outboxevent. A retry makes the event pending again with its attempt count back at 0,
so it gets the full series of automatic retries; the count it had is kept in the event's
history (the log entry of the retry).
"""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log

from . import delivery
from .models import OutboxEvent

RETRIED = "procedure_system.retry_event"
CHANGE_PERMISSION = "procedure_system.change_outboxevent"
RETRYABLE = (OutboxEvent.State.FAILED, OutboxEvent.State.PENDING)


def can_retry(user, event):
    return event.state in RETRYABLE and user.has_perm(CHANGE_PERMISSION)


def certificate_code(event):
    if event.certificate_id:
        return event.certificate.code
    return (event.payload.get("certificate") or {}).get("code", "")


def officer_name(event):
    if event.certificate_id:
        return event.certificate.officer.full_name
    return (event.payload.get("officer") or {}).get("full_name", "")


def label(field_name):
    return capfirst(OutboxEvent._meta.get_field(field_name).verbose_name)


def short_error(event):
    return Truncator(event.last_error).chars(80)


class OutboxEventIndexView(IndexView):
    retry_url_name = None
    default_ordering = "-created_at"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("certificate__officer")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if can_retry(self.request.user, instance):
            buttons.append(
                MenuItem(
                    _("Retry now"),
                    url=reverse(self.retry_url_name, args=[instance.pk]),
                    icon_name="resubmit",
                    priority=5,
                )
            )
        return buttons


class OutboxEventInspectView(InspectView):
    retry_url_name = None

    def get_object(self, queryset=None):
        return get_object_or_404(
            OutboxEvent.objects.select_related("certificate__officer"), pk=self.pk
        )

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if can_retry(self.request.user, self.object):
            buttons.append(
                Button(
                    _("Retry now"),
                    url=reverse(self.retry_url_name, args=[self.object.pk]),
                    icon_name="resubmit",
                    priority=5,
                )
            )
        return buttons

    def get_field_display_value(self, field_name, field):
        custom = hasattr(self, f"get_{field_name}_display_value")
        if not custom and getattr(self.object, field_name) in (None, ""):
            return "-"
        return super().get_field_display_value(field_name, field)

    def get_certificate_display_value(self):
        code = certificate_code(self.object)
        return f"{code} – {officer_name(self.object)}" if code else "-"

    def get_payload_display_value(self):
        return format_html(
            "<pre>{}</pre>", json.dumps(self.object.payload, ensure_ascii=False, indent=2)
        )


class OutboxEventRetryView(WagtailAdminTemplateMixin, TemplateView):
    """GET asks for confirmation; POST makes the event pending and queues its delivery."""

    template_name = "procedure_system/admin/outbox_event_retry.html"
    header_icon = "resubmit"
    index_url_name = None
    inspect_url_name = None

    def dispatch(self, request, pk):
        if not request.user.has_perm(CHANGE_PERMISSION):
            raise PermissionDenied
        self.object = get_object_or_404(OutboxEvent, pk=pk)
        return super().dispatch(request, pk)

    def get_page_title(self):
        return _("Retry now")

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(self.index_url_name),
                "label": OutboxEvent._meta.verbose_name_plural.capitalize(),
            },
            {
                "url": reverse(self.inspect_url_name, args=[self.object.pk]),
                "label": str(self.object),
            },
            {"url": "", "label": _("Retry now")},
        ]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "event": self.object,
            "retryable": self.object.state in RETRYABLE,
            "certificate_code": certificate_code(self.object),
            "officer_name": officer_name(self.object),
            "inspect_url": reverse(self.inspect_url_name, args=[self.object.pk]),
            "next": self.request.GET.get("next", ""),
        }

    def post(self, request, pk):
        with transaction.atomic():
            event = OutboxEvent.objects.select_for_update().get(pk=pk)
            if event.state not in RETRYABLE:
                messages.error(request, _("This event has already been delivered."))
                return redirect(self.inspect_url_name, event.pk)
            previous_attempts = delivery.retry(event)
            log(
                instance=event,
                action=RETRIED,
                user=request.user,
                data={"attempts": previous_attempts, "last_error": event.last_error},
            )
        messages.success(
            request,
            _("“%(event)s” will be sent to the procedure system again now.") % {"event": event},
        )
        next_url = request.POST.get("next", "")
        # A path on this site only: redirect() would take "abc" for the name of a view.
        if next_url.startswith("/") and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return HttpResponseRedirect(next_url)
        return redirect(self.inspect_url_name, event.pk)


class OutboxEventViewSet(ModelViewSet):
    model = OutboxEvent
    icon = "resubmit"
    menu_label = gettext_lazy("Events for the procedure system")
    add_to_settings_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = OutboxEventIndexView
    inspect_view_class = OutboxEventInspectView
    list_filter = ["state", "kind"]
    list_display = [
        "kind",
        Column("certificate_code", label=gettext_lazy("Certificate"), accessor=certificate_code),
        Column("officer", label=gettext_lazy("Officer"), accessor=officer_name),
        StatusTagColumn(
            "get_state_display",
            label=label("state"),
            sort_key="state",
            primary=lambda event: event.state == OutboxEvent.State.DELIVERED,
        ),
        Column("attempts", label=label("attempts"), sort_key="attempts"),
        Column("last_status", label=label("last_status")),
        Column("last_error", label=label("last_error"), accessor=short_error),
        DateColumn("created_at", label=label("created_at"), sort_key="created_at"),
        DateColumn("delivered_at", label=label("delivered_at"), sort_key="delivered_at"),
    ]
    search_fields = ["certificate__code", "certificate__officer__full_name"]
    search_backend_name = None
    inspect_view_fields = [
        "id",
        "kind",
        "certificate",
        "state",
        "attempts",
        "created_at",
        "last_attempt_at",
        "last_status",
        "last_error",
        "next_attempt_at",
        "delivered_at",
        "payload",
    ]

    # Read-only: no add, edit, delete or copy views, and nothing links to them.
    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{"add_url_name": None, "edit_url_name": None, "delete_url_name": None, **kwargs}
        )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(retry_url_name=self.get_url_name("retry"), **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(retry_url_name=self.get_url_name("retry"), **kwargs)

    @property
    def retry_view(self):
        return OutboxEventRetryView.as_view(
            index_url_name=self.get_url_name("index"),
            inspect_url_name=self.get_url_name("inspect"),
        )

    @property
    def url_finder_class(self):
        inspect_url_name = self.get_url_name("inspect")

        class OutboxEventURLFinder(ModelAdminURLFinder):
            """Log entries and reports link to an event's inspect view."""

            edit_url_name = inspect_url_name

            def get_edit_url(self, instance):
                if self.user and not (
                    self.user.has_perm("procedure_system.view_outboxevent")
                    or self.user.has_perm(CHANGE_PERMISSION)
                ):
                    return None
                return self.construct_edit_url(instance)

        return OutboxEventURLFinder

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<uuid:pk>/", self.inspect_view, name="inspect"),
            path("history/<uuid:pk>/", self.history_view, name="history"),
            path("history-results/<uuid:pk>/", self.history_results_view, name="history_results"),
            path("usage/<uuid:pk>/", self.usage_view, name="usage"),
            path("retry/<uuid:pk>/", self.retry_view, name="retry"),
        ]


outbox_event_viewset = OutboxEventViewSet("outbox_event")
