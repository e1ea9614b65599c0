"""Wagtail admin for webhook deliveries: each event for each subscription, until the receiver
has it, with the log of every request made for it.

Seeing them needs view_outboxevent; "Resend" (any delivery: delivered, failed or pending) needs
change_outboxevent. A resend makes the delivery pending again now with its attempt count back
at 0, so it gets the full series of automatic retries; what it had is kept in its history (the
log entry of the resend).
"""

import django_filters
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from . import delivery as push
from .models import Delivery, OutboxEvent, Subscription
from .outbox_admin import (
    CHANGE_FEED,
    RESENT,
    ConfirmActionView,
    InspectDisplayMixin,
    ReadOnlyViewSetMixin,
    field_label,
    local_datetime,
)

# Deliveries are the push's working records: the feed's permissions decide who sees them
# (view_outboxevent) and who resends them (change_outboxevent).
register_permission_policy(Delivery, ModelPermissionPolicy(Delivery, auth_model=OutboxEvent))

# How many attempts the inspect view lists (the newest).
ATTEMPTS_SHOWN = 50


class DeliveryFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(label=gettext_lazy("State"), choices=Delivery.State.choices)
    subscription = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Subscription"), queryset=Subscription.objects.order_by("name")
    )

    class Meta:
        model = Delivery
        fields = ["state", "subscription"]


def next_attempt(delivery):
    return delivery.next_attempt_at if delivery.state == Delivery.State.PENDING else None


def short_error(delivery):
    return Truncator(delivery.last_error).chars(80) or "-"


def can_resend(user):
    return user.has_perm(CHANGE_FEED)


class DeliveryIndexView(IndexView):
    resend_url_name = None
    default_ordering = "-position"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("subscription")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if can_resend(self.request.user):
            buttons.append(
                MenuItem(
                    _("Resend"),
                    url=reverse(self.resend_url_name, args=[instance.pk]),
                    icon_name="resubmit",
                    priority=5,
                )
            )
        return buttons


class DeliveryInspectView(InspectDisplayMixin, InspectView):
    template_name = "procedure_system/admin/delivery_inspect.html"
    resend_url_name = None
    event_url_name = None

    def get_object(self, queryset=None):
        return get_object_or_404(
            Delivery.objects.select_related("subscription", "event"), pk=self.pk
        )

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if can_resend(self.request.user):
            buttons.append(
                Button(
                    _("Resend"),
                    url=reverse(self.resend_url_name, args=[self.object.pk]),
                    icon_name="resubmit",
                    priority=5,
                )
            )
        return buttons

    def get_field_label(self, field_name, field):
        if field_name == "kind":
            return _("Type, as the client sees it")
        return super().get_field_label(field_name, field)

    def get_event_display_value(self):
        event = self.object.event
        url = reverse(self.event_url_name, args=[event.pk])
        return format_html('<a href="{}">{}</a>', url, event)

    def get_next_attempt_at_display_value(self):
        return local_datetime(next_attempt(self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attempts = list(self.object.attempt_log.all()[: ATTEMPTS_SHOWN + 1])
        context["attempts"] = attempts[:ATTEMPTS_SHOWN]
        context["more_attempts"] = (
            self.object.attempt_log.count() - ATTEMPTS_SHOWN
            if len(attempts) > ATTEMPTS_SHOWN
            else 0
        )
        return context


class ResendView(ConfirmActionView):
    model = Delivery
    permission = CHANGE_FEED

    @property
    def action_label(self):
        return _("Resend")

    def get_queryset(self):
        return Delivery.objects.select_related("subscription")

    def explanation(self):
        return _(
            "“%(delivery)s” is sent again now. Its attempt count starts again from 0, so it is "
            "retried automatically as it was the first time; its history keeps how many "
            "attempts it had (%(attempts)d). The receiver keeps each webhook-id once, so "
            "sending a delivered event again does no harm."
        ) % {"delivery": self.object, "attempts": self.object.attempts}

    def perform(self, form):
        with transaction.atomic():
            delivery = Delivery.objects.select_for_update().get(pk=self.object.pk)
            log(
                instance=delivery,
                action=RESENT,
                user=self.request.user,
                data={
                    "state": delivery.state,
                    "attempts": delivery.attempts,
                    "last_status": delivery.last_status,
                    "last_error": delivery.last_error,
                },
            )
            push.resend(delivery, self.request.user)
        messages.success(
            self.request, _("“%(delivery)s” will be sent again now.") % {"delivery": delivery}
        )
        return self.done()


class DeliveryViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    model = Delivery
    icon = "resubmit"
    menu_label = gettext_lazy("Webhook deliveries")
    add_to_settings_menu = True
    index_view_class = DeliveryIndexView
    inspect_view_class = DeliveryInspectView
    filterset_class = DeliveryFilterSet
    list_display = [
        "kind",
        Column("subscription", label=field_label(Delivery, "subscription")),
        Column("position", label=field_label(Delivery, "position"), sort_key="position"),
        StatusTagColumn(
            "get_state_display",
            label=field_label(Delivery, "state"),
            sort_key="state",
            primary=lambda delivery: delivery.state == Delivery.State.DELIVERED,
        ),
        Column("attempts", label=field_label(Delivery, "attempts"), sort_key="attempts"),
        DateColumn(
            "next_attempt_at", label=field_label(Delivery, "next_attempt_at"), accessor=next_attempt
        ),
        Column("last_status", label=field_label(Delivery, "last_status")),
        Column("last_error", label=field_label(Delivery, "last_error"), accessor=short_error),
    ]
    inspect_view_fields = [
        "subscription",
        "event",
        "kind",
        "position",
        "subject",
        "state",
        "attempts",
        "first_attempt_at",
        "next_attempt_at",
        "last_attempt_at",
        "last_status",
        "last_error",
        "delivered_at",
    ]

    def get_permissions_to_register(self):
        # Its permissions are the feed's: the group editor offers none of its own.
        return super().get_permissions_to_register().none()

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(resend_url_name=self.get_url_name("resend"), **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            resend_url_name=self.get_url_name("resend"),
            event_url_name="feed_event:inspect",
            **kwargs,
        )

    @property
    def resend_view(self):
        return ResendView.as_view(
            index_url_name=self.get_url_name("index"),
            inspect_url_name=self.get_url_name("inspect"),
        )

    def get_urlpatterns(self):
        from django.urls import path

        return [
            *self.read_only_urlpatterns(),
            path("resend/<int:pk>/", self.resend_view, name="resend"),
        ]


delivery_viewset = DeliveryViewSet("webhook_delivery")
