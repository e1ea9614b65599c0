"""seed_demo creates accounts (a superuser among them) with the password published in the
README: it refuses to run outside development unless told the site is a throwaway one."""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]


def test_seed_demo_refuses_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with translation.override("vi"), pytest.raises(CommandError) as refused:
        call_command("seed_demo", stdout=StringIO())
    assert "DEBUG" in str(refused.value)
    assert "mật khẩu" in str(refused.value)
    assert not get_user_model().objects.filter(username="quantri").exists()


def test_the_refusal_ends_the_command_with_an_error_status(tmp_path):
    environment = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "test-only-secret-key-" + "x" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "DEBUG" in done.stderr
    assert "Traceback" not in done.stderr
