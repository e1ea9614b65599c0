from django.core.management.base import BaseCommand

from certification.issuing import expire_due


class Command(BaseCommand):
    help = (
        "Record the expiry of every certificate past its expiry date: its status becomes "
        "expired, the change is logged and the procedure system is told. Run it periodically "
        "from cron or a systemd timer, e.g. hourly: `manage.py expire_certificates`. Running "
        "it again, or late, is harmless: each certificate expires once, on its own date."
    )

    def handle(self, *args, **options):
        count = expire_due()
        if options["verbosity"]:
            self.stdout.write(f"{count} certificate(s) expired.")
