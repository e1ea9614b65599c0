"""Run the procedure system's stand-in receiver (see procedure_system/simulator.py).

    manage.py procedure_simulator --port 8765 --secret S [--store FILE]

then point the platform at it: PROCEDURE_SYSTEM_EVENTS_URL=http://127.0.0.1:8765/events and
PROCEDURE_SYSTEM_SECRET=S. GET http://127.0.0.1:8765/events lists what it received.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from procedure_system.simulator import ProcedureSimulator


class Command(BaseCommand):
    help = "Run a stand-in for the procedure system's event receiver (demo and tests)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument(
            "--secret",
            default=settings.PROCEDURE_SYSTEM_SECRET,
            help="The shared HMAC secret (default: PROCEDURE_SYSTEM_SECRET).",
        )
        parser.add_argument(
            "--store",
            help="JSON file keeping received events across restarts (default: memory only).",
        )

    def handle(self, *, host, port, secret, store, **options):
        if not secret:
            raise CommandError(_("Give --secret, or set PROCEDURE_SYSTEM_SECRET."))
        simulator = ProcedureSimulator(
            secret, host=host, port=port, store=store, log=self.stdout.write, keep_raw=False
        )
        self.stdout.write(
            _("Receiving events at %(url)s (%(count)s already stored); Ctrl+C stops.")
            % {"url": simulator.url, "count": len(simulator.received)}
        )
        try:
            simulator.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write(_("Stopped."))
