from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcedureSystemConfig(AppConfig):
    name = "procedure_system"
    verbose_name = _("Procedure system link")
