from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("Certification")

    def ready(self):
        from courses import events

        from .issuing import on_course_completed

        # Completing a certifying course issues or renews its certificate.
        events.subscribe(on_course_completed)
