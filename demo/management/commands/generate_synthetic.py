import datetime

from django.core.management.base import BaseCommand, CommandError

from demo.synthetic import (
    DEFAULT_COMMUNES,
    DEFAULT_OFFICERS,
    SyntheticDataRefused,
    generate,
)


class Command(BaseCommand):
    help = (
        "Fill the database with a made-up national dataset for load tests and report "
        "benchmarks: the country's units, officers in the chosen communes, courses, "
        "assignments, enrolments, quiz attempts and certificates. Refuses a database that "
        "already holds officers unless --append is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--officers", type=int, default=DEFAULT_OFFICERS)
        parser.add_argument(
            "--communes",
            type=int,
            default=DEFAULT_COMMUNES,
            help="How many communes get officers, spread over the 34 provinces (all: 3,321).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data.")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="The as-of date (YYYY-MM-DD) the history leads up to; today by default.",
        )
        parser.add_argument(
            "--lesson-sample",
            type=float,
            default=0.1,
            help="Share of communes whose officers get lesson-by-lesson completions (0–1).",
        )
        parser.add_argument(
            "--password",
            help="One password for every synthetic account (hashed once). Without it the "
            "accounts cannot log in.",
        )
        parser.add_argument(
            "--append",
            "--force",
            action="store_true",
            dest="append",
            help="Add to a database that already holds officers.",
        )

    def handle(self, *args, **options):
        if not 0 <= options["lesson_sample"] <= 1:
            raise CommandError("--lesson-sample must be between 0 and 1.")

        def progress(message):
            self.stdout.write(message)
            self.stdout.flush()

        try:
            totals = generate(
                officers=options["officers"],
                communes=options["communes"],
                seed=options["seed"],
                today=options["today"],
                lesson_sample=options["lesson_sample"],
                password=options["password"],
                append=options["append"],
                progress=progress,
            )
        except SyntheticDataRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS("Synthetic dataset created:"))
        for line in totals.lines():
            self.stdout.write(f"  {line}")
