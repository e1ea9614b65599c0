"""Load test: locust users against gunicorn on loopback, then a check that no answer was lost.

    .venv/bin/python benchmarks/loadtest/run.py [--users 60] [--seconds 90] [--officers 3000]

1. A throwaway database: with DATABASE_URL pointing at PostgreSQL (the production database), a
   database named --database (kns_load) on that server, dropped first and at the end (the one
   named in DATABASE_URL is never touched); without it, a SQLite file in a temporary directory
   (SQLite takes one writer at a time: figures are not production figures).
2. migrate, seed_demo, generate_synthetic (--officers in --communes, all with one random
   password), HR accounts and the plan (plan.py), collectstatic into a temporary directory.
3. gunicorn on 127.0.0.1 with production settings (DEBUG off; cookies not marked Secure, as
   plain HTTP on loopback stands in for the TLS proxy), 2 × cores + 1 workers.
4. locust, headless, for --seconds with --users (locustfile.py): officers reading lessons,
   officers taking quizzes, HR opening reports, in the ratio 6 : 3 : 1.
5. Prints throughput, latency percentiles per request type and failures, then the
   no-lost-answers check (answers.py). Exits 1 on any failed request or lost answer.

Set REDIS_URL to run with Redis for cache and sessions, as in production.
"""

import argparse
import csv
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PYTHON = sys.executable
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from serving import free_port, wait_for  # noqa: E402


def postgres_database(url, name):
    """The URL of a fresh database `name` on the server of `url` (dropped first if present)."""
    import psycopg

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_postgres_database(url):
    import psycopg

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def run(environment, *args, quiet=True):
    started = time.monotonic()
    subprocess.run(
        [PYTHON, *args],
        cwd=ROOT,
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )
    return time.monotonic() - started


def print_stats(prefix):
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        rows = list(csv.DictReader(stats))
    header = f"{'request':<34}{'count':>7}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
    print(header + f"{'max ms':>8}{'fail':>6}")
    for row in sorted(rows, key=lambda row: (row["Name"] == "Aggregated", row["Name"])):
        name = "all requests" if row["Name"] == "Aggregated" else row["Name"]
        if name == "all requests":
            print("-" * (len(header) + 14))
        print(
            f"{name[:33]:<34}{int(row['Request Count']):>7}{float(row['Requests/s']):>8.1f}"
            f"{row['50%']:>8}{row['95%']:>8}{row['99%']:>8}"
            f"{float(row['Max Response Time']):>8.0f}{int(row['Failure Count']):>6}"
        )
    total = next(row for row in rows if row["Name"] == "Aggregated")
    return int(total["Failure Count"]), int(total["Request Count"])


def print_failures(prefix):
    problems = 0
    for kind in ("failures", "exceptions"):
        path = Path(f"{prefix}_{kind}.csv")
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as found:
            for row in csv.DictReader(found):
                problems += 1
                print(f"  {kind[:-1]}: " + " | ".join(f"{v}"[:200] for v in row.values()))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--spawn-rate", type=float, default=2, help="users started per second")
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--officers", type=int, default=3000)
    parser.add_argument("--communes", type=int, default=70)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--database", default="kns_load", help="throwaway PostgreSQL database")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    options = parser.parse_args()

    given = os.environ.get("DATABASE_URL", "")
    folder = Path(tempfile.mkdtemp(prefix="kns-loadtest-"))
    if given.startswith(("postgres://", "postgresql://")):
        database_url = postgres_database(given, options.database)
        database = f"PostgreSQL, throwaway database {options.database}"
    else:
        database_url = f"sqlite:///{folder}/load.sqlite3"
        database = "SQLite (set DATABASE_URL to a PostgreSQL server for production figures)"
    password = secrets.token_urlsafe(12)
    environment = {
        **os.environ,
        # Production settings, but cookies not marked Secure: see settings.py.
        "DJANGO_SETTINGS_MODULE": "benchmarks.loadtest.settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "PRIVATE_ROOT": str(folder / "private"),
        "LOG_LEVEL": "WARNING",
        "LOADTEST_PLAN": str(folder / "plan.json"),
        "LOADTEST_RECORD": str(folder / "record.json"),
    }
    environment.pop("DEBUG", None)
    learners_needed = options.users  # at most every user an officer; each its own account
    server = None
    try:
        print(f"database: {database}")
        seconds = run(environment, "manage.py", "migrate", "--no-input")
        seconds += run(environment, "manage.py", "seed_demo", "--throwaway-site")
        seconds += run(
            environment, "manage.py", "generate_synthetic", "--append", "--seed", "7",
            "--officers", str(options.officers), "--communes", str(options.communes),
            "--password", password,
        )  # fmt: skip
        print(f"data: demo + {options.officers} synthetic officers ({seconds:.0f} s)")
        run(
            environment, str(HERE / "plan.py"), environment["LOADTEST_PLAN"],
            "--learners", str(learners_needed), "--hr", str(options.users // 10 + 2),
            "--password", password, quiet=False,
        )  # fmt: skip
        run(environment, "manage.py", "collectstatic", "--no-input")

        port = free_port()
        host = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                PYTHON, "-m", "gunicorn", "elearning.wsgi", "--bind", f"127.0.0.1:{port}",
                "--workers", str(options.workers), "--timeout", "60", "--log-level", "warning",
            ],
            cwd=ROOT,
            env=environment,
        )  # fmt: skip
        wait_for(host + "/")
        prefix = str(folder / "locust")
        print(
            f"locust: {options.users} users (spawn {options.spawn_rate:g}/s) for "
            f"{options.seconds} s against gunicorn ({options.workers} workers, "
            f"{os.cpu_count()} cores, same machine)"
        )
        with open(folder / "locust.log", "w", encoding="utf-8") as log:
            finished = subprocess.run(
                [
                    PYTHON, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
                    "--users", str(options.users), "--spawn-rate", str(options.spawn_rate),
                    "--run-time", f"{options.seconds}s", "--host", host, "--csv", prefix,
                    "--only-summary", "--exit-code-on-error", "0",
                ],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        if finished.returncode != 0:
            print((folder / "locust.log").read_text(encoding="utf-8")[-3000:])
            sys.exit(f"locust failed (exit {finished.returncode})")
        server.terminate()
        server.wait()
        server = None

        failures, requests = print_stats(prefix)
        problems = print_failures(prefix)
        print(f"failed requests: {failures} of {requests}")
        checked = subprocess.run(
            [PYTHON, str(HERE / "answers.py"), environment["LOADTEST_RECORD"]],
            cwd=ROOT,
            env=environment,
        )
        if failures or problems or checked.returncode:
            sys.exit(1)
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        if database_url.startswith("postgres") and not options.keep:
            drop_postgres_database(database_url)
        if not options.keep:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
