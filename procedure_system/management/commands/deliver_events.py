"""Catch up on deliveries to webhook subscriptions: after an outage, or a worker that died.

    manage.py deliver_events                  queue every due delivery for the workers
    manage.py deliver_events --now            deliver them here and now, in feed order
    manage.py deliver_events --all            also those still waiting out a retry delay
    manage.py deliver_events --resend-failed  also failed ones, as "resend" in the admin

Each run first gives the feed's committed events their positions (creating their deliveries)
and marks failed the task rows that dead workers left running. Run it from cron every few
minutes. Running it twice is harmless: a delivery task does nothing for a delivery that is not
due, and the receiver keeps each webhook-id once.
"""

from collections import Counter

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import ngettext

from procedure_system import delivery, feed
from procedure_system.models import Delivery


class Command(BaseCommand):
    help = "Queue (or, with --now, deliver) every due delivery to webhook subscriptions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Deliver here, synchronously, in feed order."
        )
        parser.add_argument(
            "--all",
            action="store_true",
            help="Also deliveries waiting out a retry delay (e.g. once the receiver is back).",
        )
        parser.add_argument(
            "--resend-failed",
            action="store_true",
            help="Also failed deliveries: pending again, with the full retry span.",
        )

    def handle(self, *, now, all, resend_failed, **options):
        created = feed.sequence()
        reaped = delivery.reap_abandoned_tasks()
        if created:
            self.stdout.write(
                ngettext(
                    "%(count)s new delivery from the feed.",
                    "%(count)s new deliveries from the feed.",
                    len(created),
                )
                % {"count": len(created)}
            )
        if reaped:
            self.stdout.write(
                ngettext(
                    "%(count)s task left running by a dead worker marked failed.",
                    "%(count)s tasks left running by dead workers marked failed.",
                    reaped,
                )
                % {"count": reaped}
            )
        if resend_failed:
            self._resend_failed()
        if all:
            Delivery.objects.filter(
                state=Delivery.State.PENDING, next_attempt_at__gt=timezone.now()
            ).filter(delivery.receiving_q()).update(next_attempt_at=timezone.now())
        delivery_ids = list(delivery.due_deliveries().values_list("pk", flat=True))
        if now:
            self._deliver(delivery_ids)
        else:
            queued = delivery.schedule_due(delivery_ids)
            self.stdout.write(
                ngettext(
                    "%(queued)s of %(count)s due delivery queued.",
                    "%(queued)s of %(count)s due deliveries queued.",
                    len(delivery_ids),
                )
                % {"queued": queued, "count": len(delivery_ids)}
            )

    def _deliver(self, delivery_ids):
        # One by one in feed order: a delivery that waited for an earlier one of its subject
        # finds it delivered by the time its turn comes.
        outcomes = Counter(delivery.deliver(delivery_id) for delivery_id in delivery_ids)
        for outcome, count in sorted(outcomes.items()):
            self.stdout.write(f"{outcome}: {count}")
        self.stdout.write(
            ngettext(
                "%(delivered)s of %(count)s due delivery delivered.",
                "%(delivered)s of %(count)s due deliveries delivered.",
                len(delivery_ids),
            )
            % {"delivered": outcomes[delivery.Outcome.DELIVERED], "count": len(delivery_ids)}
        )

    def _resend_failed(self):
        failed = list(Delivery.objects.filter(state=Delivery.State.FAILED).order_by("position"))
        for failed_delivery in failed:
            delivery.resend(failed_delivery)
        self.stdout.write(
            ngettext(
                "%(count)s failed delivery is pending again.",
                "%(count)s failed deliveries are pending again.",
                len(failed),
            )
            % {"count": len(failed)}
        )
