"""What a person sees when a link or a form carries input no page of the site can take."""

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOOKUP = "/certificates/verify/"


def test_a_nul_character_in_a_link_gets_a_vietnamese_page_saying_so(client):
    response = client.get(LOOKUP, {"code": "KNS\x00-1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Yêu cầu không hợp lệ" in page
    assert "Địa chỉ hoặc biểu mẫu có chứa ký tự NUL" in page
    assert 'href="/"' in page  # a way back


def test_a_number_beyond_any_id_gets_the_same_page_in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/", {"page": "9" * 25})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Bad request" in page
    assert "contains a number that is far too large" in page


def test_a_login_form_with_a_nul_character_signs_nobody_in(client, learner):
    response = client.post(
        "/accounts/login/", {"username": learner.username + "\x00", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_ordinary_odd_input_is_left_to_the_page(client):
    """Only what no view can take is refused up front: a word where a number is expected
    is the page's to handle (here: the lookup form shown again)."""
    response = client.get(LOOKUP, {"page": "hai", "code": ""})
    assert response.status_code == 200


def test_the_procedure_api_answers_bad_input_in_its_own_format(client):
    """The vendor's client reads 422s of the published schema, never an HTML page."""
    response = client.get("/api/v1/certifications", {"limit": "9" * 25})
    assert response.status_code != 400
    assert response["Content-Type"].startswith("application/json")
