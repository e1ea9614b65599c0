"""A throwaway database for benchmarks, so the real one is never touched.

* Without DATABASE_URL, or with a SQLite one, a SQLite file in a temporary directory.
* With a DATABASE_URL for another engine (e.g. postgres://user@host:5432/name), Django's
  test-database machinery creates ``test_<name>_bench_<pid>`` on the same server and drops it
  at the end; the database named in the URL is left alone.

Call `choose_database()` before `django.setup()`, then run the benchmark inside
`throwaway_database()`. With BENCH_SQLITE_TEMPLATE naming a migrated SQLite file (bench-smoke
migrates one for all its benchmarks), the SQLite database is a copy of it, not migrated anew.
"""

import os
import shutil
import tempfile
from contextlib import contextmanager

_temp_dir = None


def choose_database(prefix):
    global _temp_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.test_settings")
    given = os.environ.get("DATABASE_URL", "")
    if not given or given.startswith("sqlite"):
        _temp_dir = tempfile.mkdtemp(prefix=f"{prefix}-")
        os.environ["DATABASE_URL"] = f"sqlite:///{_temp_dir}/bench.sqlite3"


@contextmanager
def throwaway_database():
    """Migrate a fresh database, yield a line describing it, then remove it."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    real_name = None
    try:
        if _temp_dir:
            copy_migrated_template(connection.settings_dict["NAME"]) or call_command(
                "migrate", verbosity=0, interactive=False
            )
            where = "temporary file"
        else:
            real_name = settings.DATABASES["default"]["NAME"]
            test_name = f"test_{real_name}_bench_{os.getpid()}"
            settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = test_name
            connection.settings_dict.setdefault("TEST", {})["NAME"] = test_name
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            where = connection.alias
        yield f"{connection.vendor}, {where} ({connection.settings_dict['NAME']})"
    finally:
        if real_name is not None:
            connection.creation.destroy_test_db(real_name, verbosity=0)
        if _temp_dir:
            shutil.rmtree(_temp_dir, ignore_errors=True)


def copy_migrated_template(destination):
    """Copy BENCH_SQLITE_TEMPLATE to `destination` when it is set; whether it was."""
    template = os.environ.get("BENCH_SQLITE_TEMPLATE")
    if not template:
        return False
    shutil.copyfile(template, destination)
    return True
