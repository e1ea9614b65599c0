from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, create_backup, prune


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, or SQLite's online backup API) and the uploaded files "
        "on disk (MEDIA_ROOT, PRIVATE_ROOT) into a new directory under BACKUP_ROOT, with a "
        "manifest of row counts and checksums for `manage.py restore`. Safe while the site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Directory the backup directory is created in (default: BACKUP_ROOT).",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=0,
            help="Then delete all but the N newest backups in that directory (0: keep all).",
        )
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args, **options):
        root = options["output"] or Path(settings.BACKUP_ROOT)
        if options["keep"] < 0:
            raise CommandError("--keep must be 0 or more.")
        try:
            directory = create_backup(root, using=options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written to {directory}")
        for old in prune(root, options["keep"]) if options["keep"] else []:
            self.stdout.write(f"Deleted old backup {old}")
