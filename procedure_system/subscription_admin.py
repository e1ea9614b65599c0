"""Wagtail admin for webhook subscriptions: where each API client's events are pushed.

A new subscription gets its first signing secret, shown once on the page that answers the
form (never stored anywhere the browser keeps, never in a message). "Rotate secret" makes a
new one and lets the previous ones sign for SECRET_OVERLAP more, so the receiver can switch
without losing a request. A subscription the delivery disabled after failing for the whole
retry span is enabled again by hand; "Replay" delivers the feed again from a position.

The receiver configured in the environment (PROCEDURE_SYSTEM_EVENTS_URL and
PROCEDURE_SYSTEM_SECRET; the subscription without a client) is shown, enabled again and
replayed here, but its address and secret are changed in the environment only.

Managing needs add/change/delete_subscription; seeing, view_subscription or view_outboxevent
(whoever watches the push).
"""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from units.models import AdministrativeUnit

from . import delivery, feed, webhooks
from .models import ApiClient, Delivery, OutboxEvent, SigningSecret, Subscription
from .outbox_admin import (
    ENABLED,
    REPLAYED,
    SECRET_ROTATED,
    VIEW_FEED,
    ConfirmActionView,
    InspectDisplayMixin,
    field_label,
    local_datetime,
    or_dash,
)

SECRET_TEMPLATE = "procedure_system/admin/subscription_secret.html"  # noqa: S105  # nosec B105
# How long the previous secrets keep signing after a rotation.
SECRET_OVERLAP = timedelta(hours=24)
CHANGE = "procedure_system.change_subscription"


# --- Secrets (the rules; the views below only call them) --------------------------------------


def issue_secret(subscription):
    """A new signing secret for the subscription, valid until the next rotation."""
    return SigningSecret.objects.create(subscription=subscription, secret=webhooks.new_secret())


def rotate_secret(subscription, now=None):
    """A new secret; those still valid keep signing until now + SECRET_OVERLAP (none is made
    to last longer than it would have). Returns the new secret and the end of the overlap."""
    until = (now or timezone.now()) + SECRET_OVERLAP
    subscription.secrets.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=until)).update(
        expires_at=until
    )
    return issue_secret(subscription), until


# --- Who may see and manage them ---------------------------------------------------------------


class SubscriptionPermissionPolicy(ModelPermissionPolicy):
    """Those who may see the feed and the deliveries see the subscriptions too."""

    def user_has_permission(self, user, action):
        if action == "view" and user.has_perm(VIEW_FEED):
            return True
        return super().user_has_permission(user, action)


register_permission_policy(Subscription, SubscriptionPermissionPolicy(Subscription))


# --- The form ---------------------------------------------------------------------------------

MOVE_LABELS = {
    feed.MOVED_IN: gettext_lazy("Officer moved into the area"),
    feed.MOVED_OUT: gettext_lazy("Officer moved out of the area"),
    OutboxEvent.Kind.MOVED.value: gettext_lazy("Officer moved within the area"),
}


def type_label(event_type):
    if event_type in MOVE_LABELS:
        return MOVE_LABELS[event_type]
    return OutboxEvent.Kind(event_type).label


def type_choices():
    return [(kind, f"{type_label(kind)} ({kind})") for kind in feed.CLIENT_TYPES]


class SubscriptionForm(WagtailAdminModelForm):
    client = forms.ModelChoiceField(
        label=gettext_lazy("API client"), queryset=ApiClient.objects.order_by("name")
    )
    url = forms.URLField(
        label=gettext_lazy("Webhook URL"),
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy(
            "The receiver's address (https in production). Events are POSTed to it."
        ),
    )
    event_types = forms.MultipleChoiceField(
        label=gettext_lazy("Event types"),
        choices=type_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Leave every box empty to receive every type."),
    )
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Administrative units"),
        queryset=AdministrativeUnit.objects.none(),  # set per form: "current" is dated
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Leave empty for the client's whole area; otherwise only these units (and the "
            "units under them), which must lie in the client's area."
        ),
    )

    class Meta:
        model = Subscription
        fields = ["client", "name", "url", "event_types", "units", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offered = Q(pk__in=AdministrativeUnit.objects.current())
        if self.instance.pk:
            offered |= Q(pk__in=self.instance.units.all())
        self.fields["units"].queryset = AdministrativeUnit.objects.filter(offered).order_by(
            "level", "code"
        )

    def clean_event_types(self):
        chosen = set(self.cleaned_data["event_types"])
        return [kind for kind in feed.CLIENT_TYPES if kind in chosen]

    def clean(self):
        cleaned = super().clean()
        client, units = cleaned.get("client"), cleaned.get("units")
        if client is not None and units:
            area = feed.Area.of_client(client)
            for unit in units:
                if unit.pk not in area:
                    self.add_error(
                        "units",
                        _(
                            "%(unit)s is not in the area of the API client “%(client)s”: "
                            "choose units among %(area)s and the units under them."
                        )
                        % {
                            "unit": unit,
                            "client": client,
                            "area": ", ".join(str(u) for u in client.units.all()) or "-",
                        },
                    )
        return cleaned


# --- What the pages show ------------------------------------------------------------------------


def receiver_url(subscription):
    if subscription.is_environment:
        return settings.PROCEDURE_SYSTEM_EVENTS_URL or _("not configured")
    return subscription.url


def status_of(subscription):
    if not subscription.is_active:
        return _("Switched off")
    if subscription.is_environment and feed.environment_subscription() is None:
        return _("Not configured")
    if subscription.is_disabled:
        return _("Disabled after failures")
    if subscription.failing_since:
        return _("Failing")
    return _("Working")


def is_working(subscription):
    return (
        subscription.is_active and not subscription.is_disabled and not subscription.failing_since
    )


def client_of(subscription):
    if subscription.is_environment:
        return _("Environment (PROCEDURE_SYSTEM_EVENTS_URL)")
    return subscription.client.name


def why_not_replayable(subscription):
    if not subscription.is_active:
        return _("This subscription is switched off: it receives nothing. Switch it on first.")
    if subscription.is_environment and feed.environment_subscription() is None:
        return _(
            "The receiver of the environment is not configured (PROCEDURE_SYSTEM_EVENTS_URL "
            "and PROCEDURE_SYSTEM_SECRET)."
        )
    return ""


class ActionURLs:
    """The subscription actions a user may take on a row, as (label, url name, icon)."""

    def __init__(self, request, url_names):
        self.user = request.user
        self.url_names = url_names

    def __call__(self, subscription):
        if not self.user.has_perm(CHANGE):
            return []
        actions = []
        if not subscription.is_environment:
            actions.append((_("Rotate secret"), "rotate", "key"))
        if subscription.is_disabled:
            actions.append((_("Enable again"), "enable", "resubmit"))
        actions.append((_("Replay"), "replay", "repeat"))
        return [
            (label, reverse(self.url_names[name], args=[subscription.pk]), icon)
            for label, name, icon in actions
        ]


class SubscriptionIndexView(IndexView):
    action_url_names = None

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("client")

    def get_edit_url(self, instance):
        if instance.is_environment:
            return None
        return super().get_edit_url(instance)

    def get_delete_url(self, instance):
        if instance.is_environment:
            return None
        return super().get_delete_url(instance)

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        actions = ActionURLs(self.request, self.action_url_names)(instance)
        for priority, (label, url, icon) in enumerate(actions, start=40):
            buttons.append(MenuItem(label, url=url, icon_name=icon, priority=priority))
        return buttons


class SecretPageMixin:
    inspect_url_name = None

    def secret_response(self, subscription, secret, title, overlap_until=None):
        """The one page that shows a secret; nothing caches it."""
        inspect_url = reverse(self.inspect_url_name, args=[subscription.pk])
        response = TemplateResponse(
            self.request,
            SECRET_TEMPLATE,
            {
                "subscription": subscription,
                "secret": secret.secret,
                "overlap_until": overlap_until,
                "header_title": title,
                "page_title": title,
                "header_icon": "key",
                "breadcrumbs_items": [
                    {"url": reverse("wagtailadmin_home"), "label": _("Home")},
                    {"url": reverse(self.index_url_name), "label": _("Webhook subscriptions")},
                    {"url": inspect_url, "label": str(subscription)},
                ],
                "inspect_url": inspect_url,
            },
        )
        add_never_cache_headers(response)
        return response


class SubscriptionCreateView(SecretPageMixin, CreateView):
    def save_instance(self):
        subscription = super().save_instance()
        self.secret = issue_secret(subscription)
        return subscription

    def save_action(self):
        return self.secret_response(
            self.object,
            self.secret,
            _("Webhook subscription “%(name)s” created") % {"name": self.object.name},
        )


class EnvironmentIsReadOnlyMixin:
    """The environment's receiver is configured in the environment: no form changes it."""

    inspect_url_name = None

    def dispatch(self, request, *args, **kwargs):
        # The edit view loads its object in get() and post(): load it now.
        self.object = self.get_object()
        if self.object.is_environment:
            if not self.user_has_permission(self.permission_required):
                raise PermissionDenied
            messages.warning(
                request,
                _(
                    "“%(name)s” is configured in the environment (PROCEDURE_SYSTEM_EVENTS_URL "
                    "and PROCEDURE_SYSTEM_SECRET): change it there."
                )
                % {"name": self.object.name},
            )
            return redirect(self.inspect_url_name, self.object.pk)
        return super().dispatch(request, *args, **kwargs)


class SubscriptionEditView(EnvironmentIsReadOnlyMixin, EditView):
    pass


class SubscriptionDeleteView(EnvironmentIsReadOnlyMixin, DeleteView):
    pass


class SubscriptionInspectView(InspectDisplayMixin, InspectView):
    action_url_names = None
    deliveries_url_name = None

    def get_object(self, queryset=None):
        return get_object_or_404(Subscription.objects.select_related("client"), pk=self.pk)

    def get_edit_url(self):
        return None if self.object.is_environment else super().get_edit_url()

    def get_delete_url(self):
        return None if self.object.is_environment else super().get_delete_url()

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        actions = ActionURLs(self.request, self.action_url_names)(self.object)
        for priority, (label, url, icon) in enumerate(actions, start=40):
            buttons.append(Button(label, url=url, icon_name=icon, priority=priority))
        return buttons

    def get_client_display_value(self):
        return client_of(self.object)

    def get_url_display_value(self):
        return receiver_url(self.object)

    def get_event_types_display_value(self):
        kinds = self.object.event_types
        return ", ".join(str(type_label(kind)) for kind in kinds) if kinds else _("Every type")

    def get_units_display_value(self):
        if self.object.is_environment:
            return _("Every unit")
        units = ", ".join(str(unit) for unit in self.object.units.all())
        return units or _("The client's whole area")

    def get_is_active_display_value(self):
        return status_of(self.object)

    def get_secrets_display_value(self):
        if self.object.is_environment:
            return _("PROCEDURE_SYSTEM_SECRET, from the environment")
        now = timezone.now()
        lines = []
        for secret in self.object.secrets.all():
            created = local_datetime(secret.created_at)
            if secret.expires_at is None:
                state = _("signs every request")
            elif secret.expires_at > now:
                state = _("still signs until %(date)s") % {
                    "date": local_datetime(secret.expires_at)
                }
            else:
                state = _("expired %(date)s") % {"date": local_datetime(secret.expires_at)}
            lines.append((_("Created %(date)s") % {"date": created}, state))
        if not lines:
            return "-"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", lines))

    def get_deliveries_display_value(self):
        counts = dict(
            self.object.deliveries.values_list("state").annotate(n=Count("pk")).order_by()
        )
        summary = ", ".join(
            f"{label}: {counts.get(state, 0)}" for state, label in Delivery.State.choices
        )
        url = reverse(self.deliveries_url_name) + f"?subscription={self.object.pk}"
        return format_html('{} (<a href="{}">{}</a>)', summary, url, _("see the deliveries"))

    def get_field_label(self, field_name, field):
        labels = {
            "secrets": _("Signing secrets"),
            "deliveries": _("Deliveries"),
            "is_active": _("State"),
        }
        if field_name in labels:
            return labels[field_name]
        return super().get_field_label(field_name, field)


# --- Actions ----------------------------------------------------------------------------------


class SubscriptionActionView(ConfirmActionView):
    model = Subscription
    permission = CHANGE


class RotateSecretView(SecretPageMixin, SubscriptionActionView):
    header_icon = "key"
    button_class = "button serious"

    @property
    def action_label(self):
        return _("Rotate secret")

    def explanation(self):
        return _(
            "A new signing secret is made and shown once. The current one keeps signing for "
            "24 hours more: meanwhile every request carries a signature with each, so give "
            "the new secret to the receiver's administrators within that time."
        )

    def refusal(self):
        if self.object.is_environment:
            return _("This receiver's secret is PROCEDURE_SYSTEM_SECRET: change it there.")
        return ""

    def perform(self, form):
        with transaction.atomic():
            subscription = Subscription.objects.select_for_update().get(pk=self.object.pk)
            secret, until = rotate_secret(subscription)
            log(
                instance=subscription,
                action=SECRET_ROTATED,
                user=self.request.user,
                data={"previous_valid_until": until.isoformat()},
            )
        return self.secret_response(
            subscription,
            secret,
            _("New signing secret for “%(name)s”") % {"name": subscription.name},
            overlap_until=until,
        )


class EnableView(SubscriptionActionView):
    @property
    def action_label(self):
        return _("Enable again")

    def explanation(self):
        return _(
            "It was disabled on %(date)s: %(reason)s. Enabled again, its waiting deliveries "
            "are sent now, in order."
        ) % {
            "date": local_datetime(self.object.disabled_at),
            "reason": or_dash(self.object.disabled_reason),
        }

    def refusal(self):
        return "" if self.object.is_disabled else _("This subscription is not disabled.")

    def perform(self, form):
        # No lock on the subscription here: enable() locks its deliveries first, as every
        # delivery outcome does.
        subscription = self.object
        with transaction.atomic():
            log(
                instance=subscription,
                action=ENABLED,
                user=self.request.user,
                data={
                    "disabled_at": subscription.disabled_at.isoformat(),
                    "reason": subscription.disabled_reason,
                },
            )
            waiting = delivery.enable(subscription)
        messages.success(
            self.request,
            ngettext(
                "“%(name)s” is enabled again: %(count)d waiting delivery is being sent.",
                "“%(name)s” is enabled again: %(count)d waiting deliveries are being sent.",
                waiting,
            )
            % {"name": subscription.name, "count": waiting},
        )
        return self.done()


class ReplayForm(forms.Form):
    after = forms.IntegerField(
        label=gettext_lazy("After feed position"),
        min_value=0,
        initial=0,
        help_text=gettext_lazy(
            "Every event of the subscription's area with a higher position is delivered again "
            "(0: the whole feed). The receiver keeps each webhook-id once."
        ),
    )


class ReplayView(SubscriptionActionView):
    button_class = "button serious"

    @property
    def action_label(self):
        return _("Replay")

    def get_form_class(self):
        return ReplayForm

    def explanation(self):
        return _("Deliver again, in order, the events after a feed position.")

    def refusal(self):
        return why_not_replayable(self.object)

    def perform(self, form):
        after = form.cleaned_data["after"]
        subscription = self.object
        # No lock on the subscription: replay() writes its deliveries, which delivery outcomes
        # lock before the subscription.
        with transaction.atomic():
            count = feed.replay(subscription, after)
            log(
                instance=subscription,
                action=REPLAYED,
                user=self.request.user,
                data={"after": after, "events": count},
            )
        messages.success(
            self.request,
            ngettext(
                "%(count)d event after position %(after)d is queued for “%(name)s”.",
                "%(count)d events after position %(after)d are queued for “%(name)s”.",
                count,
            )
            % {"count": count, "after": after, "name": subscription.name},
        )
        return self.done()


# --- The viewset ------------------------------------------------------------------------------


class SubscriptionViewSet(ModelViewSet):
    model = Subscription
    icon = "link-external"
    menu_label = gettext_lazy("Webhook subscriptions")
    add_to_settings_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = SubscriptionIndexView
    add_view_class = SubscriptionCreateView
    edit_view_class = SubscriptionEditView
    delete_view_class = SubscriptionDeleteView
    inspect_view_class = SubscriptionInspectView
    list_display = [
        "name",
        Column("client", label=gettext_lazy("API client"), accessor=client_of),
        Column("url", label=field_label(Subscription, "url"), accessor=receiver_url),
        StatusTagColumn(
            "status", label=gettext_lazy("State"), accessor=status_of, primary=is_working
        ),
        DateColumn("failing_since", label=field_label(Subscription, "failing_since")),
        DateColumn("last_success_at", label=field_label(Subscription, "last_success_at")),
    ]
    search_fields = ["name", "url", "client__name"]
    search_backend_name = None
    inspect_view_fields = [
        "name",
        "client",
        "url",
        "event_types",
        "units",
        "is_active",
        "disabled_at",
        "disabled_reason",
        "failing_since",
        "last_success_at",
        "created_at",
        "secrets",
        "deliveries",
    ]
    action_views = {"rotate": RotateSecretView, "enable": EnableView, "replay": ReplayView}

    def get_form_class(self, for_update=False):
        return SubscriptionForm

    @property
    def action_url_names(self):
        return {name: self.get_url_name(name) for name in self.action_views}

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(action_url_names=self.action_url_names, **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            action_url_names=self.action_url_names,
            deliveries_url_name="webhook_delivery:index",
            **kwargs,
        )

    def action_view(self, name):
        return self.action_views[name].as_view(
            index_url_name=self.get_url_name("index"),
            inspect_url_name=self.get_url_name("inspect"),
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            *[
                path(f"{name}/<int:pk>/", self.action_view(name), name=name)
                for name in self.action_views
            ],
        ]


subscription_viewset = SubscriptionViewSet("webhook_subscription")
