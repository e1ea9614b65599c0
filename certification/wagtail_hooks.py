"""Wagtail admin for certificates: a read-only listing scoped to the user's area, each
certificate with its audit log, and revocation for those allowed to revoke."""

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views
from .models import Certificate, CertificateIssuer


def _date(field):
    """A date as on the certificate (dd/mm/yyyy): Wagtail's date column says "2 weeks ago",
    which reads oddly for an expiry two years ahead."""

    def accessor(certificate):
        moment = getattr(certificate, field)
        return timezone.localtime(moment).strftime("%d/%m/%Y") if moment else "—"

    return accessor


class CertificateViewSet(ModelViewSet):
    """Certificates are issued, renewed and expired by the platform, never typed in: there is
    no add, edit, copy or delete view, only the listing, the inspect view and revocation."""

    model = Certificate
    icon = "form"
    menu_label = _("Certificates")
    menu_order = 230
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = admin_views.CertificateIndexView
    inspect_view_class = admin_views.CertificateInspectView
    filterset_class = admin_views.CertificateFilterSet
    search_fields = ["code", "officer__full_name"]
    search_backend_name = None  # plain database search: scoped querysets stay scoped
    list_display = [
        "code",
        Column(
            "officer",
            label=_("Officer"),
            accessor="officer.full_name",
            sort_key="officer__sort_key",
        ),
        Column("course_title", label=_("Course"), sort_key="course_title"),
        Column(
            "status", label=_("Status"), accessor="get_effective_status_display", sort_key="status"
        ),
        Column("issued_at", label=_("Issued"), accessor=_date("issued_at"), sort_key="issued_at"),
        Column(
            "expires_at", label=_("Expires"), accessor=_date("expires_at"), sort_key="expires_at"
        ),
    ]
    inspect_view_fields = [
        "code",
        "officer",
        "course_title",
        "skills",
        "status",
        "issued_at",
        "expires_at",
        "status_changed_at",
        "revocation_reason",
        "renewal_of",
        "pdf",
    ]

    def get_common_view_kwargs(self, **kwargs):
        # The views must not offer links to views that do not exist.
        return super().get_common_view_kwargs(
            **{
                "add_url_name": None,
                "edit_url_name": None,
                "delete_url_name": None,
                "history_url_name": None,
                "usage_url_name": None,
                **kwargs,
            }
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("revoke/<int:pk>/", admin_views.CertificateRevokeView.as_view(), name="revoke"),
        ]

    @property
    def url_finder_class(self):
        return type(
            "CertificateURLFinder",
            (ModelAdminURLFinder,),
            {"edit_url_name": self.get_url_name("inspect")},
        )


certificate_viewset = CertificateViewSet("certificate")


@hooks.register("register_admin_viewset")
def register_certificate_viewset():
    return certificate_viewset


class CertificateIssuerViewSet(SnippetViewSet):
    """Per province: the issuing body, the place on the date line and the signatory printed
    on its officers' certificates (a certificate keeps those it was issued with)."""

    model = CertificateIssuer
    icon = "user"
    menu_label = _("Certificate issuers")
    menu_order = 231
    add_to_admin_menu = True
    copy_view_enabled = False
    list_display = ["province", "issuing_body", "signatory_title", "signatory_name"]
    search_fields = ["issuing_body", "signatory_name"]
    search_backend_name = None


register_snippet(CertificateIssuerViewSet)
