import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


def test_vietnamese_is_the_default_language_and_timezone_is_vietnam():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert [code for code, _name in settings.LANGUAGES] == ["vi", "en"]


def run_manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    environment["DJANGO_SETTINGS_MODULE"] = "elearning.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-long-random-production-secret-" + "k7Q2xZ9vB4nM1pL8rT6yW3eH5jD0fG" * 2,
        ALLOWED_HOSTS="kynangso.dienbien.gov.vn",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_workers_would_count_rate_limits_apart():
    result = run_manage(
        "check",
        "--deploy",
        SECRET_KEY="a-long-random-production-secret-" + "k7Q2xZ9vB4nM1pL8rT6yW3eH5jD0fG" * 2,
        ALLOWED_HOSTS="kynangso.dienbien.gov.vn",
    )
    assert "operations.W001" in result.stdout + result.stderr
    assert "REDIS_URL" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_database_url_selects_postgresql():
    import dj_database_url

    config = dj_database_url.parse("postgres://postgres@127.0.0.1:5432/kynangso")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    if "DATABASE_URL" not in os.environ:
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


def test_production_settings_turn_on_the_security_measures():
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'cookies': [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SESSION_COOKIE_SAMESITE], 'hsts': s.SECURE_HSTS_SECONDS,"
        " 'backends': s.AUTHENTICATION_BACKENDS, 'lockout': s.AXES_LOCKOUT_PARAMETERS,"
        " 'middleware': s.MIDDLEWARE, 'otp_required': s.OTP_REQUIRED_FOR_ADMIN}))"
    )
    result = run_manage(
        "shell",
        "-c",
        script,
        SECRET_KEY="a-long-random-production-secret-" + "k7Q2xZ9vB4nM1pL8rT6yW3eH5jD0fG" * 2,
        ALLOWED_HOSTS="kynangso.dienbien.gov.vn",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["cookies"] == [True, True, True, "Lax"]
    assert values["hsts"] >= 60 * 60 * 24 * 365
    assert values["backends"][0] == "axes.backends.AxesStandaloneBackend"
    assert values["lockout"] == [["username", "ip_address"]]
    middleware = values["middleware"]
    assert middleware[-1] == "axes.middleware.AxesMiddleware"
    assert middleware.index("django_otp.middleware.OTPMiddleware") < middleware.index(
        "security.middleware.TwoFactorMiddleware"
    )
    assert "security.headers.ContentSecurityPolicyMiddleware" in middleware
    assert values["otp_required"] is False
