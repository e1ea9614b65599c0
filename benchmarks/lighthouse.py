"""Lighthouse mobile scores of learner pages on a throwaway demo site (run by scripts/lighthouse).

Builds a SQLite demo database (seed_demo) in a temporary directory, collects the static files,
serves the site with gunicorn and production settings (DEBUG off: whitenoise serves hashed,
compressed static files), logs in the demo learner `hocvien` and starts a quiz attempt, then
runs Lighthouse (mobile, its default: a mid-range phone on a slow 4G connection, simulated) for
performance and accessibility on each page, passing the session cookie as an extra header.
Prints one row per page: the two scores (median of --runs) and the main timings.
"""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
from serving import free_port, wait_for  # noqa: E402

TOOLS = ROOT / "tools" / "lighthouse"  # package.json and package-lock.json; `npm ci` there
LIGHTHOUSE = TOOLS / "node_modules" / ".bin" / "lighthouse"

# Made in the throwaway database: the learner's session and the pages to measure.
SETUP = """
import django, json
django.setup()
from django.test import Client
from assessments import attempts
from assessments.models import Quiz
from courses.models import CatalogueIndexPage, LessonPage
from officers.models import Officer
from django.contrib.auth import get_user_model
client = Client()
client.force_login(get_user_model().objects.get(username="hocvien"))
quiz = Quiz.objects.filter(layout=Quiz.Layout.ONE_PER_PAGE).order_by("slug").first()
attempt = attempts.start_or_resume(Officer.objects.get(user__username="hocvien"), quiz)
print(json.dumps({
    "session": client.cookies["sessionid"].value,
    "pages": [
        ["home", "/"],
        ["catalogue", CatalogueIndexPage.objects.get().url],
        ["lesson", LessonPage.objects.live().order_by("path").first().url],
        ["quiz start page", f"/quizzes/{quiz.slug}/"],
        ["quiz attempt", f"/attempts/{attempt.pk}/"],
    ],
}))
"""


def lighthouse(url, session, output):
    subprocess.run(
        [
            str(LIGHTHOUSE), url,
            "--only-categories=performance,accessibility",
            "--output=json", f"--output-path={output}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            f"--extra-headers={json.dumps({'Cookie': f'sessionid={session}'})}",
            "--quiet",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
    )  # fmt: skip
    report = json.loads(Path(output).read_text(encoding="utf-8"))
    if report.get("runtimeError"):
        raise RuntimeError(f"{url}: {report['runtimeError']}")
    if report["finalDisplayedUrl"].rstrip("/") != url.rstrip("/"):
        raise RuntimeError(f"{url} ended at {report['finalDisplayedUrl']} (not logged in?)")
    audits = report["audits"]
    return {
        "performance": report["categories"]["performance"]["score"] * 100,
        "accessibility": report["categories"]["accessibility"]["score"] * 100,
        "fcp": audits["first-contentful-paint"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "weight": audits["total-byte-weight"]["numericValue"],
        "failed": sorted(
            audit["id"]
            for ref in report["categories"]["accessibility"]["auditRefs"]
            if ref["weight"] > 0
            for audit in [audits[ref["id"]]]
            if audit["score"] is not None and audit["score"] < 1
        ),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="runs per page (median shown)")
    options = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run scripts/lighthouse (it runs npm ci).")

    with tempfile.TemporaryDirectory(prefix="kns-lighthouse-") as folder:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "elearning.settings",
            "DATABASE_URL": f"sqlite:///{folder}/site.sqlite3",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_ROOT": f"{folder}/static",
            "MEDIA_ROOT": f"{folder}/media",
            "PRIVATE_ROOT": f"{folder}/private",
            "LOG_LEVEL": "WARNING",
        }
        environment.pop("DEBUG", None)
        environment.pop("REDIS_URL", None)
        print("Building the demo site (migrate, seed_demo, collectstatic)…", flush=True)
        for command in (
            ["migrate", "--no-input"],
            ["seed_demo", "--throwaway-site"],
            ["collectstatic", "--no-input"],
        ):
            subprocess.run(
                [PYTHON, "manage.py", *command],
                cwd=ROOT,
                env=environment,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        setup = json.loads(
            subprocess.run(
                [PYTHON, "-c", SETUP],
                cwd=ROOT,
                env=environment,
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            ).stdout
        )
        port = free_port()
        host = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                PYTHON, "-m", "gunicorn", "elearning.wsgi", "--bind", f"127.0.0.1:{port}",
                "--workers", "2", "--log-level", "warning",
            ],
            cwd=ROOT,
            env=environment,
        )  # fmt: skip
        results = []
        try:
            wait_for(host + "/")
            for name, path in setup["pages"]:
                print(f"Lighthouse: {name} ({path})…", flush=True)
                runs = [
                    lighthouse(host + path, setup["session"], f"{folder}/report-{n}.json")
                    for n in range(options.runs)
                ]
                median = {
                    key: statistics.median(run[key] for run in runs)
                    for key in runs[0]
                    if key != "failed"
                }
                median["failed"] = sorted({audit for run in runs for audit in run["failed"]})
                results.append((name, path, median))
        finally:
            server.terminate()
            server.wait()

    print()
    print(
        f"Lighthouse {lighthouse_version()} · mobile (simulated slow 4G, 4× CPU slowdown) · "
        f"gunicorn, DEBUG off · {os.cpu_count()} cores · median of {options.runs} run(s)"
    )
    header = f"{'page':<18}{'perf.':>6}{'a11y':>6}{'FCP s':>7}{'LCP s':>7}{'TBT ms':>8}"
    print(header + f"{'CLS':>7}{'KB':>7}")
    for name, _path, figures in results:
        print(
            f"{name:<18}{figures['performance']:>6.0f}{figures['accessibility']:>6.0f}"
            f"{figures['fcp'] / 1000:>7.1f}{figures['lcp'] / 1000:>7.1f}{figures['tbt']:>8.0f}"
            f"{figures['cls']:>7.3f}{figures['weight'] / 1024:>7.0f}"
        )
    for name, _path, figures in results:
        if figures["failed"]:
            print(f"  {name}: accessibility audits not passed: {', '.join(figures['failed'])}")


def lighthouse_version():
    package = TOOLS / "node_modules" / "lighthouse" / "package.json"
    return json.loads(package.read_text(encoding="utf-8"))["version"]


if __name__ == "__main__":
    main()
