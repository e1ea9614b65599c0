"""Sends half-signed-in users (password given, code not yet) to the code page."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from .two_factor import NEEDS_CODE, NEEDS_DEVICE

# Pages a half-signed-in user may still open.
OPEN_URL_NAMES = {
    "two_factor_verify",
    "logout",
    "wagtailadmin_logout",
    "set_language",
    "csp_report",
}


class TwoFactorMiddleware:
    """Must come after django_otp's OTPMiddleware (which sets user.is_verified).

    Only sessions flagged at login are looked at, so other requests cost nothing. A user who
    set up two-factor must give a code before any page; with OTP_REQUIRED_FOR_ADMIN, HR and
    administrators without a device are sent to set one up before the admin opens.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and (session.get(NEEDS_CODE) or session.get(NEEDS_DEVICE)):
            response = self.redirect_for(request)
            if response is not None:
                return response
        return self.get_response(request)

    def redirect_for(self, request):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        try:
            url_name = resolve(request.path_info).url_name
        except Resolver404:
            url_name = None
        if url_name in OPEN_URL_NAMES:
            return None
        if request.session.get(NEEDS_CODE):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('two_factor_verify')}?{query}")
        if url_name != "two_factor" and request.path_info.startswith(
            tuple(settings.ADMIN_PATH_PREFIXES)
        ):
            return redirect("two_factor")
        return None
