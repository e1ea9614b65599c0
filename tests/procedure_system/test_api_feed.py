"""The pull side of the change feed: /api/v1/events and the certifications sync's cursors.

Events are made the real way (certification.issuing, an officer saved with another unit);
these tests do not commit, and the feed numbers committed-or-not events of this test's own
transaction when it is read (feed.read and the sync call feed.sequence first).
"""

import base64
import json

import jsonschema_rs
import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certification import issuing
from procedure_system import feed
from procedure_system.api_schemas import CHANGES, CURSOR_SALT, CertificationFilters, CursorState
from procedure_system.models import OutboxEvent
from tests.courses.pages import make_course
from tests.procedure_system.helpers import bearer, make_client, officer_in, unit
from tests.procedure_system.test_api import openapi_document

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events"
LIST = "/api/v1/certifications"
EMPTY_FILTERS = CertificationFilters().fingerprint()


@pytest.fixture
def course(dien_bien):
    return make_course(title="Chữ ký số chuyên dùng công vụ", lessons=0, slug_prefix="cks-feed")


@pytest.fixture
def other_course(dien_bien):
    return make_course(title="Dịch vụ công trực tuyến", lessons=0, slug_prefix="dvc-feed")


@pytest.fixture
def dien_bien_token(dien_bien):
    return make_client("11")[1]


@pytest.fixture
def lai_chau_token(lai_chau):
    return make_client("12")[1]


def read(client, token, **params):
    response = client.get(EVENTS, params, **bearer(token))
    assert response.status_code == 200, response.content
    return response.json()


def types(body):
    return [item["type"] for item in body["items"]]


def move(officer, code):
    officer.unit = unit(code)
    officer.save()


# --- /events ----------------------------------------------------------------------------------


def test_events_come_in_feed_order_as_the_feed_presents_them(
    client, dien_bien_token, course, other_course, administrator
):
    officer = officer_in("03172")
    first = issuing.issue(officer, course)
    issuing.issue(officer, other_course)
    issuing.revoke(first, administrator, "Cấp nhầm")

    body = read(client, dien_bien_token)
    assert types(body) == ["certificate.issued", "certificate.issued", "certificate.revoked"]
    area = feed.Area.of_units([unit("11")])
    assert body["items"] == [
        feed.present(event, area) for event in OutboxEvent.objects.order_by("position")
    ]
    positions = [item["position"] for item in body["items"]]
    assert positions == sorted(positions)
    assert body["next_after"] == positions[-1]
    revoked = body["items"][2]
    assert revoked["version"] == 2
    assert revoked["data"]["certificate"]["code"] == first.code
    assert revoked["data"]["certificate"]["status"] == "revoked"
    assert revoked["data"]["certificate"]["revocation_reason"] == "Cấp nhầm"


def test_resuming_after_the_last_position_never_skips_nor_repeats(
    client, dien_bien_token, course, other_course, administrator
):
    for code in ("03172", "03181", "03172"):
        officer = officer_in(code)
        issuing.revoke(issuing.issue(officer, course), administrator, "Thử")
        issuing.issue(officer, other_course)
    everything = read(client, dien_bien_token)["items"]
    assert len(everything) == 9

    seen, after = [], 0
    while True:
        body = read(client, dien_bien_token, after=after, limit=2)
        if not body["items"]:
            break
        seen += body["items"]
        after = body["next_after"]
    assert seen == everything
    assert after == everything[-1]["position"]
    # Up to date: nothing, and the same place to resume from (never null).
    assert read(client, dien_bien_token, after=after) == {"items": [], "next_after": after}
    assert read(client, dien_bien_token, after=after + 1000)["next_after"] == after + 1000


def test_a_client_with_nothing_yet_gets_position_zero(client, dien_bien_token):
    assert read(client, dien_bien_token) == {"items": [], "next_after": 0}


def test_each_client_reads_only_its_area(client, dien_bien_token, lai_chau_token, course):
    na_sang = issuing.issue(officer_in("03172"), course)
    bum_nua = issuing.issue(officer_in("03400"), course)
    muong_tung = issuing.issue(officer_in("03181"), course)
    commune_token = make_client("03172")[1]

    def certificate_codes(token):
        return [item["data"]["certificate"]["code"] for item in read(client, token)["items"]]

    assert certificate_codes(dien_bien_token) == [na_sang.code, muong_tung.code]
    assert certificate_codes(lai_chau_token) == [bum_nua.code]
    assert certificate_codes(commune_token) == [na_sang.code]
    # Lai Châu's positions have a gap where Điện Biên's events are.
    assert read(client, lai_chau_token)["items"][0]["position"] == 2


def test_an_officer_moving_between_provinces_is_moved_out_for_one_and_moved_in_for_the_other(
    client, dien_bien_token, lai_chau_token, course
):
    officer = officer_in("03172", procedure_account="pank.nasang")
    certificate = issuing.issue(officer, course)
    move(officer, "03400")

    left = read(client, dien_bien_token)["items"]
    assert [item["type"] for item in left] == [
        "officer.account_linked",
        "certificate.issued",
        "officer.moved_out",
    ]
    moved_out = left[2]["data"]
    assert moved_out["from_unit"] == {"code": "03172", "name": unit("03172").name}
    # Where they went, and what they hold, is the other province's business.
    assert moved_out["to_unit"] is None
    assert moved_out["officer"]["unit"] is None
    assert moved_out["certificates"] == []
    assert moved_out["officer"]["id"] == officer.pk

    joined = read(client, lai_chau_token)["items"]
    assert [item["type"] for item in joined] == ["officer.moved_in"]
    moved_in = joined[0]["data"]
    assert moved_in["from_unit"] is None
    assert moved_in["to_unit"] == {"code": "03400", "name": "Xã Bum Nưa"}
    assert moved_in["officer"]["unit"] == {"code": "03400", "name": "Xã Bum Nưa"}
    assert moved_in["certificates"] == [
        {"code": certificate.code, "status": "valid", "course_id": course.pk}
    ]
    assert joined[0]["position"] == left[2]["position"]  # one event, two views


def test_a_move_inside_the_area_is_officer_moved_with_both_units(client, dien_bien_token, course):
    officer = officer_in("03172")
    move(officer, "03181")
    (body,) = read(client, dien_bien_token)["items"]
    assert body["type"] == "officer.moved"
    assert body["data"]["from_unit"]["code"] == "03172"
    assert body["data"]["to_unit"]["code"] == "03181"


def test_the_types_filter(client, dien_bien_token, course, administrator):
    officer = officer_in("03172")
    issuing.revoke(issuing.issue(officer, course), administrator, "Thử")
    officer.procedure_account = "pank"
    officer.save()
    assert types(read(client, dien_bien_token, types="certificate.revoked")) == [
        "certificate.revoked"
    ]
    both = read(client, dien_bien_token, types="officer.account_linked, certificate.issued")
    assert types(both) == ["certificate.issued", "officer.account_linked"]

    move(officer, "03181")
    last = OutboxEvent.objects.get(kind=OutboxEvent.Kind.MOVED)
    # The move is officer.moved here, so a client asking for moved_in only gets nothing,
    # but next_after passes the move: it is not read again.
    only_in = read(client, dien_bien_token, types="officer.moved_in")
    last.refresh_from_db()
    assert only_in == {"items": [], "next_after": last.position}


@pytest.mark.parametrize(
    "params, message",
    [
        ({"after": "-1"}, "greater than or equal to 0"),
        ({"after": "first"}, "valid integer"),
        ({"limit": "0"}, "greater than or equal to 1"),
        ({"limit": "501"}, "less than or equal to 500"),
        ({"types": "certificate.lost"}, "unknown event type(s) certificate.lost; the types are"),
        ({"types": "certificate.issued,officer.moved_away"}, "officer.moved_away"),
    ],
)
def test_bad_feed_parameters_are_a_422_that_says_why(client, dien_bien_token, params, message):
    response = client.get(EVENTS, params, **bearer(dien_bien_token))
    assert response.status_code == 422, response.content
    (detail,) = response.json()["detail"]
    assert detail["loc"][0] == "query"
    assert message in detail["msg"]


def test_event_bodies_match_the_webhooks_section_of_the_openapi_document(
    client, dien_bien_token, lai_chau_token, course, administrator
):
    officer = officer_in("03172", procedure_account="pank")
    certificate = issuing.issue(officer, course)
    issuing.revoke(certificate, administrator, "Thử")
    officer.procedure_account = ""
    officer.save()
    move(officer, "03181")
    move(officer, "03400")
    document = openapi_document()
    assert document["openapi"] == "3.1.0"
    webhooks = document["webhooks"]
    assert set(webhooks) == set(feed.CLIENT_TYPES)

    bodies = read(client, dien_bien_token)["items"] + read(client, lai_chau_token)["items"]
    assert {body["type"] for body in bodies} == {
        "officer.account_linked",
        "certificate.issued",
        "certificate.revoked",
        "officer.account_unlinked",
        "officer.moved",
        "officer.moved_out",
        "officer.moved_in",
    }
    for body in bodies:
        operation = webhooks[body["type"]]["post"]
        assert [p["name"] for p in operation["parameters"]] == [
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
        ]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        validator = jsonschema_rs.validator_for({**schema, "components": document["components"]})
        validator.validate(body)
        model = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        assert model["properties"]["version"]["const"] == 2
        assert model["properties"]["type"]["const"] == body["type"]


# --- /certifications: a snapshot, then the changes -------------------------------------------


def page(client, token, **params):
    response = client.get(LIST, params, **bearer(token))
    assert response.status_code == 200, response.content
    return response.json()


def codes(body):
    return [item["code"] for item in body["items"]]


def snapshot(client, token, **params):
    """Read a whole snapshot; its codes and the cursor to go on with."""
    seen, cursor = [], None
    while True:
        body = page(client, token, **params, **({"cursor": cursor} if cursor else {}))
        seen += codes(body)
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return seen, cursor


def test_a_revocation_after_the_snapshot_comes_in_the_changes(
    client, dien_bien_token, course, other_course, administrator
):
    officer = officer_in("03172")
    kept = issuing.issue(officer, course)
    revoked = issuing.issue(officer, other_course)
    seen, cursor = snapshot(client, dien_bien_token, limit=1)
    assert seen == [kept.code, revoked.code]

    up_to_date = page(client, dien_bien_token, cursor=cursor)
    assert up_to_date == {"items": [], "next_cursor": cursor, "has_more": False}

    issuing.revoke(revoked, administrator, "Cấp nhầm")
    changes = page(client, dien_bien_token, cursor=cursor)
    assert codes(changes) == [revoked.code]
    assert changes["items"][0]["status"] == "revoked"
    assert changes["has_more"] is False
    assert changes["next_cursor"] != cursor
    # Nothing new since: an empty page and the same cursor.
    again = page(client, dien_bien_token, cursor=changes["next_cursor"])
    assert again == {"items": [], "next_cursor": changes["next_cursor"], "has_more": False}


def test_a_change_made_during_the_snapshot_is_not_missed(
    client, dien_bien_token, course, other_course, administrator
):
    officers = [officer_in("03172") for _n in range(3)]
    certificates = [issuing.issue(officer, course) for officer in officers]
    first = page(client, dien_bien_token, limit=2)
    assert codes(first) == [c.code for c in certificates[:2]]
    # While the client reads on: the first certificate (already read) is revoked, and a new
    # one is issued.
    issuing.revoke(certificates[0], administrator, "Thử")
    late = issuing.issue(officers[1], other_course)
    rest = page(client, dien_bien_token, cursor=first["next_cursor"], limit=2)
    assert codes(rest) == [certificates[2].code, late.code]
    assert rest["has_more"] is True  # the changes since the snapshot began are waiting
    changes = page(client, dien_bien_token, cursor=rest["next_cursor"], limit=10)
    # (Both are numbered in one run here, which orders by each subject's rank first.)
    assert sorted(codes(changes)) == sorted([certificates[0].code, late.code])
    statuses = {item["code"]: item["status"] for item in changes["items"]}
    assert statuses == {certificates[0].code: "revoked", late.code: "valid"}


def test_changes_come_in_pages_in_the_order_of_their_last_change(
    client, dien_bien_token, course, administrator
):
    certificates = [issuing.issue(officer_in("03181"), course) for _n in range(5)]
    _seen, cursor = snapshot(client, dien_bien_token)
    for certificate in [*certificates[3:], *certificates[:3]]:
        issuing.revoke(certificate, administrator, "Thử")
    pages, has_more = [], True
    while has_more:
        body = page(client, dien_bien_token, cursor=cursor, limit=2)
        pages.append(codes(body))
        cursor, has_more = body["next_cursor"], body["has_more"]
    order = [c.code for c in [*certificates[3:], *certificates[:3]]]
    assert pages == [order[:2], order[2:4], order[4:]]


def test_an_officer_moving_in_brings_their_certificates_into_the_changes(
    client, dien_bien_token, lai_chau_token, course
):
    officer = officer_in("03172")
    certificate = issuing.issue(officer, course)
    _seen, dien_bien_cursor = snapshot(client, dien_bien_token)
    seen, lai_chau_cursor = snapshot(client, lai_chau_token)
    assert seen == []
    move(officer, "03400")
    arrived = page(client, lai_chau_token, cursor=lai_chau_cursor)
    assert codes(arrived) == [certificate.code]
    assert arrived["items"][0]["officer"]["unit"]["code"] == "03400"
    # The province they left no longer lists them: its feed says officer.moved_out.
    assert codes(page(client, dien_bien_token, cursor=dien_bien_cursor)) == []


def test_an_account_confirmed_after_the_snapshot_comes_in_the_changes(
    client, dien_bien_token, course
):
    officer = officer_in("03172")
    certificate = issuing.issue(officer, course)
    _seen, cursor = snapshot(client, dien_bien_token)
    officer.procedure_account = "pank.nasang"
    officer.save(confirmed_account=True)
    changes = page(client, dien_bien_token, cursor=cursor)
    assert codes(changes) == [certificate.code]
    assert changes["items"][0]["officer"]["procedure_account"] == "pank.nasang"


def test_filters_apply_to_the_changes_too(client, dien_bien_token, course, administrator):
    na_sang = issuing.issue(officer_in("03172"), course)
    muong_tung = issuing.issue(officer_in("03181"), course)
    seen, cursor = snapshot(client, dien_bien_token, unit="03181")
    assert seen == [muong_tung.code]
    issuing.revoke(na_sang, administrator, "Thử")
    issuing.revoke(muong_tung, administrator, "Thử")
    assert codes(page(client, dien_bien_token, unit="03181", cursor=cursor)) == [muong_tung.code]


def forged(payload, key=None):
    return signing.Signer(key=key, salt=CURSOR_SALT).sign_object(payload)


@pytest.mark.parametrize(
    "make_cursor",
    [
        # A real cursor with one character of its signature changed.
        lambda real: real[:-1] + ("A" if real[-1] != "A" else "B"),
        # Its content changed (an earlier position, to read changes again or skip some).
        lambda real: real.replace(real.split(":")[0], real.split(":")[0][:-2] + "AA"),
        # Signed with another key.
        lambda real: forged(
            signing.Signer(salt=CURSOR_SALT).unsign_object(real), key="another-key"
        ),
        # The version-1 format: base64 JSON of [updated_at, id].
        lambda real: base64.urlsafe_b64encode(
            json.dumps(["2026-03-02T02:00:00+00:00", 1]).encode()
        ).decode(),
        lambda real: "not-a-cursor",
    ],
)
def test_a_tampered_or_stale_cursor_is_a_422_that_says_start_again(
    client, dien_bien_token, course, make_cursor
):
    issuing.issue(officer_in("03172"), course)
    real = page(client, dien_bien_token)["next_cursor"]
    response = client.get(LIST, {"cursor": make_cursor(real)}, **bearer(dien_bien_token))
    assert response.status_code == 422, response.content
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["query", "cursor"]
    assert "start again without cursor" in detail["msg"]


def test_a_signed_cursor_of_another_version_is_a_422(client, dien_bien_token):
    stale = forged({"v": 1, "phase": "changes", "position": 0, "filters": ""})
    response = client.get(LIST, {"cursor": stale}, **bearer(dien_bien_token))
    assert response.status_code == 422
    assert "older version" in response.json()["detail"][0]["msg"]


def test_query_counts_do_not_grow_with_the_page(client, dien_bien_token, course, administrator):
    def queries(url, **params):
        client.get(url, params, **bearer(dien_bien_token))  # warm up: last_used_at is written
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params, **bearer(dien_bien_token))
        assert response.status_code == 200, response.content
        return len(captured)

    counts = []
    for size in (2, 8):
        while OutboxEvent.objects.filter(kind=OutboxEvent.Kind.REVOKED).count() < size:
            issuing.revoke(issuing.issue(officer_in("03181"), course), administrator, "Thử")
        changes_from_start = CursorState(CHANGES, position=0, filters=EMPTY_FILTERS).encode()
        counts.append(
            (queries(EVENTS, limit=500), queries(LIST, limit=500, cursor=changes_from_start))
        )
    assert counts[0] == counts[1]
