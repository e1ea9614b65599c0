"""The pull API the procedure system reads certifications from (mounted at /api/v1/).

Every answer is limited to the client's area: officers of its units and of every unit under
them. Anything outside that area is answered exactly as if it did not exist (404, or absent
from a list), so a client cannot learn what other provinces hold.

Messages in answers are for the developers of client systems and stay in English.
"""

import operator
from collections import defaultdict
from dataclasses import replace
from functools import reduce

from django.db.models import Max, Q
from ninja import NinjaAPI, Path, Query
from ninja.errors import AuthenticationError, HttpError
from ninja.openapi.schema import REF_TEMPLATE
from ninja.schema import NinjaGenerateJsonSchema

from certification.models import Certificate
from officers.models import Officer
from units.models import AdministrativeUnit, within_q

from . import feed
from .api_auth import ApiTokenAuth, ClientRateThrottle
from .api_schemas import (
    CERTIFICATE_CODE_PATTERN,
    CHANGES,
    EVENT_MODELS,
    MAX_ID,
    PRINTABLE,
    SNAPSHOT,
    CertificationFilters,
    CertificationOut,
    CertificationPage,
    CursorState,
    ErrorOut,
    EventFilters,
    EventPage,
    OfficerCertifications,
    OfficerOut,
    ValidationErrorOut,
)
from .models import OutboxEvent

DESCRIPTION = """\
Officers' certifications and the changes to them, for the provincial administrative-procedure
system. Authenticate with `Authorization: Bearer <token>`; each token sees the officers of its
administrative units and of every unit under them, and nothing else.

**The change feed** (`GET /events`) is the complete record: every change an integrator can see
(a certificate issued, renewed, superseded, revoked or expired; an officer's procedure-system
account linked, confirmed or unlinked; an officer moved, into, out of or within your area) has
one position, and positions are given in commit order. Read with `after=<the last position you
processed>`: resuming so never skips an event nor repeats one. Positions may have gaps (events
outside your area). The same events are pushed to your webhook subscriptions (see `webhooks`).

**The certifications list** (`GET /certifications`) gives state: without `cursor` it starts a
snapshot of your area's certificates; follow `next_cursor` while `has_more` is true. Then you
are up to date; keep the last `next_cursor` (it is never null) and ask with it again later: you
get the certificates changed since, in their current state. Certificates that left your area
(their officer moved out) are not listed again: the feed tells you of the move.
"""


class ProcedureApi(NinjaAPI):
    """The API, whose OpenAPI document also describes the webhooks (OpenAPI 3.1 `webhooks`)."""

    def get_openapi_schema(self, *args, **kwargs):
        document = super().get_openapi_schema(*args, **kwargs)
        document["webhooks"] = webhooks_section(document["components"]["schemas"])
        return document


api = ProcedureApi(
    title="Kỹ năng số – certifications",
    version="2",
    description=DESCRIPTION,
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


def filtered_certificates(client, filters):
    """The client's certificates that the filters ask for (`updated_since` aside)."""
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
    return certificates


# The sync of certifications -------------------------------------------------------------------
#
# Why a snapshot and then the feed, not "changed since": a certificate's updated_at is stamped
# before its transaction commits, so a reader paging by it passes over changes that commit
# late (or come from a host whose clock is behind). Feed positions are given in commit order.

CERTIFICATE_KINDS = [kind for kind in OutboxEvent.Kind if kind.startswith("certificate.")]
# Events read at a time while filling a page of changes.
CHANGES_CHUNK = 500


def start_sync(fingerprint):
    """A snapshot begins: every change not in the feed yet will come after its position."""
    feed.sequence()
    position = OutboxEvent.objects.aggregate(last=Max("position"))["last"] or 0
    return CursorState(SNAPSHOT, position=position, filters=fingerprint)


def change_events(client):
    """Events that change a certificate of the client's area as the list shows it: its own
    events, and its officer's (an account, a move into or within the area)."""
    area = feed.Area.of_client(client)
    ids = list(area.unit_ids)
    own = Q(kind__in=CERTIFICATE_KINDS, certificate__isnull=False) & (
        area.q() | Q(certificate__officer__unit_id__in=ids)
    )
    officers = Q(certificate__isnull=True, officer__isnull=False, unit_id__in=ids)
    return OutboxEvent.objects.filter(own | officers)


def snapshot_page(client, certificates, state, limit):
    page = list(certificates.filter(pk__gt=state.after_id).order_by("pk")[: limit + 1])
    items = page[:limit]
    if len(page) > limit:
        return items, replace(state, after_id=items[-1].pk), True
    state = CursorState(CHANGES, position=state.position, filters=state.filters)
    feed.sequence()
    has_more = change_events(client).filter(position__gt=state.position).exists()
    return items, state, has_more


def changes_page(client, certificates, state, limit):
    """The certificates touched by the events after the cursor's position, as many events
    as give at most `limit` certificates (one event's certificates are never split: an
    officer's move may bring more than `limit` on its own)."""
    feed.sequence()
    events = change_events(client).order_by("position")
    latest = {}  # certificate id → position of its last event read
    position, has_more = state.position, False
    while not has_more:
        chunk = list(
            events.filter(position__gt=position).values_list(
                "position", "certificate_id", "officer_id"
            )[:CHANGES_CHUNK]
        )
        officers = {officer for _p, certificate, officer in chunk if certificate is None}
        held = defaultdict(list)
        for officer, certificate in Certificate.objects.filter(officer_id__in=officers).values_list(
            "officer_id", "pk"
        ):
            held[officer].append(certificate)
        for event_position, certificate, officer in chunk:
            touched = [certificate] if certificate is not None else held[officer]
            fresh = [pk for pk in touched if pk not in latest]
            if latest and len(latest) + len(fresh) > limit:
                has_more = True
                break
            latest.update(dict.fromkeys(touched, event_position))
            position = event_position
        if len(chunk) < CHANGES_CHUNK:
            break
    items = sorted(certificates.filter(pk__in=list(latest)), key=lambda c: latest[c.pk])
    return items, replace(state, position=position), has_more


@api.get(
    "/certifications",
    response={200: CertificationPage, 404: ErrorOut, **COMMON_RESPONSES},
    summary="Sync certifications: a snapshot, then the changes since",
    tags=["certifications"],
)
def list_certifications(request, filters: Query[CertificationFilters]):
    """Certificates of every status (valid, expired, revoked, superseded) in the client's area.

    Without `cursor`, a sync starts: a snapshot of the certificates that match the filters,
    by id (`updated_since` narrows it to certificates changed since then). When the snapshot
    is read, `next_cursor` goes on to the changes: the certificates with a change after the
    snapshot began (a feed event of theirs, or their officer's), in their current state, in
    the order of their last change; a certificate changed during the snapshot may come again
    there. With nothing new, the answer is empty and `next_cursor` the same. `has_more` says
    whether to ask again at once. Pass the same filters with each cursor of a sync.

    An unknown unit, or one outside the client's area, is a 404. A cursor that was altered,
    comes from an older version or goes with other filters is a 422: start again without it.
    """
    client = request.auth
    certificates = filtered_certificates(client, filters)
    state = filters.cursor_state()
    if state is None:
        state = start_sync(filters.fingerprint())
    if state.phase == SNAPSHOT:
        if filters.updated_since is not None:
            certificates = certificates.filter(updated_at__gte=filters.updated_since)
        items, state, has_more = snapshot_page(client, certificates, state, filters.limit)
    else:
        items, state, has_more = changes_page(client, certificates, state, filters.limit)
    return {"items": items, "next_cursor": state.encode(), "has_more": has_more}


@api.get(
    "/events",
    response={200: EventPage, **COMMON_RESPONSES},
    summary="The change feed: your area's events, in commit order",
    tags=["events"],
)
def list_events(request, filters: Query[EventFilters]):
    """Every change an integrator can see, each with one position; positions are given in
    commit order, so an event you have not seen always comes after the last one you read.
    Resume with `after` = the `next_after` of your last answer (or the position of the last
    event you processed): that never skips an event nor repeats one. Positions may have gaps
    (events outside your area, or of types you did not ask for).

    An officer who moves is `officer.moved_in` for the area they join (the unit they left
    shown as null), `officer.moved_out` for the area they leave (the unit they joined, and
    their certificates, not shown) and `officer.moved` when both units are in your area.
    The bodies are those the webhooks carry (see the document's `webhooks`).
    """
    area = feed.Area.of_client(request.auth)
    items, next_after = feed.read(area, filters.after, filters.limit, filters.type_list())
    return {"items": items, "next_after": next_after}


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


# The webhooks, in the OpenAPI document ------------------------------------------------------------

WEBHOOK_HEADERS = [
    ("webhook-id", "The event's id: the same on every attempt; keep each event once."),
    ("webhook-timestamp", "When this attempt was signed (Unix seconds); refuse old ones."),
    (
        "webhook-signature",
        "Space-separated `v1,<base64 HMAC-SHA256>` signatures of `<webhook-id>.<webhook-"
        "timestamp>.<body>`, one per secret in use (two while a secret is being rotated).",
    ),
]


def webhooks_section(components):
    """OpenAPI 3.1 `webhooks`: one POST per event type, with its body's schema (added to the
    components) and the Standard Webhooks headers."""
    webhooks = {}
    for kind, model in EVENT_MODELS.items():
        schema = model.model_json_schema(
            ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema
        )
        components.update(schema.pop("$defs", {}))
        components[model.__name__] = schema
        webhooks[kind] = {
            "post": {
                "operationId": "webhook_" + kind.replace(".", "_"),
                "summary": model.__doc__,
                "tags": ["webhooks"],
                "parameters": [
                    {"name": name, "in": "header", "required": True, "description": text}
                    | {"schema": {"type": "string"}}
                    for name, text in WEBHOOK_HEADERS
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": REF_TEMPLATE.format(model=model.__name__)}
                        }
                    },
                },
                "responses": {
                    "2XX": {"description": "Received: the event is not sent again."},
                    "default": {
                        "description": "Not received: sent again later, with backoff, in order "
                        "with the certificate's or officer's other events."
                    },
                },
            }
        }
    return webhooks
