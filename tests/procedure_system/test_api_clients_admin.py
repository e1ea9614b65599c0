"""Administrators create API clients in the Wagtail admin; each token is shown once."""

import re

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from procedure_system.api_admin import TOKEN_ROTATED
from procedure_system.api_auth import hash_token
from procedure_system.models import ApiClient
from tests.factories import logged_in
from tests.procedure_system.helpers import bearer, make_client, unit

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"kns_[0-9a-f]{10}_[A-Za-z0-9_-]{43}")
LIST = "/api/v1/certifications"


def shown_token(response):
    assert response.status_code == 200
    tokens = set(TOKEN.findall(response.content.decode()))
    assert len(tokens) == 1, tokens
    return tokens.pop()


def test_an_administrator_creates_a_client_and_sees_its_token_once(client, administrator):
    logged_in(client, administrator)
    assert client.get(reverse("api_client:add")).status_code == 200
    response = client.post(
        reverse("api_client:add"),
        {
            "name": "Hệ thống một cửa tỉnh Điện Biên",
            "units": [unit("11").pk],
            "requests_per_minute": "60",
            "is_active": "on",
        },
    )
    token = shown_token(response)
    assert "no-store" in response["Cache-Control"]

    api_client = ApiClient.objects.get()
    assert api_client.token_hash == hash_token(token)
    assert token.startswith(f"kns_{api_client.token_prefix}_")
    assert list(api_client.units.all()) == [unit("11")]
    assert api_client.requests_per_minute == 60
    # Nowhere else: not in the session, a message or a cookie.
    assert token not in str(dict(client.session))
    assert token not in str(client.cookies)
    listing = client.get(reverse("api_client:index")).content.decode()
    assert "Hệ thống một cửa tỉnh Điện Biên" in listing
    assert token not in listing
    edit_page = client.get(reverse("api_client:edit", args=[api_client.pk])).content.decode()
    assert token not in edit_page

    client.logout()
    assert client.get(LIST, **bearer(token)).status_code == 200


def test_a_client_needs_units_and_a_positive_rate(client, administrator):
    logged_in(client, administrator)
    response = client.post(
        reverse("api_client:add"), {"name": "Thiếu đơn vị", "requests_per_minute": "0"}
    )
    assert response.status_code == 200
    assert not TOKEN.search(response.content.decode())
    assert not ApiClient.objects.exists()


def test_rotating_the_token_shows_the_new_one_and_retires_the_old(client, administrator):
    api_client, old_token = make_client("11")
    logged_in(client, administrator)
    edit_page = client.get(reverse("api_client:edit", args=[api_client.pk])).content.decode()
    rotate_url = reverse("api_client:rotate", args=[api_client.pk])
    assert rotate_url in edit_page
    assert rotate_url in client.get(reverse("api_client:index")).content.decode()
    assert client.get(rotate_url).status_code == 200
    assert ApiClient.objects.get().token_hash == hash_token(old_token)  # GET changes nothing

    new_token = shown_token(client.post(rotate_url))
    assert new_token != old_token
    assert ApiClient.objects.get().token_hash == hash_token(new_token)
    assert ModelLogEntry.objects.filter(action=TOKEN_ROTATED, object_id=str(api_client.pk))

    client.logout()
    assert client.get(LIST, **bearer(old_token)).status_code == 401
    assert client.get(LIST, **bearer(new_token)).status_code == 200


def test_hr_cannot_manage_api_clients(client, hr_province):
    api_client, _token = make_client("11")
    logged_in(client, hr_province)
    assert client.get(reverse("api_client:index")).status_code in (302, 403)
    assert client.get(reverse("api_client:add")).status_code in (302, 403)
    rotate_url = reverse("api_client:rotate", args=[api_client.pk])
    assert client.post(rotate_url).status_code in (302, 403)
    assert ApiClient.objects.get().token_prefix == api_client.token_prefix
