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
        parser.add_argument(
            "--category",
            required=True,
            help="Category for the questions before the file's first $CATEGORY (or category "
            "question), and for all of them with --ignore-file-categories.",
        )
        parser.add_argument(
            "--ignore-file-categories",
            action="store_true",
            help="Put every question into --category, ignoring the categories the file names "
            "(Moodle's “Get category from file” unticked). Otherwise a category in the file "
            "is a path from the top of the bank: “$course$/top/A/B” and “A/B” are A/B.",
        )
        parser.add_argument("--language", default="vi", choices=["vi", "en"])

    def handle(self, *args, file, format, category, language, ignore_file_categories, **options):
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
            saved = save_bank(bank, category, categories_from_file=not ignore_file_categories)
            audit.record(
                None,
                Action.QUESTIONS_IMPORTED,
                questions=len(saved),
                categories=saved.counts_by_path(),
                **details,
            )
        self.stdout.write(saved.summary())
        for skipped in saved.skipped:
            self.stdout.write(skipped)
