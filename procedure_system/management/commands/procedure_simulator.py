"""Run the procedure system's stand-in receiver (see procedure_system/simulator.py).

    manage.py procedure_simulator --port 8765 --secret S [--secret S2] [--store FILE]

then point the platform at it: PROCEDURE_SYSTEM_EVENTS_URL=http://127.0.0.1:8765/events and
PROCEDURE_SYSTEM_SECRET=S (or give it an API client's subscription secret, whsec_…). GET
http://127.0.0.1:8765/events lists what it received. --fail, --gone, --delay and --trickle
make it misbehave, to watch the platform's retries.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from procedure_system.simulator import ALWAYS, ProcedureSimulator


class Command(BaseCommand):
    help = "Run a stand-in for the procedure system's event receiver (demo and tests)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument(
            "--secret",
            action="append",
            dest="secrets",
            help="A signing secret, whsec_… or plain; repeat it for a rotation "
            "(default: PROCEDURE_SYSTEM_SECRET).",
        )
        parser.add_argument(
            "--store",
            help="JSON file keeping received events across restarts (default: memory only).",
        )
        parser.add_argument(
            "--legacy",
            action="store_true",
            help="Check only the version-1 headers (X-KNS-Signature, Idempotency-Key).",
        )
        parser.add_argument(
            "--fail", type=int, default=0, metavar="N", help="Answer the first N events 503."
        )
        parser.add_argument(
            "--gone", action="store_true", help="Answer 410 Gone (the sender should stop)."
        )
        parser.add_argument(
            "--delay", type=float, default=0, metavar="SECONDS", help="Answer every event late."
        )
        parser.add_argument(
            "--trickle",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Send every answer's body a byte at a time over SECONDS.",
        )

    def handle(self, *, host, port, secrets, store, legacy, **options):
        secrets = secrets or [settings.PROCEDURE_SYSTEM_SECRET]
        if not all(secrets):
            raise CommandError(_("Give --secret, or set PROCEDURE_SYSTEM_SECRET."))
        simulator = ProcedureSimulator(
            secrets,
            host=host,
            port=port,
            store=store,
            log=self.stdout.write,
            keep_raw=False,
            legacy=legacy,
        )
        if options["fail"]:
            simulator.fail_next(503, times=options["fail"])
        if options["gone"]:
            simulator.fail_next(410, times=ALWAYS)
        if options["delay"]:
            simulator.delay_next(options["delay"], times=ALWAYS)
        if options["trickle"]:
            simulator.trickle_next(options["trickle"], times=ALWAYS)
        simulator.bind()  # --port 0: the port the system chose is known from here on
        self.stdout.write(
            _("Receiving events at %(url)s (%(count)s already stored); Ctrl+C stops.")
            % {"url": simulator.url, "count": len(simulator.received)}
        )
        try:
            simulator.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write(_("Stopped."))
