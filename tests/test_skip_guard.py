"""In CI a skipped test fails the run, except the row-lock tests on SQLite (tests/skip_guard.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import skip_guard

ROOT = Path(__file__).resolve().parents[1]
CONCURRENCY = "tests/assessments/test_concurrency.py::test_two_answers_at_once"
OTHER = "tests/test_nginx.py::test_the_shipped_config"


def test_the_row_lock_tests_may_skip_on_sqlite_only():
    skipped = [(CONCURRENCY, "row-lock concurrency needs PostgreSQL")]
    assert skip_guard.forbidden(skipped, "sqlite") == []
    assert skip_guard.forbidden(skipped, "postgresql") == skipped


def test_any_other_skip_is_forbidden_on_every_database():
    skipped = [(OTHER, "nginx is not installed")]
    assert skip_guard.forbidden(skipped, "sqlite") == skipped
    assert skip_guard.forbidden(skipped, "postgresql") == skipped


@pytest.mark.parametrize(("value", "on"), [("1", True), ("yes", True), ("", False), ("0", False)])
def test_the_guard_is_on_when_ci_asks_for_it(value, on):
    assert skip_guard.active({"CI_FORBID_SKIPS": value}) is on
    assert skip_guard.active({}) is False


# A plugin that skips every test it is given, as a missing tool or file would.
SKIP_EVERYTHING = """
import pytest

def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.skip(reason="the tool is not installed"))
"""


def run_skipping_pytest(tmp_path, **env):
    (tmp_path / "skip_everything.py").write_text(SKIP_EVERYTHING)
    environment = {key: value for key, value in os.environ.items() if key != "CI_FORBID_SKIPS"}
    environment["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT)])
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "skip_everything",
            "tests/test_skip_guard.py::test_any_other_skip_is_forbidden_on_every_database",
        ],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_in_ci_a_skipped_test_fails_the_run_and_is_named(tmp_path):
    result = run_skipping_pytest(tmp_path, CI_FORBID_SKIPS="1")
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout
    assert "skipped tests fail the run (CI_FORBID_SKIPS)" in result.stdout
    assert (
        "tests/test_skip_guard.py::test_any_other_skip_is_forbidden_on_every_database: "
        "the tool is not installed"
    ) in result.stdout


def test_outside_ci_a_skip_is_only_reported(tmp_path):
    result = run_skipping_pytest(tmp_path)
    assert result.returncode == pytest.ExitCode.OK, result.stdout
    assert "1 skipped" in result.stdout
