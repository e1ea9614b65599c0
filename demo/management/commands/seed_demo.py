import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from demo.accounts import DEMO_PASSWORD, demo_officers, seed_demo
from demo.catalogue import seed_courses
from demo.certificates import demo_certificates, ensure_demo_ca
from demo.quizzes import seed_quiz_attempts, seed_quizzes
from officers import roles


class Command(BaseCommand):
    help = "Create or refresh the demo content (idempotent): Điện Biên units, officers, accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--throwaway-site",
            action="store_true",
            help=(
                "Seed although DEBUG is off: for a throwaway site that no real user can reach "
                "(the benchmarks' production-like servers)."
            ),
        )

    def handle(self, *args, **options):
        translation.activate("vi")
        # The demo accounts, a superuser among them, share the password printed in the README:
        # on a reachable server anyone could sign in as the administrator.
        if not settings.DEBUG and not options["throwaway_site"]:
            raise CommandError(
                _(
                    "seed_demo creates accounts, an administrator among them, with the demo "
                    "password published in the README, so it runs only in development "
                    "(DEBUG=1, as `make run` sets it). Nothing was created. For a throwaway "
                    "site that no real user can reach, add --throwaway-site."
                )
            )
        # Wagtail logs every page it creates or publishes; here that is one line per demo page.
        logging.getLogger("wagtail").setLevel(logging.WARNING)
        try:
            accounts = seed_demo()
        except ValidationError as error:
            raise CommandError(error.messages[0]) from error
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
        # Quizzes first: a course whose quiz exists completes only when the quiz is passed.
        # Then the officers' attempts, which complete the courses they have finished, at the
        # (past) moment of the passing attempt; each completion issues its certificate, as in
        # production.
        certificates_before = demo_certificates().count()
        seed_quizzes()
        courses = seed_courses()
        seed_quiz_attempts()
        issued = demo_certificates().count() - certificates_before
        demo_ca_directory = ensure_demo_ca()
        self.stdout.write(_("Demo certificates: %(count)d issued.") % {"count": issued})
        if demo_ca_directory:
            self.stdout.write(
                _("Certificates are signed by the demo CA in %(path)s (demonstrations only).")
                % {"path": demo_ca_directory}
            )
        self.stdout.write(
            _("Demo courses: %(courses)d courses, %(lessons)d lessons, %(enrolments)d enrolments.")
            % courses
        )
