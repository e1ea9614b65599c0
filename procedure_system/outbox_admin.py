"""What the push's admin views share: the log actions, read-only viewsets, and the page that
asks "are you sure?" before an action (rotate a secret, enable again, resend, replay).

The views themselves: feed_admin.py (the change feed), subscription_admin.py (webhook
subscriptions and their secrets), delivery_admin.py (deliveries and their attempt logs).
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

# Log actions (registered in wagtail_hooks.py). RETRIED names the old "Retry now" of an
# event: entries made before issue 15 still carry it.
RETRIED = "procedure_system.retry_event"
RESENT = "procedure_system.resend_delivery"
SECRET_ROTATED = "procedure_system.rotate_secret"  # noqa: S105 (a log action name)  # nosec B105
ENABLED = "procedure_system.enable_subscription"
REPLAYED = "procedure_system.replay_subscription"

LOG_ACTIONS = [
    (RETRIED, _("Retry delivery to the procedure system"), _("Delivery retried by hand")),
    (RESENT, _("Resend a webhook delivery"), _("Delivery resent by hand")),
    (SECRET_ROTATED, _("Rotate a webhook signing secret"), _("Signing secret rotated")),
    (ENABLED, _("Enable a webhook subscription again"), _("Subscription enabled again")),
    (REPLAYED, _("Replay the feed to a webhook subscription"), _("Feed replayed")),
]

# Seeing the push (the feed, subscriptions, deliveries) and acting on deliveries.
VIEW_FEED = "procedure_system.view_outboxevent"
CHANGE_FEED = "procedure_system.change_outboxevent"


def field_label(model, name):
    return capfirst(model._meta.get_field(name).verbose_name)


def or_dash(value):
    return "-" if value in (None, "") else value


def local_datetime(value):
    """A date and time as the admin shows them: in the site's time zone (a model field's value
    is in UTC)."""
    return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else "-"


class InspectDisplayMixin:
    """Inspect views: "-" for what is empty, dates and times in the site's time zone."""

    def get_field_display_value(self, field_name, field):
        if not hasattr(self, f"get_{field_name}_display_value"):
            value = getattr(self.object, field_name, None)
            if value in (None, ""):
                return "-"
            if isinstance(value, datetime.datetime):
                return local_datetime(value)
        return super().get_field_display_value(field_name, field)


class ReadOnlyViewSetMixin:
    """A ModelViewSet with no add, edit, copy or delete view, and nothing linking to them."""

    copy_view_enabled = False
    inspect_view_enabled = True

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{"add_url_name": None, "edit_url_name": None, "delete_url_name": None, **kwargs}
        )

    @property
    def url_finder_class(self):
        """Log entries and reports link to a row's inspect view."""
        inspect_url_name = self.get_url_name("inspect")
        policy = self.permission_policy

        class InspectURLFinder(ModelAdminURLFinder):
            edit_url_name = inspect_url_name

            def get_edit_url(self, instance):
                if self.user and not policy.user_has_any_permission(self.user, ["view", "change"]):
                    return None
                return self.construct_edit_url(instance)

        return InspectURLFinder

    def read_only_urlpatterns(self):
        from django.urls import path

        conv = self.pk_path_converter
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(f"inspect/<{conv}:pk>/", self.inspect_view, name="inspect"),
            path(f"history/<{conv}:pk>/", self.history_view, name="history"),
            path(
                f"history-results/<{conv}:pk>/", self.history_results_view, name="history_results"
            ),
            path(f"usage/<{conv}:pk>/", self.usage_view, name="usage"),
        ]


class ConfirmActionView(WagtailAdminTemplateMixin, FormView):
    """GET asks for confirmation (with a form when the action takes input); POST does it.

    Subclasses set `model`, `permission`, `action_label`, and define `explanation()` and
    `perform(form)`, which returns the response (a redirect with a message, or a page).
    """

    template_name = "procedure_system/admin/confirm_action.html"
    model = None
    permission = None
    action_label = ""
    button_class = "button"
    header_icon = "resubmit"
    index_url_name = None
    inspect_url_name = None

    def dispatch(self, request, pk):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        self.object = get_object_or_404(self.get_queryset(), pk=pk)
        return super().dispatch(request, pk)

    def get_queryset(self):
        return self.model._default_manager.all()

    def get_form_class(self):
        from django import forms

        return forms.Form

    def get_page_title(self):
        return self.action_label

    def get_page_subtitle(self):
        return str(self.object)

    @property
    def inspect_url(self):
        return reverse(self.inspect_url_name, args=[self.object.pk])

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(self.index_url_name),
                "label": capfirst(self.model._meta.verbose_name_plural),
            },
            {"url": self.inspect_url, "label": str(self.object)},
            {"url": "", "label": self.action_label},
        ]

    def explanation(self):
        return ""

    def refusal(self):
        """Why the action cannot be done on this object now (shown instead of the form)."""
        return ""

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "object": self.object,
            "explanation": self.explanation(),
            "refusal": self.refusal(),
            "action_label": self.action_label,
            "button_class": self.button_class,
            "cancel_url": self.inspect_url,
            "next": self.request.GET.get("next", ""),
        }

    def form_valid(self, form):
        if self.refusal():
            return self.form_invalid(form)
        return self.perform(form)

    def perform(self, form):
        raise NotImplementedError

    def next_url(self):
        """Where to go once done: the page the action was started from when it is on this
        site, else the object's inspect view."""
        next_url = self.request.POST.get("next", "")
        # A path on this site only: never another host, never a view name.
        if next_url.startswith("/") and url_has_allowed_host_and_scheme(
            next_url,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return next_url
        return self.inspect_url

    def done(self):
        return HttpResponseRedirect(self.next_url())
