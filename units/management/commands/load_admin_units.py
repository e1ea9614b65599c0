from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from units.loader import (
    BUNDLED_DATA,
    NATIONAL_CURRENT,
    NATIONAL_PREVIOUS,
    UnitDataError,
    load_units,
)


class Command(BaseCommand):
    help = (
        "Load administrative units (post-2025 file with merges, and the pre-2025 file) for "
        "some provinces or the whole country. Strict: any problem and nothing is loaded. "
        "Files ending in .gz are read through gzip."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--national",
            action="store_true",
            help=(
                "Use the national files bundled with the project (34 provinces, 3,321 "
                "communes) instead of the Điện Biên extract; --province still selects."
            ),
        )
        parser.add_argument(
            "--current",
            help="Units from 1 July 2025 with merges (dvhcvn mapping/merges.json format). "
            "Default: the bundled Điện Biên extract, or the national file with --national.",
        )
        parser.add_argument(
            "--previous",
            help="Units before 1 July 2025 (dvhcvn data/dvhcvn.json format). "
            "Default: the bundled Điện Biên extract, or the national file with --national.",
        )
        parser.add_argument(
            "--province",
            action="append",
            dest="provinces",
            help="2-digit province code, repeatable. All provinces in the file when omitted.",
        )

    def handle(self, *args, national, current, previous, provinces, **options):
        if national:
            current = current or str(NATIONAL_CURRENT)
            previous = previous or str(NATIONAL_PREVIOUS)
        else:
            current = current or str(BUNDLED_DATA / "dien_bien_2025.json")
            previous = previous or str(BUNDLED_DATA / "dien_bien_pre2025.json")
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
