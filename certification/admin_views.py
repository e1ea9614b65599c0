"""Wagtail admin views for certificates: read-only, scoped to the user's area, plus revocation."""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from courses.models import CoursePage

from . import issuing
from .models import Certificate

REVOKE_PERMISSION = "certification.revoke_certificate"


def visible_certificates(user):
    return Certificate.objects.visible_to(user).select_related(
        "officer__unit", "course", "renewal_of"
    )


def may_revoke(user, certificate):
    return user.has_perm(REVOKE_PERMISSION) and certificate.status != Certificate.Status.REVOKED


def _local(moment):
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else "-"


class CertificateFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=Certificate.Status.choices
    )
    course = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Course"),
        # Only courses with certificates the user can see.
        queryset=lambda request: CoursePage.objects.filter(
            pk__in=Certificate.objects.visible_to(request.user).values("course")
        ).order_by("title"),
    )

    class Meta:
        model = Certificate
        fields = ["status", "course"]


class CertificateIndexView(IndexView):
    def get_base_queryset(self):
        return visible_certificates(self.request.user)

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if may_revoke(self.request.user, instance):
            buttons.append(
                MenuItem(
                    _("Revoke"),
                    url=reverse("certificate:revoke", args=[instance.pk]),
                    icon_name="cross",
                    priority=40,
                )
            )
        return buttons


class CertificateInspectView(InspectView):
    """The certificate and its audit log: who did what, when and why."""

    template_name = "certification/admin/inspect.html"

    def get_object(self, queryset=None):
        # Outside the user's area a certificate looks as if it did not exist.
        return get_object_or_404(visible_certificates(self.request.user), pk=self.pk)

    def get_officer_display_value(self):
        officer = self.object.officer
        return f"{officer.full_name} – {officer.unit}"

    def get_skills_display_value(self):
        return "; ".join(f"{skill['code']} {skill['name']}" for skill in self.object.skills) or "-"

    def get_status_display_value(self):
        return self.object.get_effective_status_display()

    # Wagtail shows a date and time as stored (UTC); officers read local time.
    def get_issued_at_display_value(self):
        return _local(self.object.issued_at)

    def get_expires_at_display_value(self):
        return _local(self.object.expires_at)

    def get_status_changed_at_display_value(self):
        return _local(self.object.status_changed_at)

    def get_renewal_of_display_value(self):
        return self.object.renewal_of.code if self.object.renewal_of_id else "-"

    def get_pdf_display_value(self):
        return _("made at the first download") if not self.object.pdf else _("stored")

    @cached_property
    def header_buttons(self):
        certificate = self.object
        buttons = [
            HeaderButton(
                _("Download PDF"),
                url=reverse("certificate_pdf", args=[certificate.code]),
                icon_name="download",
                priority=10,
            ),
            HeaderButton(
                _("Verification page"),
                url=reverse("certificate_verify", args=[certificate.code]),
                icon_name="link-external",
                priority=20,
                attrs={"target": "_blank", "rel": "noopener"},
            ),
        ]
        if may_revoke(self.request.user, certificate):
            buttons.append(
                HeaderButton(
                    _("Revoke"),
                    url=reverse("certificate:revoke", args=[certificate.pk]),
                    icon_name="cross",
                    priority=30,
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["log_entries"] = self.object.log_entries.select_related("actor").order_by(
            "at", "pk"
        )
        context["renewal"] = getattr(self.object, "renewed_by", None)
        return context


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for revocation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Required. Kept in the certificate's log with your name, and sent to the procedure "
            "system. The public verification page shows only that the certificate was revoked."
        ),
    )

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError(_("Give the reason for revoking this certificate."))
        return reason


class CertificateRevokeView(WagtailAdminTemplateMixin, FormView):
    template_name = "certification/admin/revoke.html"
    form_class = RevokeForm
    page_title = gettext_lazy("Revoke certificate")
    header_icon = "cross"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(REVOKE_PERMISSION):
            raise PermissionDenied
        self.object = get_object_or_404(visible_certificates(request.user), pk=kwargs["pk"])
        if self.object.status == Certificate.Status.REVOKED:
            messages.info(request, _("This certificate has already been revoked."))
            return redirect("certificate:inspect", self.object.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("certificate:index"), "label": _("Certificates")},
            {
                "url": reverse("certificate:inspect", args=[self.object.pk]),
                "label": self.object.code,
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def form_valid(self, form):
        issuing.revoke(self.object, self.request.user, form.cleaned_data["reason"])
        messages.success(
            self.request,
            _("Certificate %(code)s of %(officer)s has been revoked.")
            % {"code": self.object.code, "officer": self.object.officer.full_name},
        )
        return redirect("certificate:inspect", self.object.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "certificate": self.object}
