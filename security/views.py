"""The code page of two-factor sign-in, its set-up page in the admin, and CSP reports."""

import json
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic.base import TemplateResponseMixin
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import two_factor
from .forms import CodeForm
from .qr import qr_svg

logger = logging.getLogger(__name__)

WRONG_CODE = gettext_lazy(
    "This code is not right. App codes change every 30 seconds: type the one the app shows now."
)
THROTTLED = gettext_lazy("Too many wrong codes. Wait a minute, then try again.")


def _code_error(form, throttled):
    form.add_error("code", THROTTLED if throttled else WRONG_CODE)


def _signed_in_with(request, device):
    """Mark the session as having given its second factor."""
    otp_login(request, device)
    request.session.pop(two_factor.NEEDS_DEVICE, None)
    request.session[two_factor.NEEDS_CODE] = True  # from now on every login asks for a code


@never_cache
@login_required
def verify(request):
    """Asks a signed-in user who turned two-factor on for a code (or a backup code)."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: redirect() would take "abc" for the name of a view.
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    devices = two_factor.confirmed_devices(request.user)
    if request.user.is_verified() or not devices:
        # Already done, or two-factor was turned off (e.g. by an administrator) meanwhile.
        request.session.pop(two_factor.NEEDS_CODE, None)
        return HttpResponseRedirect(next_url)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device, throttled = two_factor.verify_code(request.user, form.cleaned_data["code"], devices)
        if device is not None:
            _signed_in_with(request, device)
            if isinstance(device, StaticDevice):
                left = two_factor.backup_codes_left(request.user)
                messages.warning(
                    request,
                    _("You used a backup code: %(count)d left. Make new ones in the admin.")
                    % {"count": left},
                )
            return HttpResponseRedirect(next_url)
        _code_error(form, throttled)
    return render(request, "security/verify.html", {"form": form, "next": next_url})


class TwoFactorView(WagtailAdminTemplateMixin, TemplateResponseMixin, View):
    """Turn two-factor sign-in on (scan, confirm with a code) or off; new backup codes."""

    page_title = gettext_lazy("Two-factor sign-in")
    header_icon = "key"
    template_name = "security/admin/two_factor.html"

    def dispatch(self, request, *args, **kwargs):
        if not two_factor.may_use_two_factor(request.user):
            raise PermissionDenied
        response = super().dispatch(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"  # the page shows a secret or backup codes
        return response

    def get(self, request):
        return self.show(CodeForm())

    def post(self, request):
        form = CodeForm(request.POST)
        action = request.POST.get("action")
        if not form.is_valid():
            return self.show(form)
        code = form.cleaned_data["code"]
        user = request.user
        if action == "enable" and not two_factor.has_two_factor(user):
            pending = two_factor.pending_app_device(user)
            device, throttled = two_factor.verify_code(user, code, [pending])
            if device is None:
                _code_error(form, throttled)
                return self.show(form)
            codes = two_factor.confirm_app_device(device)
            _signed_in_with(request, device)
            return self.show_backup_codes(codes)
        if action == "disable" and settings.OTP_REQUIRED_FOR_ADMIN:
            raise PermissionDenied  # required: it cannot be turned off
        if action in {"disable", "new_codes"} and two_factor.has_two_factor(user):
            device, throttled = two_factor.verify_code(user, code)
            if device is None:
                _code_error(form, throttled)
                return self.show(form, action=action)
            if action == "new_codes":
                return self.show_backup_codes(two_factor.new_backup_codes(user))
            two_factor.turn_off(user)
            request.session.pop(two_factor.NEEDS_CODE, None)
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("two_factor")
        return redirect("two_factor")

    def show(self, form, action=None):
        user = self.request.user
        context = {
            "form": form,
            "failed_action": action,
            "required": settings.OTP_REQUIRED_FOR_ADMIN,
        }
        if two_factor.has_two_factor(user):
            context["enabled"] = True
            context["backup_codes_left"] = two_factor.backup_codes_left(user)
        else:
            pending = two_factor.pending_app_device(user)
            context["qr_code"] = qr_svg(
                pending.config_url, title=_("QR code to scan with an authenticator app")
            )
            context["secret"] = two_factor.secret_text(pending)
        return self.render_to_response(self.get_context_data(**context))

    def show_backup_codes(self, codes):
        context = self.get_context_data(backup_codes=codes, enabled=True)
        return self.render_to_response(context)


MAX_REPORT_BYTES = 8 * 1024


@csrf_exempt  # browsers send reports without a CSRF token
@require_POST
def csp_report(request):
    """Logs what the content security policy blocked, so a broken page shows up in the logs."""
    if len(request.body) > MAX_REPORT_BYTES:
        return HttpResponseBadRequest()
    try:
        report = json.loads(request.body).get("csp-report", {})
    except (ValueError, AttributeError):
        return HttpResponseBadRequest()
    if not isinstance(report, dict):
        return HttpResponseBadRequest()
    logger.warning(
        "CSP blocked %s on %s (%s)",
        str(report.get("blocked-uri", ""))[:200],
        str(report.get("document-uri", ""))[:200],
        str(report.get("violated-directive", ""))[:100],
    )
    return HttpResponse(status=204)
