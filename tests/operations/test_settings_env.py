"""The settings module builds cache, sessions and storages from the environment.

Each case imports elearning.settings in a fresh Python with only the given variables, as a
production server would; nothing connects to Redis or S3 (signing a URL is local).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
out = {"caches": settings.CACHES, "session": settings.SESSION_ENGINE,
       "media_url": settings.MEDIA_URL,
       "storages": settings.STORAGES, "private_root": str(settings.PRIVATE_ROOT)}
for alias in ("default", "private"):
    out[alias + "_url"] = storages[alias].url("certificates/2026/KNS-ABCD-EFGH.pdf")
print(json.dumps(out, default=str))
"""


def settings_for(script=PROBE, **env):
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(ROOT)),
        "DJANGO_SETTINGS_MODULE": "elearning.settings",
        "SECRET_KEY": "settings-probe-" + "q" * 50,
        "ALLOWED_HOSTS": "kynangso.example.vn",
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    return result


def probe(**env):
    result = settings_for(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_redis_or_buckets_everything_stays_local():
    out = probe(PRIVATE_ROOT="/srv/kynangso/private")
    assert out["caches"]["default"]["BACKEND"].endswith("LocMemCache")
    assert out["session"] == "django.contrib.sessions.backends.db"
    assert out["storages"]["default"]["BACKEND"].endswith("FileSystemStorage")
    assert out["storages"]["private"]["BACKEND"].endswith("FileSystemStorage")
    assert out["storages"]["private"]["OPTIONS"]["location"] == "/srv/kynangso/private"
    assert out["default_url"] == "/media/certificates/2026/KNS-ABCD-EFGH.pdf"
    assert out["media_url"] == "/media/"


def test_redis_url_gives_a_shared_cache_and_cached_sessions():
    out = probe(REDIS_URL="redis://10.0.0.5:6379/2", CACHE_KEY_PREFIX="dienbien")
    cache = out["caches"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://10.0.0.5:6379/2"
    assert cache["KEY_PREFIX"] == "dienbien"
    assert cache["OPTIONS"]["socket_timeout"] <= 5
    assert out["session"] == "django.contrib.sessions.backends.cached_db"


S3_ENV = {
    "MEDIA_STORAGE": "s3",
    "AWS_STORAGE_BUCKET_NAME": "kns-media",
    "AWS_S3_ENDPOINT_URL": "https://s3.hn.example-cloud.vn",
    "AWS_S3_REGION_NAME": "hn-1",
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "example-secret-key",
}


def test_media_in_an_s3_compatible_bucket_with_signed_links():
    out = probe(**S3_ENV)
    media = out["storages"]["default"]
    assert media["BACKEND"] == "storages.backends.s3.S3Storage"
    assert media["OPTIONS"]["bucket_name"] == "kns-media"
    assert media["OPTIONS"]["endpoint_url"] == "https://s3.hn.example-cloud.vn"
    assert media["OPTIONS"]["region_name"] == "hn-1"
    assert media["OPTIONS"]["file_overwrite"] is False
    # Keys stay in the environment, out of the settings object (and its debug pages).
    assert "example-secret-key" not in json.dumps(out["storages"])
    assert out["default_url"].startswith("https://s3.hn.example-cloud.vn/kns-media/media/")
    # MEDIA_URL names the same origin, for the content security policy.
    assert out["media_url"] == "https://s3.hn.example-cloud.vn/kns-media/media/"
    assert "Signature=" in out["default_url"]
    # Private files did not follow the media into the bucket.
    assert out["storages"]["private"]["BACKEND"].endswith("FileSystemStorage")


def test_a_bucket_name_alone_selects_s3_and_a_custom_domain_serves_public_links():
    env = {**S3_ENV, "AWS_S3_CUSTOM_DOMAIN": "media.kynangso.example.vn"}
    env.update(AWS_QUERYSTRING_AUTH="0")
    del env["MEDIA_STORAGE"]
    out = probe(**env)
    assert out["storages"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert out["default_url"] == (
        "https://media.kynangso.example.vn/media/certificates/2026/KNS-ABCD-EFGH.pdf"
    )
    assert out["media_url"] == "https://media.kynangso.example.vn/media/"


def test_private_files_in_s3_go_to_their_own_bucket_and_are_always_signed():
    env = {
        **S3_ENV,
        "PRIVATE_STORAGE": "s3",
        "AWS_PRIVATE_BUCKET_NAME": "kns-private",
        # Even when the media bucket is public behind a CDN.
        "AWS_S3_CUSTOM_DOMAIN": "media.kynangso.example.vn",
        "AWS_QUERYSTRING_AUTH": "false",
    }
    out = probe(**env)
    private = out["storages"]["private"]
    assert private["BACKEND"] == "storages.backends.s3.S3Storage"
    assert private["OPTIONS"]["bucket_name"] == "kns-private"
    assert private["OPTIONS"]["querystring_auth"] is True
    assert out["private_url"].startswith("https://s3.hn.example-cloud.vn/kns-private/private/")
    assert "Signature=" in out["private_url"]
    assert "media.kynangso.example.vn" not in out["private_url"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MEDIA_STORAGE": "s3"}, "AWS_STORAGE_BUCKET_NAME"),
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be"),
        ({"PRIVATE_STORAGE": "s3"}, "AWS_PRIVATE_BUCKET_NAME"),
        (
            {
                "PRIVATE_STORAGE": "s3",
                "AWS_STORAGE_BUCKET_NAME": "kns",
                "AWS_PRIVATE_BUCKET_NAME": "kns",
            },
            "must differ",
        ),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be"),
        ({"CACHE_TIMEOUT": "five"}, "CACHE_TIMEOUT must be a whole number"),
    ],
)
def test_a_wrong_setting_stops_the_start_with_a_clear_message(env, message):
    result = settings_for(**env)
    assert result.returncode != 0
    assert message in result.stderr


CHECK_DEPLOY = """
import django
django.setup()
from django.core.management import call_command
call_command("check", "--deploy")
"""


def test_check_deploy_refuses_private_files_inside_media_root(tmp_path):
    inside = settings_for(
        script=CHECK_DEPLOY, MEDIA_ROOT=str(tmp_path), PRIVATE_ROOT=str(tmp_path / "private")
    )
    assert inside.returncode != 0
    assert "operations.E001" in inside.stderr
    apart = settings_for(
        script=CHECK_DEPLOY,
        MEDIA_ROOT=str(tmp_path / "media"),
        PRIVATE_ROOT=str(tmp_path / "private"),
    )
    assert "operations.E001" not in apart.stderr + apart.stdout
