from django.urls import path

from . import views

urlpatterns = [
    path("accounts/two-factor/", views.verify, name="two_factor_verify"),
    path("security/csp-report/", views.csp_report, name="csp_report"),
]
