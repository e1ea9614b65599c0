"""Lesson-page throughput under gunicorn, beside a bare Wagtail page on the same machine.

Run from the repository root (after `make run` or `make test` has made .venv):

    .venv/bin/python benchmarks/lesson_page.py [--seconds 8] [--clients 4] [--workers 2]

It builds a throwaway SQLite database with the demo content (seed_demo), collects static files,
starts gunicorn on 127.0.0.1 with production settings, and for a few seconds each requests, as a
logged-in officer, (1) a lesson page and (2) the home page — a Wagtail page with a title and one
paragraph, our "bare" baseline — in alternating one-second slices. It prints requests per
second, latency percentiles, and the ratio lesson/bare. Nothing is asserted: it is a benchmark;
it fails when a request does.
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
from serving import free_port  # noqa: E402
from throwaway import copy_migrated_template  # noqa: E402

# What --site-static-only leaves out: the admin's static files, which the learner pages measured
# here never load (collecting and compressing them is most of the benchmark's start-up).
ADMIN_STATIC = ["admin", "wagtail*", "ninja", "django_otp", "otp_totp"]


def prepare(environment, folder, site_static_only=False):
    def manage(*args):
        subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=environment,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    if not copy_migrated_template(f"{folder}/bench.sqlite3"):
        manage("migrate", "--no-input")
    manage("seed_demo", "--throwaway-site")
    ignored = [f"--ignore={pattern}" for pattern in ADMIN_STATIC] if site_static_only else []
    manage("collectstatic", "--no-input", *ignored)
    # force_login, not login: django-axes refuses an authenticate() without a request, and
    # the benchmark measures pages, not the password hasher.
    script = (
        "import django; django.setup();"
        "from django.contrib.auth import get_user_model;"
        "from django.test import Client; from courses.models import LessonPage;"
        "client = Client(); client.force_login(get_user_model().objects.get(username='hocvien'));"
        "lesson = LessonPage.objects.live().order_by('path').first();"
        "print(client.cookies['sessionid'].value); print(lesson.url)"
    )
    output = subprocess.run(
        [PYTHON, "-c", script],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return output[0], output[1]


def hammer(port, path, session, seconds, clients):
    latencies, errors = [], []
    deadline = time.monotonic() + seconds
    lock = threading.Lock()

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while time.monotonic() < deadline:
            start = time.perf_counter()
            connection.request(
                "GET",
                path,
                headers={"Cookie": f"sessionid={session}", "X-Forwarded-Proto": "https"},
            )
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            if response.status != 200:
                errors.append(response.status)
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "errors": len(errors)}


def combined(runs, seconds):
    """Requests per second, latency percentiles and errors of several runs of `hammer`."""
    latencies = sorted(latency for run in runs for latency in run["latencies"])
    return {
        "requests": len(latencies),
        "rps": len(latencies) / seconds,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "errors": sum(run["errors"] for run in runs),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--site-static-only",
        action="store_true",
        help="collect only the site's static files, not the admin's (a quicker start)",
    )
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="lesson-bench-") as folder:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "elearning.settings",
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "SECRET_KEY": "benchmark-only-" + "b" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "STATIC_ROOT": f"{folder}/static",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",
        }
        environment.pop("DEBUG", None)
        session, lesson_path = prepare(environment, folder, options.site_static_only)
        port = free_port()
        server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "elearning.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(options.workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=environment,
        )
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            hammer(port, "/", session, 1, 1)  # warm up both workers' caches
            hammer(port, lesson_path, session, 1, 1)
            # In alternating slices, so that a machine busy with something else for a while
            # slows both pages alike rather than whichever was measured then.
            slices = max(1, round(options.seconds))
            bare, lesson = [], []
            for _slice in range(slices):
                for path, runs in (("/", bare), (lesson_path, lesson)):
                    runs.append(
                        hammer(port, path, session, options.seconds / slices, options.clients)
                    )
            bare, lesson = combined(bare, options.seconds), combined(lesson, options.seconds)
        finally:
            server.terminate()
            server.wait()

    print(
        f"gunicorn {options.workers} workers, {options.clients} clients, "
        f"{options.seconds:g} s each, SQLite, {os.cpu_count()} cores"
    )
    print(f"{'page':<34}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    for name, figures in (("bare Wagtail page (home)", bare), (f"lesson {lesson_path}", lesson)):
        print(
            f"{name[:33]:<34}{figures['requests']:>9}{figures['rps']:>9.1f}"
            f"{figures['p50']:>9.1f}{figures['p95']:>9.1f}{figures['errors']:>8}"
        )
    print(f"lesson / bare throughput ratio: {lesson['rps'] / bare['rps']:.2f}")
    if bare["errors"] or lesson["errors"]:
        sys.exit("Some requests failed: the figures above are not those of the pages.")


if __name__ == "__main__":
    main()
