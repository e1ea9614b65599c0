"""Every benchmark at a tiny size, one after the other: `make bench-smoke`, run by CI.

The figures at this size say little; the point is that each benchmark still runs to its end
(a benchmark nobody runs rots). One migrated SQLite database is copied for each of them
(BENCH_SQLITE_TEMPLATE, see throwaway.py) rather than migrated four times. Exits non-zero as
soon as a benchmark does.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

BENCHMARKS = [
    # The bomb is refused at OFFICER_IMPORT_MAX_ROWS, set low below so a small one reaches it.
    ["officer_import.py", "--rows", "200", "--bomb-rows", "5000"],
    ["lesson_page.py", "--seconds", "2", "--clients", "2", "--site-static-only"],
    ["quiz_grading.py", "--attempts", "10"],
    ["reports.py", "--officers", "400", "--communes", "40", "--repeat", "1"],
]


def main():
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-smoke-") as folder:
        template = f"{folder}/migrated.sqlite3"
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "elearning.test_settings",
            "DATABASE_URL": f"sqlite:///{template}",
            "DEBUG": "1",
        }
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=environment,
            check=True,
        )
        environment = {**os.environ, "BENCH_SQLITE_TEMPLATE": template}
        environment.pop("DATABASE_URL", None)  # SQLite, whatever the caller's database
        environment["OFFICER_IMPORT_MAX_ROWS"] = "1000"
        for script, *args in BENCHMARKS:
            print(f"\n== {script} {' '.join(args)}", flush=True)
            begin = time.monotonic()
            result = subprocess.run(
                [PYTHON, f"benchmarks/{script}", *args], cwd=ROOT, env=environment
            )
            print(f"({time.monotonic() - begin:.0f} s)", flush=True)
            if result.returncode:
                sys.exit(f"{script} failed (exit status {result.returncode})")
    print(f"\nAll benchmarks ran, in {time.monotonic() - started:.0f} s.")


if __name__ == "__main__":
    main()
