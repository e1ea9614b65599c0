from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.interchange import write_bank
from assessments.interchange.store import load_bank
from assessments.models import QuestionCategory


class Command(BaseCommand):
    help = (
        "Export a question category (and those under it) as GIFT or Moodle XML. Categories are "
        "written as Moodle writes them, from the top of the bank ($course$/top/A/B): imported "
        "with the file's categories, the questions go back into the same categories."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=["gift", "xml"])
        parser.add_argument(
            "--category", required=True, help='Category path, e.g. "Ngân hàng/Chữ ký số".'
        )

    def handle(self, *args, format, category, **options):
        found = None
        for candidate in QuestionCategory.objects.filter(name=category.split("/")[-1].strip()):
            if candidate.path == category.strip("/"):
                found = candidate
        if found is None:
            raise CommandError(_("No question category “%(path)s”.") % {"path": category})
        bank = load_bank(found)
        with_files = [question.name for question in bank.questions if question.files]
        if format == "gift" and with_files:
            self.stderr.write(
                ngettext(
                    "GIFT cannot carry images or files: %(count)d question shows a note in "
                    "their place (%(names)s). Export as Moodle XML to keep them.",
                    "GIFT cannot carry images or files: %(count)d questions show a note in "
                    "their place (%(names)s). Export as Moodle XML to keep them.",
                    len(with_files),
                )
                % {"count": len(with_files), "names": "; ".join(with_files)}
            )
        self.stdout.write(write_bank(bank, format), ending="")
