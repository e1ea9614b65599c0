from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        # Registers "every required quiz and signing exercise passed" with course completion.
        from . import completion  # noqa: F401
