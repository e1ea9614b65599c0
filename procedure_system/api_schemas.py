"""What the certifications API accepts and returns.

Nothing here carries an officer's citizen ID, phone or email: the procedure system needs who
holds which certificate, not how to reach them.
"""

import base64
import binascii
import datetime as dt
import json
from typing import Annotated, Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator, StringConstraints

from certification.models import Certificate

# Ids the database can hold (PostgreSQL bigint); larger numbers are a 422, not an overflow.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# No control characters (PostgreSQL refuses NUL in text).
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"
AccountText = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=PRINTABLE)]
UnitCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{2,5}$")]
CERTIFICATE_CODE_PATTERN = r"^[A-Za-z0-9-]{1,20}$"
MAX_LIMIT = 500


def storable_datetime(value: dt.datetime) -> dt.datetime:
    """An aware datetime the database can store; naive ones are read in the platform's zone."""
    if timezone.is_naive(value):
        try:
            value = timezone.make_aware(value)
        except (OverflowError, ValueError) as error:
            raise ValueError("date and time out of range") from error
    # In UTC: an offset such as +22:00 is valid ISO 8601 but PostgreSQL refuses it.
    try:
        return value.astimezone(dt.UTC)
    except OverflowError as error:
        raise ValueError("date and time out of range") from error


Moment = Annotated[dt.datetime, AfterValidator(storable_datetime)]


def encode_cursor(certificate):
    raw = json.dumps([certificate.updated_at.isoformat(), certificate.pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor):
    """(updated_at, id) from a cursor given by this API; ValueError for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, pk = json.loads(raw)
        moment = storable_datetime(dt.datetime.fromisoformat(moment))
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as error:
        raise ValueError("not a cursor returned by this API") from error
    if type(pk) is not int or not 1 <= pk <= MAX_ID:
        raise ValueError("not a cursor returned by this API")
    return moment, pk


def _check_cursor(value):
    decode_cursor(value)
    return value


Cursor = Annotated[str, StringConstraints(max_length=200), AfterValidator(_check_cursor)]


class CertificationFilters(Schema):
    procedure_account: AccountText | None = Field(
        None, description="The officer's account in the procedure system."
    )
    officer_id: Id | None = Field(None, description="The officer's id on this platform.")
    unit: UnitCode | None = Field(
        None,
        description="An administrative unit's code: officers of the unit and of the units "
        "under it. The unit must be inside the client's area.",
    )
    status: Certificate.Status | None = None
    updated_since: Moment | None = Field(
        None,
        description="Only certificates changed at or after this moment (ISO 8601; without an "
        "offset it is read as Vietnam time).",
    )
    cursor: Cursor | None = Field(
        None, description="The `next_cursor` of the previous page, to read the next one."
    )
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description="Certificates per page.")


class UnitOut(Schema):
    code: str
    name: str


class OfficerOut(Schema):
    id: int
    full_name: str
    procedure_account: str | None = Field(
        description="The confirmed account in the procedure system, if any."
    )
    unit: UnitOut

    @staticmethod
    def resolve_procedure_account(obj):
        return obj.procedure_account or None


class CourseOut(Schema):
    id: int
    title: str = Field(description="The title when the certificate was issued.")


class SkillOut(Schema):
    code: str
    name: str


class CertificationOut(Schema):
    code: str = Field(description="The verification code printed on the certificate.")
    status: Certificate.Status
    in_force: bool = Field(description="Valid and not past its expiry date.")
    course: CourseOut
    skills: list[SkillOut]
    issued_at: dt.datetime
    expires_at: dt.datetime | None
    revocation_reason: str | None
    renews: str | None = Field(description="Code of the certificate this one renews.")
    renewed_by: str | None = Field(description="Code of the certificate that renews this one.")
    verify_url: str | None = Field(
        description="The public page that confirms the certificate (null if there is none)."
    )
    updated_at: dt.datetime
    officer: OfficerOut

    @staticmethod
    def resolve_in_force(obj):
        return obj.is_in_force()

    @staticmethod
    def resolve_course(obj):
        return {"id": obj.course_id, "title": obj.course_title}

    @staticmethod
    def resolve_revocation_reason(obj):
        return obj.revocation_reason or None

    @staticmethod
    def resolve_renews(obj):
        return obj.renewal_of.code if obj.renewal_of_id else None

    @staticmethod
    def resolve_renewed_by(obj):
        renewal = getattr(obj, "renewed_by", None)
        return renewal.code if renewal else None

    @staticmethod
    def resolve_verify_url(obj):
        try:
            path = reverse("certificate_verify", args=[obj.code])
        except NoReverseMatch:  # a deployment without the public verify page
            return None
        return settings.PUBLIC_BASE_URL + path


class CertificationPage(Schema):
    items: list[CertificationOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class OfficerCertifications(Schema):
    officer: OfficerOut
    items: list[CertificationOut]


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]]
