from django.urls import path

from . import views

urlpatterns = [
    path("certificates/", views.my_certificates, name="my_certificates"),
    path("certificates/verify/", views.verify_lookup, name="certificate_lookup"),
    path("certificates/verify/<str:code>/", views.verify, name="certificate_verify"),
    path("certificates/<str:code>/pdf/", views.download, name="certificate_pdf"),
]
