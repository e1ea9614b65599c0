"""The pull API the procedure system reads certifications from (mounted at /api/v1/).

Every answer is limited to the client's area: officers of its units and of every unit under
them. Anything outside that area is answered exactly as if it did not exist (404, or absent
from a list), so a client cannot learn what other provinces hold.

Messages in answers are for the developers of client systems and stay in English.
"""

import operator
from functools import reduce

from django.db.models import Q
from ninja import NinjaAPI, Path, Query
from ninja.errors import AuthenticationError, HttpError

from certification.models import Certificate
from officers.models import Officer
from units.models import AdministrativeUnit, within_q

from .api_auth import ApiTokenAuth, ClientRateThrottle
from .api_schemas import (
    CERTIFICATE_CODE_PATTERN,
    MAX_ID,
    PRINTABLE,
    CertificationFilters,
    CertificationOut,
    CertificationPage,
    ErrorOut,
    OfficerCertifications,
    OfficerOut,
    ValidationErrorOut,
    decode_cursor,
    encode_cursor,
)

api = NinjaAPI(
    title="Kỹ năng số – certifications",
    version="1",
    description=(
        "Officers' certifications, for the provincial administrative-procedure system. "
        "Authenticate with `Authorization: Bearer <token>`; each token sees the officers of its "
        "administrative units and of every unit under them. Sync changes with `updated_since` "
        "and follow `next_cursor` until it is null."
    ),
    urls_namespace="procedure_api",
    auth=ApiTokenAuth(),
    throttle=[ClientRateThrottle()],
)

# Answers every operation may give besides its own.
COMMON_RESPONSES = {401: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut}


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    response = api.create_response(
        request, {"detail": "Missing, unknown or inactive token."}, status=401
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


def _any(conditions):
    return reduce(operator.or_, conditions, Q(pk__in=[]))


def area_q(client, field):
    """Rows whose `field` (a unit) lies in the client's area."""
    return _any(within_q(unit, field) for unit in client.units.all())


def certificates_for(client):
    return Certificate.objects.filter(area_q(client, "officer__unit")).select_related(
        "officer__unit", "renewal_of", "renewed_by"
    )


def officers_for(client):
    return Officer.objects.filter(area_q(client, "unit")).select_related("unit")


@api.get(
    "/certifications",
    response={200: CertificationPage, 404: ErrorOut, **COMMON_RESPONSES},
    summary="List certifications, oldest change first",
    tags=["certifications"],
)
def list_certifications(request, filters: Query[CertificationFilters]):
    """Certificates of every status (valid, expired, revoked, superseded) in the client's area,
    ordered by last change. An unknown unit, or one outside the client's area, is a 404."""
    client = request.auth
    certificates = certificates_for(client)
    if filters.procedure_account is not None:
        certificates = certificates.filter(officer__procedure_account=filters.procedure_account)
    if filters.officer_id is not None:
        certificates = certificates.filter(officer_id=filters.officer_id)
    if filters.unit is not None:
        units = list(
            AdministrativeUnit.objects.filter(code=filters.unit).filter(area_q(client, ""))
        )
        if not units:
            raise HttpError(404, "No administrative unit with this code in your area.")
        certificates = certificates.filter(_any(within_q(unit, "officer__unit") for unit in units))
    if filters.status is not None:
        certificates = certificates.filter(status=filters.status)
    if filters.updated_since is not None:
        certificates = certificates.filter(updated_at__gte=filters.updated_since)
    if filters.cursor is not None:
        moment, pk = decode_cursor(filters.cursor)
        certificates = certificates.filter(
            Q(updated_at__gt=moment) | Q(updated_at=moment, pk__gt=pk)
        )
    page = list(certificates.order_by("updated_at", "pk")[: filters.limit + 1])
    items = page[: filters.limit]
    next_cursor = encode_cursor(items[-1]) if len(page) > filters.limit else None
    return {"items": items, "next_cursor": next_cursor}


@api.get(
    "/certifications/{code}",
    response={200: CertificationOut, 404: ErrorOut, **COMMON_RESPONSES},
    summary="One certification, by its verification code",
    tags=["certifications"],
)
def get_certification(
    request, code: str = Path(..., pattern=CERTIFICATE_CODE_PATTERN, max_length=20)
):
    certificate = certificates_for(request.auth).filter(code=code.upper()).first()
    if certificate is None:
        raise HttpError(404, "No certification with this code in your area.")
    return certificate


@api.get(
    "/officers/{officer_id}/certifications",
    response={200: OfficerCertifications, 404: ErrorOut, **COMMON_RESPONSES},
    summary="An officer's certifications, newest first",
    tags=["officers"],
)
def officer_certifications(request, officer_id: int = Path(..., ge=1, le=MAX_ID)):
    officer = officers_for(request.auth).filter(pk=officer_id).first()
    if officer is None:
        raise HttpError(404, "No officer with this id in your area.")
    certificates = (
        Certificate.objects.filter(officer=officer)
        .select_related("renewal_of", "renewed_by")
        .order_by("-issued_at", "pk")
    )
    items = list(certificates)
    for certificate in items:
        certificate.officer = officer  # already read, with its unit
    return {"officer": officer, "items": items}


@api.get(
    "/officers",
    response={200: list[OfficerOut], **COMMON_RESPONSES},
    summary="Find an officer by procedure-system account",
    tags=["officers"],
)
def find_officers(
    request,
    procedure_account: str = Query(..., min_length=1, max_length=100, pattern=PRINTABLE),
):
    """The officer whose confirmed account this is, as a list of at most one; empty when no
    officer in the client's area has it."""
    return officers_for(request.auth).filter(procedure_account=procedure_account)
