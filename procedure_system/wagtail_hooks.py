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


# --- Outbox (push): TEMPORARILY OFF while issue 15's admin is rebuilt (admin helper) ------
# --- end of outbox ---------------------------------------------------------------------------
