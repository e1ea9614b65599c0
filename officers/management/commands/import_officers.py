from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from officers.importing import import_officers


class Command(BaseCommand):
    help = "Import officers from a CSV (UTF-8) or XLSX file. All-or-nothing; re-import updates."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as-user",
            help="Import with this user's rights (an HR officer is limited to their area).",
        )
        parser.add_argument("--language", default="vi", choices=["vi", "en"])

    def handle(self, *args, file, as_user, language, **options):
        translation.activate(language)
        user = None
        if as_user:
            user = get_user_model().objects.filter(username=as_user).first()
            if user is None:
                raise CommandError(_("No user is called %(name)s.") % {"name": as_user})
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from error
        result = import_officers(content, file.name, user=user)
        if not result.ok:
            raise CommandError(
                _("Nothing was imported: the file has %(count)d problem(s).")
                % {"count": len(result.problems)}
                + "\n"
                + "\n".join(str(problem) for problem in result.problems)
            )
        self.stdout.write(
            _(
                "%(file)s imported: %(created)d officers added, %(updated)d updated, "
                "%(unchanged)d unchanged."
            )
            % {
                "file": file.name,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
        )
