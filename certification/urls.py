from django.urls import path

from . import views

urlpatterns = [
    # Under courses/ like the enrolment, but renewing a certificate is certification's.
    path("courses/<int:course_id>/take-again/", views.take_again, name="course_take_again"),
    path("certificates/", views.my_certificates, name="my_certificates"),
    path("certificates/verify/", views.verify_lookup, name="certificate_lookup"),
    path("certificates/verify/<str:code>/", views.verify, name="certificate_verify"),
    path("certificates/<str:code>/pdf/", views.download, name="certificate_pdf"),
]
