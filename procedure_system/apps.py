from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcedureSystemConfig(AppConfig):
    name = "procedure_system"
    verbose_name = _("Procedure system link")

    def ready(self):
        from certification import events as certificate_events
        from officers import events as officer_events
        from operations import health

        from . import delivery
        from .outbox import record_certificate_change, record_officer_change

        # Every change is written to the feed in the change's own transaction.
        certificate_events.subscribe(record_certificate_change)
        officer_events.subscribe(record_officer_change)
        # /health/ reports failed and stuck deliveries and disabled subscriptions.
        health.register_problems("deliveries", delivery.health_problems)
