"""Structured logs: one JSON object per line, carrying the request's id."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from operations.logging import JsonFormatter, RequestIdFilter, request_id_var

ROOT = Path(__file__).resolve().parents[2]


def record(message, *args, exc_info=None, **extra):
    entry = logging.LogRecord("courses.views", logging.ERROR, __file__, 1, message, args, exc_info)
    entry.__dict__.update(extra)
    RequestIdFilter().filter(entry)
    return entry


def test_a_record_becomes_one_json_line_with_the_exception():
    try:
        raise ValueError("điểm không hợp lệ")
    except ValueError:
        exc_info = sys.exc_info()
    token = request_id_var.set("abc123def456")
    try:
        line = JsonFormatter().format(
            record("Grading failed for attempt %s\nsecond line", 42, exc_info=exc_info)
        )
    finally:
        request_id_var.reset(token)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "courses.views"
    assert entry["message"] == "Grading failed for attempt 42\nsecond line"
    assert entry["request_id"] == "abc123def456"
    assert entry["time"].endswith("+00:00")
    assert "ValueError: điểm không hợp lệ" in entry["exception"]


def test_outside_a_request_the_id_is_a_dash_and_status_codes_are_kept():
    entry = json.loads(JsonFormatter().format(record("Not Found: /x", status_code=404)))
    assert entry["request_id"] == "-"
    assert entry["status_code"] == 404
    assert "exception" not in entry


def test_log_format_json_writes_json_lines_on_stdout():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "LOG_FORMAT", "LOG_LEVEL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="elearning.settings",
        SECRET_KEY="logging-probe-" + "z" * 50,
        LOG_FORMAT="json",
        LOG_LEVEL="WARNING",
    )
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('reports').info('hidden'); "
        "logging.getLogger('reports').warning('Báo cáo chậm: %s giây', 12)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1  # INFO is below LOG_LEVEL
    entry = json.loads(lines[0])
    assert entry["message"] == "Báo cáo chậm: 12 giây"
    assert entry["level"] == "WARNING"


def test_each_answer_carries_a_request_id(client, db):
    first = client.get("/health/live/")
    second = client.get("/health/live/")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_proxys_request_id_is_kept_and_a_forged_one_replaced(client, db):
    kept = client.get("/health/live/", headers={"X-Request-ID": "0f3a9c1d2b4e5f60718293a4b5c6d7e8"})
    assert kept["X-Request-ID"] == "0f3a9c1d2b4e5f60718293a4b5c6d7e8"
    forged = client.get("/health/live/", headers={"X-Request-ID": 'x" level=CRITICAL fake'})
    assert forged["X-Request-ID"] != 'x" level=CRITICAL fake'
    assert len(forged["X-Request-ID"]) == 32


def test_django_error_answers_are_logged_with_their_request_id(client, db, caplog, monkeypatch):
    from operations import health

    monkeypatch.setattr(health, "check_cache", lambda: {"status": "error"})
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/health/")
    assert response.status_code == 503
    (entry,) = [r for r in caplog.records if r.name == "django.request"]
    RequestIdFilter().filter(entry)
    assert entry.request_id == response["X-Request-ID"]
