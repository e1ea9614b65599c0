"""What the certifications API accepts and returns.

Nothing here carries an officer's citizen ID, phone or email: the procedure system needs who
holds which certificate, not how to reach them.
"""

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union

from django.conf import settings
from django.core import signing
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from ninja import Field, Schema
from pydantic import (
    AfterValidator,
    StringConstraints,
    WithJsonSchema,
    create_model,
    field_validator,
    model_validator,
)

from certification.models import Certificate

from .feed import CLIENT_TYPES, MOVED_IN, MOVED_OUT, VERSION

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


class CursorError(ValueError):
    """A cursor this API did not give, or gave for other filters."""


# Cursors are signed, so a client cannot forge one that starts the changes after a position it
# has not reached (skipping changes), nor bend one into another filter's listing. No timestamp
# in the signature: the same place gives the same cursor, and a cursor kept for months resumes.
CURSOR_SALT = "procedure_system.certifications.cursor"
CURSOR_VERSION = 2
SNAPSHOT, CHANGES = "snapshot", "changes"
STALE_CURSOR = (
    "not a cursor returned by this API (altered, or from an older version): start again "
    "without cursor"
)


@dataclass(frozen=True)
class CursorState:
    """Where a certifications sync stands.

    `snapshot`: listing the area's certificates by id, after `after_id`; the changes made
    since feed position `position` (the highest when the snapshot began) come next.
    `changes`: certificates with feed events after `position`.
    `filters` is the fingerprint of the filters the sync was started with.
    """

    phase: str
    position: int
    filters: str
    after_id: int = 0

    def encode(self):
        payload = {"v": CURSOR_VERSION, "phase": self.phase, "position": self.position}
        payload["filters"] = self.filters
        if self.phase == SNAPSHOT:
            payload["after_id"] = self.after_id
        return signing.Signer(salt=CURSOR_SALT).sign_object(payload)

    @classmethod
    def decode(cls, cursor):
        try:
            payload = signing.Signer(salt=CURSOR_SALT).unsign_object(cursor)
        except (signing.BadSignature, ValueError, TypeError, UnicodeDecodeError) as error:
            raise CursorError(STALE_CURSOR) from error
        # Signed by this API, so well formed; the version tells an older format apart.
        if not isinstance(payload, dict) or payload.get("v") != CURSOR_VERSION:
            raise CursorError(STALE_CURSOR)
        return cls(
            phase=payload["phase"],
            position=payload["position"],
            filters=payload["filters"],
            after_id=payload.get("after_id", 0),
        )


def _check_cursor(value):
    CursorState.decode(value)
    return value


Cursor = Annotated[str, StringConstraints(max_length=500), AfterValidator(_check_cursor)]


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
        None,
        description="The `next_cursor` of the previous answer, to go on from there; pass the "
        "same filters as the request that started the sync.",
    )
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description="Certificates per page.")

    def fingerprint(self):
        """The filters a sync was started with (the cursor must go with the same ones)."""
        values = [
            self.procedure_account,
            self.officer_id,
            self.unit,
            self.status,
            self.updated_since.isoformat() if self.updated_since else None,
        ]
        return hashlib.sha256(json.dumps(values).encode()).hexdigest()[:16]

    def cursor_state(self):
        return CursorState.decode(self.cursor) if self.cursor is not None else None

    @model_validator(mode="after")
    def _same_filters(self):
        state = self.cursor_state()
        if state is not None and state.filters != self.fingerprint():
            raise ValueError(
                "this cursor was given for other filters: pass the filters of the request "
                "that started the sync, or start again without cursor"
            )
        return self


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
    next_cursor: str = Field(
        description="Pass as `cursor` (with the same filters) to go on; never null. Keep the "
        "last one: it resumes the sync later, with the changes made since."
    )
    has_more: bool = Field(
        description="More is there to read now: ask again at once with `next_cursor`. When "
        "false, you are up to date: ask again with `next_cursor` after a while."
    )


class OfficerCertifications(Schema):
    officer: OfficerOut
    items: list[CertificationOut]


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]]


# The change feed ------------------------------------------------------------------------------

# Timestamps in events are kept as the feed wrote them (ISO 8601 with an offset).
Timestamp = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]


class EventFilters(Schema):
    after: int = Field(
        0,
        ge=0,
        le=MAX_ID,
        description="The last position you processed (`next_after` of the previous answer); "
        "0 to read from the start.",
    )
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description="Events per answer, at most.")
    types: str | None = Field(
        None,
        max_length=1000,
        description="Only these types, comma-separated (e.g. "
        "`certificate.revoked,officer.moved_out`); every type when absent.",
    )

    @field_validator("types")
    @classmethod
    def _known_types(cls, value):
        if value is None:
            return None
        unknown = [t for t in _split(value) if t not in CLIENT_TYPES]
        if unknown:
            raise ValueError(
                f"unknown event type(s) {', '.join(unknown)}; the types are: "
                + ", ".join(CLIENT_TYPES)
            )
        return value

    def type_list(self):
        return _split(self.types) if self.types is not None else None


def _split(types):
    return [t.strip() for t in types.split(",") if t.strip()]


class EventUnit(Schema):
    code: str
    name: str


class EventOfficer(Schema):
    id: int
    full_name: str
    procedure_account: str | None = Field(
        description="The officer's account in the procedure system, if any."
    )
    unit: EventUnit | None = Field(
        description="Their unit; null in an officer.moved_out (the unit is outside your area)."
    )


class EventCertificate(Schema):
    code: str
    status: Certificate.Status = Field(description="The status after this change.")
    course: CourseOut
    skills: list[SkillOut]
    issued_at: Timestamp
    expires_at: Timestamp | None
    revocation_reason: str | None
    renews: str | None = Field(description="Code of the certificate this one renews.")
    verify_url: str


class CertificateEventData(Schema):
    certificate: EventCertificate
    officer: EventOfficer


class AccountEventData(Schema):
    officer: EventOfficer
    account: str = Field(description="The account linked, confirmed or unlinked.")


class MovedCertificate(Schema):
    code: str
    status: Certificate.Status
    course_id: int


class MoveEventData(Schema):
    officer: EventOfficer
    from_unit: EventUnit | None = Field(description="Null when it is outside your area.")
    to_unit: EventUnit | None = Field(description="Null when it is outside your area.")
    certificates: list[MovedCertificate] = Field(
        description="The officer's certificates (empty when they moved out of your area)."
    )


EVENT_DATA = {
    **{kind: CertificateEventData for kind in CLIENT_TYPES if kind.startswith("certificate.")},
    **{kind: AccountEventData for kind in CLIENT_TYPES if kind.startswith("officer.account_")},
    **{kind: MoveEventData for kind in CLIENT_TYPES if kind.startswith("officer.moved")},
}
EVENT_DESCRIPTIONS = {
    "certificate.issued": "A certificate was issued (a first one for the course).",
    "certificate.renewed": "A certificate was issued renewing an earlier one (`renews`).",
    "certificate.superseded": "A certificate was replaced by its renewal.",
    "certificate.revoked": "A certificate was withdrawn (`revocation_reason` says why).",
    "certificate.expired": "A certificate reached its expiry date.",
    "officer.account_linked": "An officer's procedure-system account was entered.",
    "officer.account_confirmed": "An officer's procedure-system account was confirmed.",
    "officer.account_unlinked": "An officer's procedure-system account was removed.",
    "officer.moved": "An officer moved between two units of your area.",
    MOVED_IN: "An officer moved into your area (from a unit outside it, shown as null).",
    MOVED_OUT: "An officer moved out of your area: their certificates are no longer yours.",
}


def _event_model(kind):
    name = "".join(part.title() for part in kind.replace(".", "_").split("_")) + "Event"
    return create_model(
        name,
        __base__=Schema,
        __doc__=EVENT_DESCRIPTIONS[kind],
        id=(uuid.UUID, Field(description="The event's id (the webhook-id): keep each once.")),
        type=(Literal[kind], ...),
        version=(Literal[VERSION], Field(description="The version of this body.")),
        position=(int, Field(description="The event's position in the feed.")),
        timestamp=(Timestamp, Field(description="When the change happened.")),
        data=(EVENT_DATA[kind], ...),
    )


# One body per type, as the pull feed and the webhooks carry it.
EVENT_MODELS = {kind: _event_model(kind) for kind in CLIENT_TYPES}
Event = Annotated[Union[tuple(EVENT_MODELS.values())], Field(discriminator="type")]  # noqa: UP007


class EventPage(Schema):
    items: list[Event]
    next_after: int = Field(
        description="Pass as `after` next time; never null (your `after` when nothing is new)."
    )
