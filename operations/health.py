"""Health checks: the database, the cache, the task queue that background workers serve, and
the problems apps above register (`register_problems`: the webhook deliveries).

Each check returns a dict with "status" ("ok" or "error") and a few figures; failures are
logged with their exception but the answer says only what failed, never why (no host names,
no SQL, no secrets in a public endpoint).
"""

import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, F, Min, When
from django.db.models.functions import Greatest
from django.utils import timezone

logger = logging.getLogger(__name__)

QUEUE_BACKEND = "queue"
DEFAULT_QUEUE_MAX_AGE = 300


def _timed(check):
    started = time.monotonic()
    try:
        result = check()
    except Exception:
        logger.exception("Health check %s failed", check.__name__)
        result = {"status": "error"}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok"}


def check_cache():
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    value = cache.get(key)
    cache.delete(key)
    return {"status": "ok" if value == "ok" else "error"}


def queue_max_age():
    return int(getattr(settings, "HEALTH_QUEUE_MAX_AGE", DEFAULT_QUEUE_MAX_AGE))


def check_queue():
    """Ready tasks of the database queue and how long the oldest has waited.

    A task waits from when it became due: its `run_after`, or when it was enqueued if it had
    none (django_tasks_db stores "none" as the year 9999). An old waiting task means no
    `db_worker --backend queue` is running, or the workers cannot keep up.
    """
    from django_tasks_db.models import DBTaskResult, get_date_max

    if QUEUE_BACKEND not in getattr(settings, "TASKS", {}):
        return {"status": "ok", "configured": False}
    waiting_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")),
        default=Greatest("enqueued_at", "run_after"),
    )
    figures = (
        DBTaskResult.objects.ready()
        .filter(backend_name=QUEUE_BACKEND)
        .aggregate(ready=Count("pk"), oldest=Min(waiting_since))
    )
    age = (timezone.now() - figures["oldest"]).total_seconds() if figures["oldest"] else 0.0
    limit = queue_max_age()
    return {
        "status": "ok" if age <= limit else "error",
        "ready": figures["ready"],
        "oldest_age_seconds": round(max(age, 0.0), 1),
        "max_age_seconds": limit,
    }


CHECKS = {"database": check_database, "cache": check_cache, "queue": check_queue}

# name → a function returning a list of problems (short sentences, no secrets, no host names).
# Operations knows no app: an app registers its own (ProcedureSystemConfig.ready).
PROBLEM_SOURCES = {}


def register_problems(name, problems):
    """Report what `problems()` returns as the check `name`: an error when it is not empty."""
    PROBLEM_SOURCES[name] = problems


def problem_check(problems):
    def check():
        found = list(problems())
        return {"status": "error" if found else "ok", "problems": found}

    check.__name__ = getattr(problems, "__name__", "problems")
    return check


def run_checks():
    """(healthy, results): every check runs, even after one fails; the queue and the
    registered problems are only checked when the database answered."""
    results = {"database": _timed(check_database), "cache": _timed(check_cache)}
    database_up = results["database"]["status"] == "ok"
    for name, check in [("queue", check_queue)] + [
        (name, problem_check(problems)) for name, problems in PROBLEM_SOURCES.items()
    ]:
        results[name] = _timed(check) if database_up else {"status": "error", "skipped": True}
    healthy = all(result["status"] == "ok" for result in results.values())
    return healthy, results
