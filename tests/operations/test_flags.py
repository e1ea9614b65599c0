"""Yes/no settings are read strictly (operations.conf.flag): a typo stops the start-up with the
variable's name and the accepted words, instead of reading as "no"."""

import json

import pytest

from operations.conf import flag

from .test_settings_env import settings_for


@pytest.mark.parametrize("value", ["1", "true", "True", "YES", "on", " on "])
def test_the_yes_words_read_as_true(value):
    assert flag({"X": value}, "X", False) is True


@pytest.mark.parametrize("value", ["0", "false", "FALSE", "no", "Off"])
def test_the_no_words_read_as_false(value):
    assert flag({"X": value}, "X", True) is False


@pytest.mark.parametrize("env", [{}, {"X": ""}, {"X": "  "}])
def test_unset_or_empty_gives_the_default(env):
    assert flag(env, "X", True) is True
    assert flag(env, "X", False) is False


@pytest.mark.parametrize("value", ["ture", "yes please", "2", "enabled", "n"])
def test_anything_else_is_refused_naming_the_variable_and_the_words(value):
    with pytest.raises(ValueError) as refused:
        flag({"OTP_REQUIRED_FOR_ADMIN": value}, "OTP_REQUIRED_FOR_ADMIN", False)
    message = str(refused.value)
    assert message.startswith("OTP_REQUIRED_FOR_ADMIN must be one of 1, true, yes, on")
    assert "0, false, no, off" in message
    assert repr(value) in message


SHOW = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({name: getattr(settings, name) for name in (
    "DEBUG", "SECURE_SSL_REDIRECT", "OTP_REQUIRED_FOR_ADMIN", "LESSON_MINIMUM_TIME",
    "EMAIL_USE_TLS")}))
"""


def shown(**env):
    result = settings_for(script=SHOW, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "name",
    [
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_PRELOAD",
        "OTP_REQUIRED_FOR_ADMIN",
        "EMAIL_USE_TLS",
        "EMAIL_USE_SSL",
        "LESSON_MINIMUM_TIME",
    ],
)
def test_a_typo_in_a_yes_no_setting_stops_the_start(name):
    result = settings_for(**{name: "ture"})
    assert result.returncode != 0
    assert f"{name} must be one of 1, true, yes, on (yes) or 0, false, no, off (no)" in (
        result.stderr
    )


def test_the_same_words_reach_the_settings():
    assert shown(OTP_REQUIRED_FOR_ADMIN="yes", EMAIL_USE_TLS="on", SECURE_SSL_REDIRECT="off") == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": False,
        "OTP_REQUIRED_FOR_ADMIN": True,
        "LESSON_MINIMUM_TIME": True,
        "EMAIL_USE_TLS": True,
    }


def test_lesson_minimum_time_false_turns_the_wait_off():
    # It used to be on for every value but "0", so "false" left the wait on.
    assert shown(LESSON_MINIMUM_TIME="false")["LESSON_MINIMUM_TIME"] is False


def test_s3_signed_links_setting_is_read_strictly_too():
    result = settings_for(
        MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="kns-media", AWS_QUERYSTRING_AUTH="of"
    )
    assert result.returncode != 0
    assert "AWS_QUERYSTRING_AUTH must be one of" in result.stderr
