from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from . import two_factor, views


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    return [path("two-factor/", views.TwoFactorView.as_view(), name="two_factor")]


@hooks.register("register_account_menu_item")
def two_factor_account_menu_item(request):
    """A link on the admin's account page ("More actions") for HR and administrators."""
    if not two_factor.may_use_two_factor(request.user):
        return None
    return {
        "url": reverse("two_factor"),
        "label": _("Two-factor sign-in"),
        "help_text": _("Ask for a code from an app on your phone as well as your password."),
    }
