"""In CI (CI_FORBID_SKIPS=1, set by .ci/run) a skipped test fails the run: a test that quietly
stops running (a missing tool, a file outside the repository) must be noticed, not counted as
passed. The only skips allowed are the row-lock tests on SQLite, which CI runs on PostgreSQL.

The hooks are in tests/conftest.py; this module holds the rule.
"""

import os

ENVIRONMENT_VARIABLE = "CI_FORBID_SKIPS"

# Test files allowed to skip, and the database they skip on.
ALLOWED = {
    "tests/assessments/test_concurrency.py": "sqlite",
    "tests/procedure_system/test_feed_concurrency.py": "sqlite",
    "tests/certification/test_concurrent_issue.py": "sqlite",
    "tests/procedure_system/test_worker_killed.py": "sqlite",
}


def active(environ=os.environ):
    return environ.get(ENVIRONMENT_VARIABLE, "").strip() not in ("", "0")


def forbidden(skipped, vendor):
    """The skipped tests' (node id, reason) that are not allowed on this database."""
    return [
        (nodeid, reason)
        for nodeid, reason in skipped
        if ALLOWED.get(nodeid.split("::")[0]) != vendor
    ]


def reason_of(report):
    """A skip's reason from its test report (longrepr is (file, line, 'Skipped: reason'))."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)
