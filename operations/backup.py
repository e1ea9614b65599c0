"""Backups: the database and uploaded files in one directory, with a manifest to restore from.

A backup directory holds
  database.pgdump   `pg_dump --format=custom` (PostgreSQL), or
  database.sqlite3  a copy made with SQLite's online backup API (SQLite);
  media.tar.gz      MEDIA_ROOT, when media are on disk;
  private.tar.gz    PRIVATE_ROOT, when private files are on disk;
  manifest.json     time, database vendor, row counts per model, applied migrations, and the
                    size and SHA-256 of each file.

The row counts are taken in the same snapshot as the dump (PostgreSQL: an exported snapshot
shared with pg_dump; SQLite: counted in the copy), so a restore can prove it brought back
exactly what was saved, while the site keeps running during the backup.
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections, transaction
from django.db.migrations.executor import MigrationExecutor

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
ARCHIVES = {"media": "media.tar.gz", "private": "private.tar.gz"}
NAME_PATTERN = re.compile(r"^kns-\d{8}T\d{6}Z(-\d+)?$")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


# --- What is counted and archived -----------------------------------------------------------


def model_tables(connection):
    """(label, table) of every concrete model whose table exists, many-to-many tables too."""
    existing = set(connection.introspection.table_names())
    seen = set()
    tables = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in seen:
            continue
        if meta.db_table in existing:
            seen.add(meta.db_table)
            tables.append((meta.label, meta.db_table))
    return sorted(tables)


def count_rows(cursor, connection, tables):
    counts = {}
    for label, table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608  # nosec B608
        counts[label] = cursor.fetchone()[0]
    return counts


def applied_migrations(cursor):
    """The last applied migration of each app, as the backup's database records it."""
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, id")
    latest = {}
    for app, name in cursor.fetchall():
        latest[app] = name
    return latest


def file_roots():
    """{"media": path, "private": path} for the storages kept on this machine's disk; a
    storage in an S3 bucket is not archived (the bucket's versioning or replication keeps it)."""
    roots = {}
    for name, alias in (("media", "default"), ("private", "private")):
        storage = storages[alias]
        if isinstance(storage, FileSystemStorage):
            roots[name] = Path(storage.location).resolve()
    return roots


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _private_file(path):
    """Backups hold personal data: readable by their owner only."""
    os.chmod(path, 0o600)


# --- PostgreSQL -----------------------------------------------------------------------------


def libpq_environment(settings_dict):
    """Connection parameters for pg_dump/pg_restore as libpq variables: the password never
    appears on a command line (visible to every user in `ps`)."""
    env = {**os.environ}
    for variable, value in (
        ("PGHOST", settings_dict.get("HOST")),
        ("PGPORT", settings_dict.get("PORT")),
        ("PGUSER", settings_dict.get("USER")),
        ("PGPASSWORD", settings_dict.get("PASSWORD")),
        ("PGDATABASE", settings_dict.get("NAME")),
    ):
        if value:
            env[variable] = str(value)
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("service", "PGSERVICE"),
    ):
        if options.get(option):
            env[variable] = str(options[option])
    return env


def _client_major(program):
    path = shutil.which(program)
    if path is None:
        raise BackupError(
            f"{program} is not installed: install Debian's postgresql-client "
            "(apt-get install postgresql-client)."
        )
    output = subprocess.run(  # noqa: S603 (fixed program, no shell)  # nosec B603
        [path, "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if not match:
        raise BackupError(f"Cannot read the version of {program}: {output.strip()!r}.")
    return path, int(match.group(1))


def _postgresql_tool(program, connection):
    path, major = _client_major(program)
    server_major = connection.pg_version // 10000
    if major < server_major:
        raise BackupError(
            f"{program} {major} is older than the PostgreSQL {server_major} server; install "
            f"postgresql-client-{server_major} (its major version must be at least the server's)."
        )
    return path


def _run(command, env, what):
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip() or result.stdout.strip()}")


def dump_postgresql(connection, target):
    """pg_dump in a snapshot this connection exports, and the row counts in that snapshot."""
    pg_dump = _postgresql_tool("pg_dump", connection)
    if connection.in_atomic_block:
        raise BackupError("Run the backup outside a database transaction.")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            libpq_environment(connection.settings_dict),
            "pg_dump",
        )
        counts = count_rows(cursor, connection, model_tables(connection))
        migrations = applied_migrations(cursor)
    return counts, migrations


def restore_postgresql(connection, source):
    """Replace the tables with the dump's, in one transaction: a failed restore changes
    nothing. Owners and grants are left out, so the dump restores under another role."""
    pg_restore = _postgresql_tool("pg_restore", connection)
    connection.close()  # hold no lock on the tables pg_restore drops
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(source),
        ],
        libpq_environment(connection.settings_dict),
        "pg_restore",
    )
    connection.close()


# --- SQLite ---------------------------------------------------------------------------------


def dump_sqlite(connection, target):
    """A consistent copy through SQLite's online backup API, even while the site writes."""
    if connection.in_atomic_block:
        raise BackupError("Run the backup outside a database transaction.")
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        counts = count_rows(cursor, connection, model_tables(connection))
        migrations = applied_migrations(cursor)
    finally:
        copy.close()
    return counts, migrations


def restore_sqlite(connection, source):
    """Copy the saved database back into the live one, page by page, with the same API."""
    if connection.in_atomic_block:
        raise BackupError("Run the restore outside a database transaction.")
    connection.ensure_connection()
    saved = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        saved.backup(connection.connection)
    finally:
        saved.close()


# --- Files ----------------------------------------------------------------------------------


def archive_directory(root, target, exclude=()):
    """tar.gz of root's contents (paths relative to root), leaving out the excluded trees
    (PRIVATE_ROOT when it lies inside MEDIA_ROOT)."""
    with tarfile.open(target, "w:gz") as archive:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if any(path == other or other in path.parents for other in exclude):
                    continue
                archive.add(path, arcname=str(path.relative_to(root)), recursive=False)


def extract_archive(source, root):
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source, "r:gz") as archive:
        # The "data" filter refuses absolute paths, ".." and links leading out of root.
        archive.extractall(root, filter="data")


# --- Backup and restore ---------------------------------------------------------------------


def _new_directory(root, now):
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    base = f"kns-{now:%Y%m%dT%H%M%SZ}"
    for attempt in range(1, 100):
        directory = root / (base if attempt == 1 else f"{base}-{attempt}")
        try:
            directory.mkdir(mode=0o700)
        except FileExistsError:
            continue
        return directory
    raise BackupError(f"Too many backups named {base} in {root}.")


def create_backup(root=None, using="default"):
    """Write a backup directory under root (settings.BACKUP_ROOT); returns its path."""
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups of {vendor} databases are not supported.")
    now = datetime.now(UTC)
    directory = _new_directory(Path(root or settings.BACKUP_ROOT), now)
    try:
        database_file = directory / DATABASE_FILES[vendor]
        dump = dump_postgresql if vendor == "postgresql" else dump_sqlite
        counts, migrations = dump(connection, database_file)
        files = [database_file]
        roots = file_roots()
        for name, path in roots.items():
            # Another root nested in this one (PRIVATE_ROOT inside MEDIA_ROOT) has its own
            # archive.
            nested = [other for other in roots.values() if path in other.parents]
            archive = directory / ARCHIVES[name]
            archive_directory(path, archive, exclude=nested)
            files.append(archive)
        for path in files:
            _private_file(path)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": now.isoformat(timespec="seconds"),
            "database": {
                "vendor": vendor,
                "name": str(connection.settings_dict.get("NAME")),
                "file": database_file.name,
            },
            "storage": {name: ("disk" if name in roots else "s3") for name in ARCHIVES},
            "migrations": migrations,
            "counts": counts,
            "files": {
                path.name: {"bytes": path.stat().st_size, "sha256": sha256(path)} for path in files
            },
        }
        manifest_path = directory / MANIFEST
        manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        _private_file(manifest_path)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return directory


def read_manifest(directory):
    """The manifest, after checking every file it lists is there, whole and unchanged."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{directory} holds no {MANIFEST}: not a backup directory.") from None
    except json.JSONDecodeError as error:
        raise BackupError(f"{directory / MANIFEST} is not valid JSON: {error}.") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    for name, expected in manifest["files"].items():
        path = directory / name
        if Path(name).name != name or not path.is_file():
            raise BackupError(f"{name} is missing from {directory}.")
        if sha256(path) != expected["sha256"]:
            raise BackupError(f"{name} is damaged: its SHA-256 differs from the manifest's.")
    return manifest


def restore_backup(directory, using="default", media=True):
    """Restore the database (and the files on disk) from a backup directory; returns
    (manifest, counts now) for the caller to compare. Refuses before changing anything if a
    file is damaged or the backup is of another database vendor."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    connection = connections[using]
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"This backup is of a {vendor} database; the configured database is "
            f"{connection.vendor}."
        )
    database_file = directory / manifest["database"]["file"]
    if vendor == "postgresql":
        restore_postgresql(connection, database_file)
    else:
        restore_sqlite(connection, database_file)
    if media:
        roots = file_roots()
        for name, archive_name in ARCHIVES.items():
            if archive_name in manifest["files"] and name in roots:
                extract_archive(directory / archive_name, roots[name])
    with connection.cursor() as cursor:
        counts = count_rows(cursor, connection, model_tables(connection))
    # Cached rows (content types, sites) may describe the database as it was before.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    return manifest, counts


def unapplied_migrations(using="default"):
    """Migrations this code has that the restored database has not (a backup from an older
    release): `manage.py migrate` brings it up to date."""
    executor = MigrationExecutor(connections[using])
    targets = executor.loader.graph.leaf_nodes()
    return [migration for migration, _backwards in executor.migration_plan(targets)]


def prune(root, keep):
    """Delete all but the `keep` newest backup directories under root; returns those deleted.
    Only directories named and shaped like backups (kns-…, with a manifest) are touched."""
    root = Path(root)
    if keep < 1 or not root.is_dir():
        return []
    backups = sorted(
        path
        for path in root.iterdir()
        if path.is_dir() and NAME_PATTERN.match(path.name) and (path / MANIFEST).is_file()
    )
    old = backups[:-keep]
    for path in old:
        shutil.rmtree(path)
    return old
