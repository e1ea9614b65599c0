"""Content security policy and the other security headers."""

import json
import logging
import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.assessments.test_course_completion import add_quiz_lesson
from tests.browser.test_quiz_journey import timed_quiz  # noqa: F401 (a fixture)
from tests.courses.pages import make_course
from tests.courses.reading import read


def policy(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")")
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def assert_no_inline_code(html):
    """What the learner policy would block: inline scripts, on* handlers, style attributes."""
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html)
    assert not INLINE_HANDLER.search(html), INLINE_HANDLER.search(html)
    assert not STYLE_ATTRIBUTE.search(html), STYLE_ATTRIBUTE.search(html)
    assert "<style" not in html


def test_learner_pages_get_the_strict_policy(client, db):
    csp = policy(client.get(reverse("login")))
    assert csp["default-src"] == ["'self'"]
    # django-csp adds a nonce only to responses whose template used one; none needs it.
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["report-uri"] == [reverse("csp_report")]


def test_learner_pages_have_no_inline_code(client, learner, timed_quiz):  # noqa: F811
    course = make_course(lessons=1)
    quiz_lesson = add_quiz_lesson(course, timed_quiz)
    for lesson in course.lessons():
        read(learner.officer, lesson)
    assert_no_inline_code(client.get(reverse("login")).content.decode())
    client.force_login(learner)
    pages = [
        "/",
        reverse("my_courses"),
        reverse("my_profile"),
        reverse("my_certificates"),
        course.url,
        quiz_lesson.url,
        reverse("quiz_detail", args=[timed_quiz.slug]),
    ]
    started = client.post(reverse("quiz_start", args=[timed_quiz.slug]))
    assert started.status_code == 302
    pages.append(started.url)  # the attempt page and its autosave script
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy(response)["script-src"] == ["'self'"], url
        assert_no_inline_code(response.content.decode())


def test_lesson_videos_may_be_framed_from_youtube_nocookie_only(client, db):
    csp = policy(client.get(reverse("login")))
    assert csp["frame-src"] == ["https://www.youtube-nocookie.com"]


def test_the_admin_gets_a_policy_allowing_its_inline_code_and_nothing_more(client, hr_na_sang):
    client.force_login(hr_na_sang)
    for url in [reverse("wagtailadmin_login"), reverse("wagtailadmin_home"), "/django-admin/"]:
        csp = policy(client.get(url))
        assert csp["script-src"] == ["'self'", "'unsafe-inline'"], url
        assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
        assert csp["default-src"] == ["'self'"]
        assert csp["object-src"] == ["'none'"]
        assert csp["frame-ancestors"] == ["'self'"]  # page previews
        assert csp["form-action"] == ["'self'"]
        assert not any("nonce" in source for source in csp["script-src"])


def test_the_api_documentation_page_works_under_its_policy(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "'unsafe-inline'" in policy(response)["style-src"]


@override_settings(MEDIA_URL="https://media.kynangso.example/uploads/")
def test_media_on_object_storage_is_allowed_for_images(db):
    csp = policy(Client().get(reverse("login")))
    assert csp["img-src"] == ["'self'", "data:", "https://media.kynangso.example"]
    assert csp["media-src"] == ["https://media.kynangso.example"]


def test_security_headers(client, db):
    response = client.get(reverse("login"))
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


def test_cookies_are_http_only_and_same_site(client, learner):
    from tests.factories import PASSWORD

    client.get(reverse("login"))
    response = client.post(reverse("login"), {"username": learner.username, "password": PASSWORD})
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    csrf = client.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"


def test_csp_reports_are_logged(client, db, caplog):
    report = {
        "csp-report": {
            "document-uri": "https://kynangso.example/lessons/1/",
            "blocked-uri": "https://evil.example/x.js",
            "violated-directive": "script-src-elem",
        }
    }
    with caplog.at_level(logging.WARNING, logger="security.views"):
        response = client.post(
            reverse("csp_report"), json.dumps(report), content_type="application/csp-report"
        )
    assert response.status_code == 204
    assert "https://evil.example/x.js" in caplog.text


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"{" + b" " * 9000 + b"}"])
def test_bad_csp_reports_are_refused(client, db, body):
    response = client.post(reverse("csp_report"), body, content_type="application/csp-report")
    assert response.status_code == 400


def test_server_error_page_has_no_inline_style():
    from django.template.loader import get_template

    assert_no_inline_code(get_template("500.html").render())
