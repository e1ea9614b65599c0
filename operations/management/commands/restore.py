from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, read_manifest, restore_backup, unapplied_migrations


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: checks every file's SHA-256, REPLACES the "
        "database's contents (pg_restore --clean in one transaction, or SQLite's backup API), "
        "puts the uploaded files back, then compares the row counts per model with the "
        "manifest. Stop the web server and task workers first."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="A backup directory (holding manifest.json).")
        parser.add_argument("--no-input", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument("--skip-media", action="store_true", help="Restore the database only.")
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args, **options):
        try:
            manifest = read_manifest(options["directory"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backup of {manifest['created_at']} ({manifest['database']['vendor']}, "
            f"{sum(manifest['counts'].values())} rows)."
        )
        if not options["no_input"]:
            answer = input("This replaces every row of the current database. Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            manifest, counts = restore_backup(
                options["directory"], using=options["database"], media=not options["skip_media"]
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.report(manifest["counts"], counts, options["verbosity"])
        pending = unapplied_migrations(options["database"])
        if pending:
            self.stdout.write(
                f"The backup predates {len(pending)} migration(s) of this code: "
                "run `manage.py migrate` now."
            )

    def report(self, expected, actual, verbosity):
        differences = []
        width = max((len(label) for label in expected), default=10)
        for label in sorted(set(expected) | set(actual)):
            saved, now = expected.get(label), actual.get(label)
            # A table the backup did not have comes from a newer release's migration.
            same = saved == now or label not in expected
            if not same:
                differences.append(label)
            if verbosity > 1 or (verbosity and saved):
                mark = "" if same else "  <-- differs"
                self.stdout.write(f"{label:<{width}} {saved!s:>9} {now!s:>9}{mark}")
        if differences:
            raise CommandError("Row counts differ from the manifest for: " + ", ".join(differences))
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored: {len(expected)} tables, {sum(expected.values())} rows, "
                "counts equal to the manifest."
            )
        )
