"""A delivery worker killed with SIGKILL in the middle of a request: its delivery is sent again
by itself (the watchdog its claim queued), its task row does not stay RUNNING, and the
receiver, which keeps each webhook-id once, has the event once.

Real processes: `manage.py db_worker --backend queue` as a child process on the test database,
so PostgreSQL only (SQLite's test database lives in this process's memory); CI runs it there.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from procedure_system.models import Delivery
from tests.procedure_system.test_push import (
    DELIVERY_TASK,
    State,
    _delivery_settings,
    certify,
    committing,
    course,
    officer,
    push,
    receiver,
    refreshed,
    subscription,
)

# The push tests' fixtures, shared: pytest finds them by their names in this module.
FIXTURES = (_delivery_settings, course, officer, push, receiver, subscription)

ROOT = Path(__file__).resolve().parents[2]
# The worker's total deadline per request; its lease is twice that and 5 s.
WORKER_TIMEOUT_SECONDS = 4

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a worker process needs a database it can share (PostgreSQL)",
)


def start_worker():
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "elearning.test_settings",
        "DATABASE_URL": url,
        "PROCEDURE_SYSTEM_TIMEOUT_SECONDS": str(WORKER_TIMEOUT_SECONDS),
    }
    command = [sys.executable, "manage.py", "db_worker", "--backend", "queue"]
    command += ["--interval", "0.2", "--no-startup-delay", "--no-reload"]
    return subprocess.Popen(  # noqa: S603 - our own command, no shell
        command,
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds} s: {what}")


@committing
def test_a_worker_killed_mid_request_has_its_delivery_resumed_by_itself(push):
    def hang(handler):
        time.sleep(30)  # the worker is killed long before

    push.receiver.reply(hang)
    certify(push.officer, push.course)
    [issued] = Delivery.objects.all()

    first = start_worker()
    try:
        wait_for(lambda: push.receiver.requests, 60, "the first worker's request")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    assert refreshed(issued).state == State.PENDING
    assert DBTaskResult.objects.filter(task_path=DELIVERY_TASK, status="RUNNING").count() == 1

    second = start_worker()
    try:
        # The lease (2 x 4 s + 5 s) runs out, the watchdog's task comes due, and it sends again.
        wait_for(lambda: refreshed(issued).state == State.DELIVERED, 45, "the delivery resumed")
    finally:
        second.terminate()
        second.wait(10)

    first_request, second_request = push.receiver.requests
    assert first_request["headers"]["webhook-id"] == second_request["headers"]["webhook-id"]
    assert first_request["body"] == second_request["body"]
    # The dead worker's task row was marked failed, not left RUNNING for ever.
    assert not DBTaskResult.objects.filter(task_path=DELIVERY_TASK, status="RUNNING").exists()
    assert DBTaskResult.objects.filter(task_path=DELIVERY_TASK, status="FAILED").count() == 1
