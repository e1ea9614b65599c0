from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from units.loader import BUNDLED_DATA, UnitDataError, load_units


class Command(BaseCommand):
    help = (
        "Load administrative units (post-2025 file with merges, and the pre-2025 file) for "
        "some provinces or the whole country. Strict: any problem and nothing is loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--current",
            default=str(BUNDLED_DATA / "dien_bien_2025.json"),
            help="Units from 1 July 2025 with merges (dvhcvn mapping/merges.json format).",
        )
        parser.add_argument(
            "--previous",
            default=str(BUNDLED_DATA / "dien_bien_pre2025.json"),
            help="Units before 1 July 2025 (dvhcvn data/dvhcvn.json format).",
        )
        parser.add_argument(
            "--province",
            action="append",
            dest="provinces",
            help="2-digit province code, repeatable. All provinces in the file when omitted.",
        )

    def handle(self, *args, current, previous, provinces, **options):
        try:
            report = load_units(current, previous, provinces)
        except UnitDataError as error:
            raise CommandError(
                _("Nothing was loaded:") + "\n" + "\n".join(error.problems[:50])
            ) from error
        self.stdout.write(
            _(
                "Provinces %(provinces)s: %(created)d units created, %(updated)d updated, "
                "%(unchanged)d unchanged; %(successions)d old→new links."
            )
            % {
                "provinces": ", ".join(report.provinces),
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "successions": report.successions,
            }
        )
