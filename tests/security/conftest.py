"""The security world holds a receiver that failed on purpose (world.py `_push`), which makes
/health/ answer 503 for its `deliveries` check, as it should. These tests are about who may
reach /health/, not what it finds: they run without the registered problem checks (their own
tests are in tests/operations/test_health.py)."""

import pytest

from operations import health


@pytest.fixture(autouse=True)
def _health_without_registered_problems(monkeypatch):
    monkeypatch.setattr(health, "PROBLEM_SOURCES", {})
