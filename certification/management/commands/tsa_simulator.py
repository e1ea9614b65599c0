"""Run a local RFC 3161 time-stamping authority (see certification/tsa_simulator.py).

    manage.py tsa_simulator --port 18140 [--directory DIR]

then point the platform at it: CERTIFICATE_TSA_URL=http://127.0.0.1:18140/ and
CERTIFICATE_TSA_CHAIN=DIR/root-ca.pem (the command prints both).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from certification.tsa_simulator import TimeStampSimulator


class Command(BaseCommand):
    help = "Run a local time-stamping authority (RFC 3161) with its own demo CA (demo, tests)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=18140)
        parser.add_argument(
            "--directory",
            default=str(Path(settings.PRIVATE_ROOT) / "demo-tsa"),
            help="Where its demo CA and time-stamping key are kept (created when missing).",
        )

    def handle(self, *, host, port, directory, **options):
        simulator = TimeStampSimulator(directory, host=host, port=port)
        simulator.bind()
        self.stdout.write(
            _("Time stamps at %(url)s (CERTIFICATE_TSA_CHAIN=%(chain)s); Ctrl+C stops.")
            % {"url": simulator.url, "chain": simulator.root}
        )
        try:
            simulator.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write(_("Stopped."))
