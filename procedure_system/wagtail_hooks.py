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


# --- Outbox (push): events for the procedure system, and the "Retry now" log action ----------
from .outbox_admin import RETRIED, outbox_event_viewset  # noqa: E402


@hooks.register("register_admin_viewset")
def register_outbox_event_viewset():
    return outbox_event_viewset


@hooks.register("register_log_actions")
def register_outbox_log_actions(actions):
    actions.register_action(
        RETRIED, _("Retry delivery to the procedure system"), _("Delivery retried by hand")
    )


# --- end of outbox ---------------------------------------------------------------------------
