import logging

from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from courses.demo import seed_courses
from officers import roles
from officers.demo import DEMO_PASSWORD, demo_officers, seed_demo


class Command(BaseCommand):
    help = "Create or refresh the demo content (idempotent): Điện Biên units, officers, accounts."

    def handle(self, *args, **options):
        translation.activate("vi")
        # Wagtail logs every page it creates or publishes; here that is one line per demo page.
        logging.getLogger("wagtail").setLevel(logging.WARNING)
        accounts = seed_demo()
        self.stdout.write(
            _("Demo content is ready: %(count)d officers in Điện Biên.")
            % {"count": len(accounts) + len(demo_officers())}
        )
        self.stdout.write(
            _("Accounts (password for all: %(password)s):") % {"password": DEMO_PASSWORD}
        )
        for username, full_name, role, unit_code, _position in accounts:
            self.stdout.write(
                f"  {username:<15} {roles.LABELS[role]!s:<14} {full_name} ({unit_code})"
            )
        self.stdout.write(
            _("Demo courses: %(courses)d courses, %(lessons)d lessons, %(enrolments)d enrolments.")
            % seed_courses()
        )
