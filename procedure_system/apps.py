from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcedureSystemConfig(AppConfig):
    name = "procedure_system"
    verbose_name = _("Procedure system link")

    def ready(self):
        from certification import events

        from .outbox import record_certificate_change

        # Every certificate change is written to the outbox in the change's own transaction.
        events.subscribe(record_certificate_change)
