import pytest
from django.core.cache import cache

from officers import roles
from tests import skip_guard
from tests.factories import officer_with_role
from units.loader import load_bundled_dien_bien


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rate-limit counts from one test (the same
    client address, the same window) must not refuse another's requests."""
    cache.clear()


@pytest.fixture
def dien_bien(db):
    """Điện Biên's real units (province 11, 45 communes, and the pre-2025 tree)."""
    load_bundled_dien_bien()


@pytest.fixture
def hr_na_sang(dien_bien):
    """HR officer of Xã Na Sang (03172)."""
    return officer_with_role(roles.HR, "03172", username="hr.nasang").user


@pytest.fixture
def hr_muong_tung(dien_bien):
    """HR officer of Xã Mường Tùng (03181)."""
    return officer_with_role(roles.HR, "03181", username="hr.muongtung").user


@pytest.fixture
def hr_province(dien_bien):
    """HR officer of the province of Điện Biên (11)."""
    return officer_with_role(roles.HR, "11", username="hr.dienbien").user


@pytest.fixture
def administrator(dien_bien):
    return officer_with_role(roles.ADMINISTRATOR, "11", username="admin.dienbien").user


@pytest.fixture
def trainer(dien_bien):
    return officer_with_role(roles.TRAINER, "11", username="trainer.dienbien").user


@pytest.fixture
def learner(dien_bien):
    return officer_with_role(roles.LEARNER, "03172", username="hocvien.nasang").user


# --- In CI, a skip fails the run (tests/skip_guard.py) ----------------------------------------

_skipped = []


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append((report.nodeid, skip_guard.reason_of(report)))


def pytest_collectreport(report):
    # A whole module skipped while being collected (pytest.importorskip, allow_module_level).
    if report.skipped:
        _skipped.append((report.nodeid, skip_guard.reason_of(report)))


def _forbidden_skips():
    from django.db import connection

    return skip_guard.forbidden(_skipped, connection.vendor)


def pytest_sessionfinish(session, exitstatus):
    if skip_guard.active() and exitstatus == pytest.ExitCode.OK and _forbidden_skips():
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if not skip_guard.active():
        return
    forbidden = _forbidden_skips()
    if forbidden:
        terminalreporter.section(f"skipped tests fail the run ({skip_guard.ENVIRONMENT_VARIABLE})")
        for nodeid, reason in forbidden:
            terminalreporter.line(f"{nodeid}: {reason}")
