"""Wagtail admin for the procedure-system link.

Shared file: each part below is kept in its own block.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

# --- API clients (pull API): admin views and the token-rotation log action -------------------
from .api_admin import TOKEN_ROTATED, api_client_viewset


@hooks.register("register_admin_viewset")
def register_api_client_viewset():
    return api_client_viewset


@hooks.register("register_log_actions")
def register_api_client_log_actions(actions):
    actions.register_action(TOKEN_ROTATED, _("Rotate API token"), _("API token rotated"))


# --- end of API clients ----------------------------------------------------------------------


# --- Push: the change feed, webhook subscriptions, deliveries, and their log actions ---------
from .delivery_admin import delivery_viewset  # noqa: E402
from .feed_admin import feed_event_viewset  # noqa: E402
from .outbox_admin import LOG_ACTIONS  # noqa: E402
from .subscription_admin import subscription_viewset  # noqa: E402


@hooks.register("register_admin_viewset")
def register_push_viewsets():
    return [feed_event_viewset, subscription_viewset, delivery_viewset]


@hooks.register("register_log_actions")
def register_push_log_actions(actions):
    for action, label, message in LOG_ACTIONS:
        actions.register_action(action, label, message)


# --- end of push -----------------------------------------------------------------------------
