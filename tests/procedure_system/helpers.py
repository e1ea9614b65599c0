"""Helpers for the pull-API tests: clients with tokens, officers, certificates."""

import datetime as dt

from django.utils import timezone

from certification.models import Certificate
from procedure_system.api_auth import assign_new_token
from procedure_system.models import ApiClient
from tests.factories import OfficerFactory, unit

ISSUED = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))


def make_client(*unit_codes, name=None, **kwargs):
    """An API client for these units, and its token."""
    client = ApiClient(name=name or f"Một cửa {'-'.join(unit_codes)}", **kwargs)
    token = assign_new_token(client)
    client.save()
    client.units.set([unit(code) for code in unit_codes])
    return client, token


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def certify(officer, course, status=Certificate.Status.VALID, **kwargs):
    return Certificate.objects.create(
        officer=officer,
        course=course,
        course_title=course.title,
        skills=[{"code": "IU01", "name": "Sử dụng chữ ký số"}],
        issued_at=kwargs.pop("issued_at", ISSUED),
        expires_at=kwargs.pop("expires_at", ISSUED + dt.timedelta(days=730)),
        status=status,
        **kwargs,
    )


def officer_in(code, **kwargs):
    return OfficerFactory(unit=unit(code), **kwargs)
