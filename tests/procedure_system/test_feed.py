"""The change feed (procedure_system/feed.py): what each change puts in it, in which order, and
what a client of an area reads of it.

What an integrator notices: every change is in the feed exactly once, with its type and data;
a change that was rolled back is not; positions count 1, 2, 3… with no gap; a certificate's or
an officer's events come in the order they happened even when the hosts' clocks disagree; a
client sees its area's events only, and nothing of the units outside it.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from certification import issuing
from certification.models import Certificate
from officers import procedure_accounts
from officers.importing import import_officers
from officers.models import Officer
from procedure_system import feed
from procedure_system.models import Delivery, OutboxEvent, Subscription
from tests.courses.pages import make_course
from tests.factories import logged_in, unit
from tests.officers.test_import import csv_file, person, table
from tests.procedure_system.helpers import make_client, officer_in

pytestmark = pytest.mark.django_db

Kind = OutboxEvent.Kind
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.PUBLIC_BASE_URL = "https://kynangso.example.vn"


@pytest.fixture
def course(dien_bien):
    course = make_course("Chữ ký số chuyên dùng công vụ", lessons=1, slug_prefix="feed")
    course.issues_certificate = True
    course.certificate_valid_months = 24
    course.save()
    return course


@pytest.fixture
def officer(dien_bien):
    return officer_in("03172", full_name="Lò Văn Cán")


def everything(after=0):
    """Every event after a position, as the whole country reads them."""
    bodies, _last = feed.read(feed.Everywhere(), after=after, limit=10_000)
    return bodies


def types(bodies):
    return [body["type"] for body in bodies]


def stored(kind=None):
    events = OutboxEvent.objects.order_by("position", "created_at")
    return list(events.filter(kind=kind) if kind else events)


# --- one event per change -------------------------------------------------------------------


def test_issuing_records_one_issued_event_with_the_certificate_and_officer(officer, course):
    at = timezone.now() - DAY
    certificate = issuing.issue(officer, course, at=at)

    [body] = everything()
    assert body["type"] == "certificate.issued"
    assert body["version"] == 2
    assert body["position"] == 1
    assert body["id"] == str(OutboxEvent.objects.get().pk)
    assert dt.datetime.fromisoformat(body["timestamp"]) == at
    assert body["data"]["certificate"]["code"] == certificate.code
    assert body["data"]["certificate"]["status"] == "valid"
    assert body["data"]["certificate"]["renews"] is None
    assert body["data"]["certificate"]["verify_url"].endswith(certificate.code + "/")
    assert body["data"]["officer"] == {
        "id": officer.pk,
        "full_name": "Lò Văn Cán",
        "procedure_account": None,
        "unit": {"code": "03172", "name": unit("03172").name},
    }
    event = OutboxEvent.objects.get()
    assert (event.subject, event.subject_rank) == (f"certificate:{certificate.pk}", 1)
    assert event.unit == unit("03172")


def test_issuing_again_while_in_force_records_nothing(officer, course):
    issuing.issue(officer, course)
    issuing.issue(officer, course)
    assert types(everything()) == ["certificate.issued"]


def test_a_renewal_records_renewed_for_the_new_and_superseded_for_the_old(officer, course):
    old = issuing.issue(officer, course, at=timezone.now() - 800 * DAY)  # expired by now
    new = issuing.issue(officer, course)

    bodies = everything()
    assert types(bodies) == [
        "certificate.issued",
        "certificate.expired",
        "certificate.superseded",
        "certificate.renewed",
    ]
    expired, superseded, renewed = bodies[1:]
    assert expired["data"]["certificate"]["code"] == old.code
    assert superseded["data"]["certificate"] == {
        **superseded["data"]["certificate"],
        "code": old.code,
        "status": "superseded",
    }
    assert renewed["data"]["certificate"]["code"] == new.code
    assert renewed["data"]["certificate"]["renews"] == old.code
    ranks = [(e.subject, e.subject_rank) for e in stored()]
    assert ranks == [
        (f"certificate:{old.pk}", 1),
        (f"certificate:{old.pk}", 2),
        (f"certificate:{old.pk}", 3),
        (f"certificate:{new.pk}", 1),
    ]


def test_a_renewal_of_an_expired_certificate_supersedes_it(officer, course):
    old = issuing.issue(officer, course, at=timezone.now() - 800 * DAY)
    assert issuing.expire_due() == 1
    new = issuing.issue(officer, course)
    assert types(everything()) == [
        "certificate.issued",
        "certificate.expired",
        "certificate.superseded",
        "certificate.renewed",
    ]
    old.refresh_from_db()
    assert old.status == Certificate.Status.SUPERSEDED
    assert new.renewal_of == old


def test_revoking_records_revoked_once_with_the_reason(officer, course, administrator):
    certificate = issuing.issue(officer, course)
    issuing.revoke(certificate, administrator, "Cấp nhầm")
    issuing.revoke(certificate, administrator, "Cấp nhầm")  # already revoked: nothing new

    bodies = everything()
    assert types(bodies) == ["certificate.issued", "certificate.revoked"]
    assert bodies[1]["data"]["certificate"]["status"] == "revoked"
    assert bodies[1]["data"]["certificate"]["revocation_reason"] == "Cấp nhầm"


def test_the_expiry_job_records_expired_once_at_the_expiry_date(officer, course):
    certificate = issuing.issue(officer, course, at=timezone.now() - 800 * DAY)
    assert issuing.expire_due() == 1
    assert issuing.expire_due() == 0

    bodies = everything()
    assert types(bodies) == ["certificate.issued", "certificate.expired"]
    certificate.refresh_from_db()
    assert dt.datetime.fromisoformat(bodies[1]["timestamp"]) == certificate.expires_at
    assert bodies[1]["data"]["certificate"]["status"] == "expired"


def test_a_change_rolled_back_leaves_no_event(officer, course):
    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        issuing.issue(officer, course)
        officer.unit = unit("03181")
        officer.save()
        assert OutboxEvent.objects.count() == 2
        raise Abandoned

    assert OutboxEvent.objects.count() == 0
    assert everything() == []


# --- officer events -------------------------------------------------------------------------


def officer_form(officer, **changes):
    data = {
        "full_name": officer.full_name,
        "unit": officer.unit_id,
        "job_position": officer.job_position_id or "",
        "title": officer.title,
        "email": officer.email,
        "phone": officer.phone,
        "national_id": officer.national_id,
        "procedure_account": officer.procedure_account,
    }
    data.update(changes)
    return data


def test_hr_linking_an_account_in_the_officer_form_records_account_linked(
    client, officer, hr_province
):
    response = logged_in(client, hr_province).post(
        reverse("officer:edit", args=[officer.pk]),
        officer_form(officer, procedure_account="can.nasang"),
    )
    assert response.status_code == 302

    [body] = everything()
    assert body["type"] == "officer.account_linked"
    assert body["data"]["account"] == "can.nasang"
    assert body["data"]["officer"]["procedure_account"] == "can.nasang"
    assert OutboxEvent.objects.get().subject == f"officer:{officer.pk}"


def test_an_account_requested_then_confirmed_records_account_confirmed_only(officer, hr_na_sang):
    procedure_accounts.request_account(officer, "can.ns", officer.user)
    assert everything() == []  # a request is not a link yet
    procedure_accounts.confirm_request(officer, "can.ns", hr_na_sang)

    [body] = everything()
    assert body["type"] == "officer.account_confirmed"
    assert body["data"]["account"] == "can.ns"


def test_unlinking_and_relinking_records_unlinked_then_linked(officer):
    officer.procedure_account = "can.cu"
    officer.save()
    officer.procedure_account = "can.moi"
    officer.save()
    officer.procedure_account = ""
    officer.save()

    bodies = everything()
    assert [(b["type"], b["data"]["account"]) for b in bodies] == [
        ("officer.account_linked", "can.cu"),
        ("officer.account_unlinked", "can.cu"),
        ("officer.account_linked", "can.moi"),
        ("officer.account_unlinked", "can.moi"),
    ]
    assert [e.subject_rank for e in stored()] == [1, 2, 3, 4]


def test_moving_an_officer_records_moved_with_both_units_and_their_certificates(officer, course):
    certificate = issuing.issue(officer, course)
    officer.unit = unit("03181")
    officer.save()

    body = everything()[-1]
    assert body["type"] == "officer.moved"
    assert body["data"]["from_unit"]["code"] == "03172"
    assert body["data"]["to_unit"]["code"] == "03181"
    assert body["data"]["officer"]["unit"]["code"] == "03181"
    assert body["data"]["certificates"] == [
        {"code": certificate.code, "status": "valid", "course_id": course.pk}
    ]
    event = stored(Kind.MOVED)[0]
    assert (event.unit, event.previous_unit) == (unit("03181"), unit("03172"))


def test_the_import_moving_an_officer_records_moved(dien_bien):
    row = person(1)
    import_officers(csv_file(table([row])), "can-bo.csv")
    assert types(everything()) == ["officer.account_linked"]  # created with an account

    import_officers(csv_file(table([{**row, "unit_code": "03181"}])), "can-bo.csv")
    body = everything()[-1]
    assert body["type"] == "officer.moved"
    assert (body["data"]["from_unit"]["code"], body["data"]["to_unit"]["code"]) == (
        "03172",
        "03181",
    )
    import_officers(csv_file(table([{**row, "unit_code": "03181"}])), "can-bo.csv")
    assert len(everything()) == 2  # nothing changed, nothing told


# --- positions and order --------------------------------------------------------------------


def test_positions_count_from_one_without_gaps_in_the_order_of_the_changes(officer, course):
    other = officer_in("03181")
    first = issuing.issue(officer, course)
    issuing.issue(other, course)
    officer.procedure_account = "can.ns"
    officer.save()
    issuing.revoke(first, None, "Cấp nhầm")

    bodies = everything()
    assert [b["position"] for b in bodies] == [1, 2, 3, 4]
    assert types(bodies) == [
        "certificate.issued",
        "certificate.issued",
        "officer.account_linked",
        "certificate.revoked",
    ]
    # Read from anywhere in the middle: the rest, and where to resume.
    rest, last = feed.read(feed.Everywhere(), after=2)
    assert [b["position"] for b in rest] == [3, 4] and last == 4
    assert feed.read(feed.Everywhere(), after=4) == ([], 4)


def test_a_subjects_events_keep_their_rank_order_whatever_the_clocks_said(officer, course):
    """Three hosts: the one that issued runs a day fast, the one that revoked a day slow."""
    certificate = issuing.issue(officer, course)
    other = issuing.issue(officer_in("03181"), course)
    issuing.revoke(certificate, None, "Cấp nhầm")
    now = timezone.now()
    shift = {Kind.ISSUED: now + DAY, Kind.REVOKED: now - DAY}
    for event in OutboxEvent.objects.filter(certificate=certificate):
        OutboxEvent.objects.filter(pk=event.pk).update(created_at=shift[event.kind])
    OutboxEvent.objects.filter(certificate=other).update(created_at=now)

    bodies = everything()
    mine = [b["type"] for b in bodies if b["data"]["certificate"]["code"] == certificate.code]
    assert mine == ["certificate.issued", "certificate.revoked"]
    assert [b["position"] for b in bodies] == [1, 2, 3]


def test_feed_order_puts_each_subject_in_rank_order_in_the_places_its_events_took():
    """Recording times say b2, a1, b1, a2; ranks win within a subject, times across them."""
    t = timezone.now()

    def event(subject, rank, seconds):
        return OutboxEvent(
            subject=subject, subject_rank=rank, created_at=t + dt.timedelta(0, seconds)
        )

    b2, a1, b1, a2 = event("b", 2, 0), event("a", 1, 1), event("b", 1, 2), event("a", 2, 3)
    assert feed.feed_order([a1, a2, b1, b2]) == [b1, a1, b2, a2]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_record_outside_a_transaction_is_refused():
    """A change committed on its own, its event after it, could lose the event."""
    with pytest.raises(transaction.TransactionManagementError):
        feed.record(Kind.MOVED, subject="officer:0", unit=None, data={}, occurred_at=timezone.now())
    assert not OutboxEvent.objects.exists()


# --- what a client of an area reads ---------------------------------------------------------


def test_a_client_reads_its_areas_events_only(officer, course):
    issuing.issue(officer, course)
    issuing.issue(officer_in("03181"), course)

    na_sang = feed.Area.of_units([unit("03172")])
    province = feed.Area.of_units([unit("11")])
    assert [b["data"]["officer"]["unit"]["code"] for b in feed.read(na_sang)[0]] == ["03172"]
    assert len(feed.read(province)[0]) == 2
    client, _token = make_client("03181")
    assert [b["position"] for b in feed.read(feed.Area.of_client(client))[0]] == [2]


def test_a_move_is_moved_out_for_the_area_left_and_moved_in_for_the_area_joined(officer, course):
    issuing.issue(officer, course)
    officer.unit = unit("03181")
    officer.save()
    left = feed.Area.of_units([unit("03172")])
    joined = feed.Area.of_units([unit("03181")])
    both = feed.Area.of_units([unit("11")])

    moved_out = feed.read(left)[0][-1]
    assert moved_out["type"] == "officer.moved_out"
    # Nothing of where they went: the unit, their certificates there.
    assert moved_out["data"]["to_unit"] is None
    assert moved_out["data"]["officer"]["unit"] is None
    assert moved_out["data"]["certificates"] == []
    assert moved_out["data"]["from_unit"]["code"] == "03172"

    [moved_in] = feed.read(joined)[0]  # the issue in Na Sang is not theirs
    assert moved_in["type"] == "officer.moved_in"
    assert moved_in["data"]["from_unit"] is None
    assert moved_in["data"]["to_unit"]["code"] == "03181"
    assert len(moved_in["data"]["certificates"]) == 1

    moved = feed.read(both)[0][-1]
    assert moved["type"] == "officer.moved"
    assert moved["data"]["from_unit"]["code"] == "03172"
    assert moved["data"]["to_unit"]["code"] == "03181"


def test_reading_by_type_keeps_the_presented_type_and_passes_the_others(officer, course):
    officer.unit = unit("03181")
    officer.save()  # position 1: moved out of Na Sang
    issuing.issue(officer_in("03172"), course)  # position 2
    left = feed.Area.of_units([unit("03172")])

    assert feed.read(left, types=["officer.moved_in"]) == ([], 1)
    bodies, last = feed.read(left, types=["officer.moved_out", "certificate.issued"])
    assert types(bodies) == ["officer.moved_out", "certificate.issued"] and last == 2


def test_reading_with_a_limit_resumes_where_it_stopped(officer, course):
    for code in ("03172", "03181", "03172"):
        issuing.issue(officer_in(code), course)
    first, last = feed.read(feed.Everywhere(), limit=2)
    rest, end = feed.read(feed.Everywhere(), after=last, limit=2)
    assert [b["position"] for b in first + rest] == [1, 2, 3] and end == 3


def test_the_environment_receiver_gets_the_version_1_keys_too(officer, course):
    issuing.issue(officer, course)
    [body] = everything()
    legacy = feed.legacy_body(body)
    assert legacy["event"] == "certificate.issued"
    assert legacy["occurred_at"] == body["timestamp"]
    assert legacy["certificate"] == body["data"]["certificate"]
    assert legacy["officer"] == body["data"]["officer"]


# --- fan-out and replay ---------------------------------------------------------------------


@pytest.fixture
def subscription(dien_bien):
    client, _token = make_client("03172")
    return Subscription.objects.create(client=client, name="Một cửa Na Sang", url="https://x.vn/")


def test_each_event_becomes_one_delivery_per_subscription_that_sees_it(
    officer, course, subscription
):
    issuing.issue(officer, course)
    issuing.issue(officer_in("03181"), course)  # outside the subscription's area
    feed.sequence()
    feed.sequence()  # nothing new: no second delivery

    [delivery] = Delivery.objects.all()
    assert (delivery.subscription, delivery.position, delivery.kind) == (
        subscription,
        1,
        "certificate.issued",
    )
    assert delivery.state == Delivery.State.PENDING


def test_replay_makes_the_subscriptions_deliveries_after_a_position_pending_again(
    officer, course, subscription
):
    certificate = issuing.issue(officer, course)
    issuing.revoke(certificate, None, "Cấp nhầm")
    issuing.issue(officer_in("03181"), course)  # not its area
    feed.sequence()
    Delivery.objects.update(state=Delivery.State.DELIVERED, attempts=1)
    Delivery.objects.filter(position=2).delete()  # lost, say

    assert feed.replay(subscription, after_position=0) == 2
    deliveries = Delivery.objects.filter(subscription=subscription).order_by("position")
    assert [(d.position, d.state, d.attempts) for d in deliveries] == [
        (1, "pending", 0),
        (2, "pending", 0),
    ]
    assert feed.replay(subscription, after_position=1) == 1


def test_replay_leaves_deliveries_of_types_no_longer_wanted_alone(officer, course, subscription):
    certificate = issuing.issue(officer, course)
    issuing.revoke(certificate, None, "Cấp nhầm")
    feed.sequence()
    Delivery.objects.update(state=Delivery.State.DELIVERED)
    subscription.event_types = ["certificate.revoked"]
    subscription.save()

    assert feed.replay(subscription, after_position=0) == 1
    states = dict(Delivery.objects.values_list("kind", "state"))
    assert states == {"certificate.issued": "delivered", "certificate.revoked": "pending"}


def test_officers_moved_then_read_back_by_the_api_agree_with_the_database(officer, course):
    """What a reader rebuilds from the feed is what the database holds."""
    certificate = issuing.issue(officer, course)
    officer.unit = unit("03181")
    officer.save()
    issuing.revoke(certificate, None, "Cấp nhầm")
    seen = {}
    for body in everything():
        if "certificate" in body["data"]:
            seen[body["data"]["certificate"]["code"]] = body["data"]["certificate"]["status"]
    assert seen == dict(Certificate.objects.values_list("code", "status"))
    assert Officer.objects.get().unit == unit("03181")
