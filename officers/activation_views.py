"""The activation code's views: HR issues a code and prints the slip (admin); the officer
enters username and code and chooses a password (public, linked from the login page)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import activation
from .models import Officer


class ActivationForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    code = forms.CharField(
        label=gettext_lazy("Activation code"),
        max_length=20,
        help_text=gettext_lazy("The code on the slip your HR officer gave you, e.g. ACDE-3467."),
    )
    new_password1 = forms.CharField(
        label=gettext_lazy("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    new_password2 = forms.CharField(
        label=gettext_lazy("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        self.user = activation.check(data["username"], data["code"])
        if self.user is None:
            raise forms.ValidationError(
                _(
                    "This username and activation code do not match, or the code has expired, "
                    "been used or been replaced. Check the slip, or ask your HR officer for a "
                    "new code."
                )
            )
        if data["new_password1"] != data["new_password2"]:
            self.add_error("new_password2", _("The two passwords are not the same."))
            return data
        try:
            password_validation.validate_password(data["new_password1"], self.user)
        except forms.ValidationError as error:
            self.add_error("new_password1", error)
        return data


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def activate_account(request):
    form = ActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        activation.activate(form.user, form.cleaned_data["new_password1"])
        messages.success(
            request, _("Your password is set. Log in with your username and the new password.")
        )
        return redirect("login")
    return render(request, "registration/activate_account.html", {"form": form})


class IssueActivationCodeView(WagtailAdminTemplateMixin, TemplateView):
    """GET: what the code does, and a button; POST: a new code, on a printable slip."""

    page_title = gettext_lazy("Activation code")
    header_icon = "key"
    template_name = "officers/admin/activation_code.html"

    def dispatch(self, request, pk):
        if not request.user.has_perm("officers.change_officer"):
            raise PermissionDenied
        self.officer = get_object_or_404(Officer.objects.select_related("user", "unit"), pk=pk)
        if not activation.may_issue(request.user, self.officer):
            raise Http404
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return self.officer.full_name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("officer:index"), "label": _("Officers")},
            {"url": reverse("officer:edit", args=[self.officer.pk]), "label": self.officer},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "officer": self.officer,
            "days": activation.validity().days,
            "has_code": hasattr(self.officer.user, "activation_code"),
        }

    def post(self, request, pk):
        code = activation.issue(self.officer, request.user)
        expires = timezone.localtime(timezone.now() + activation.validity())
        response = render(
            request,
            "officers/activation_slip.html",
            {
                "officer": self.officer,
                "code": activation.display(code),
                "expires": expires,
                "activation_url": request.build_absolute_uri(reverse("activate_account")),
            },
        )
        response["Cache-Control"] = "no-store"  # the code is on this page only
        return response
