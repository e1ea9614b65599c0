from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

import audit
from assessments.interchange import read_bank
from assessments.interchange.common import InterchangeError
from assessments.interchange.store import save_bank
from audit.models import Action


class Command(BaseCommand):
    help = "Import a Moodle question bank (GIFT or Moodle XML). All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", required=True, choices=["gift", "xml"])
        parser.add_argument("--category", required=True, help="Category to import into.")
        parser.add_argument("--language", default="vi", choices=["vi", "en"])

    def handle(self, *args, file, format, category, language, **options):
        translation.activate(language)
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from error
        details = {"file": file.name, "format": format, "category": category}
        try:
            bank = read_bank(content, format)
        except InterchangeError as error:
            audit.record(
                None, Action.QUESTIONS_IMPORT_REFUSED, problems=len(error.problems), **details
            )
            raise CommandError(
                _("Nothing was imported:") + "\n" + "\n".join(error.problems)
            ) from error
        with transaction.atomic():
            questions = save_bank(bank, category)
            audit.record(None, Action.QUESTIONS_IMPORTED, questions=len(questions), **details)
        self.stdout.write(
            _("%(count)d questions imported into “%(category)s”.")
            % {"count": len(questions), "category": category}
        )
