"""Catch up on events for the procedure system: after an outage, or a worker that died.

    manage.py deliver_events                 queue every due pending event for the workers
    manage.py deliver_events --now           deliver them here and now, oldest first
    manage.py deliver_events --all           also those still waiting out a backoff
    manage.py deliver_events --retry-failed  also failed ones (as "Retry now" in the admin)

Scheduling twice is harmless: a delivery task does nothing for an event that is no longer
pending or not yet due, and the receiver keeps each event once (Idempotency-Key).
"""

from collections import Counter

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from procedure_system import delivery
from procedure_system.models import OutboxEvent


class Command(BaseCommand):
    help = "Queue (or, with --now, deliver) every due pending event for the procedure system."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Deliver here, synchronously, oldest first."
        )
        parser.add_argument(
            "--all",
            action="store_true",
            help="Also pending events waiting out a backoff (e.g. once the receiver is back).",
        )
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="Also failed events: pending again, attempts counted from 0.",
        )

    def handle(self, *, now, all, retry_failed, verbosity, **options):
        if not delivery.is_configured():
            self.stderr.write(
                _(
                    "PROCEDURE_SYSTEM_EVENTS_URL and PROCEDURE_SYSTEM_SECRET must be set; "
                    "%(count)s events are waiting."
                )
                % {"count": OutboxEvent.objects.filter(state=OutboxEvent.State.PENDING).count()}
            )
            return
        if retry_failed:
            self._retry_failed()
        if all:
            OutboxEvent.objects.filter(
                state=OutboxEvent.State.PENDING, next_attempt_at__gt=timezone.now()
            ).update(next_attempt_at=timezone.now())
        event_ids = list(delivery.due_events().values_list("pk", flat=True))
        if now:
            outcomes = Counter(delivery.deliver(event_id) for event_id in event_ids)
            for outcome, count in sorted(outcomes.items()):
                self.stdout.write(f"{outcome}: {count}")
            delivered = outcomes[delivery.Outcome.DELIVERED]
            self.stdout.write(
                ngettext(
                    "%(delivered)s of %(count)s due event delivered.",
                    "%(delivered)s of %(count)s due events delivered.",
                    len(event_ids),
                )
                % {"delivered": delivered, "count": len(event_ids)}
            )
            return
        queued = sum(1 for event_id in event_ids if delivery.schedule_delivery(event_id))
        self.stdout.write(
            ngettext(
                "%(queued)s of %(count)s due event queued for delivery.",
                "%(queued)s of %(count)s due events queued for delivery.",
                len(event_ids),
            )
            % {"queued": queued, "count": len(event_ids)}
        )

    def _retry_failed(self):
        count = 0
        for event_id in OutboxEvent.objects.filter(state=OutboxEvent.State.FAILED).values_list(
            "pk", flat=True
        ):
            with transaction.atomic():
                event = (
                    OutboxEvent.objects.select_for_update()
                    .filter(pk=event_id, state=OutboxEvent.State.FAILED)
                    .first()
                )
                if event:
                    delivery.retry(event, schedule=False)
                    count += 1
        self.stdout.write(
            ngettext(
                "%(count)s failed event is pending again.",
                "%(count)s failed events are pending again.",
                count,
            )
            % {"count": count}
        )
