"""The feed under concurrent writers, on PostgreSQL: a client polling it while certificates are
issued and revoked on several connections sees every event once, each certificate's in order,
and ends with what the database holds; a slow transaction's event is not skipped by a client
that has already read past a faster one; hosts' clocks running apart change nothing.

SQLite serialises writers, so this is about PostgreSQL's row and advisory locks; CI runs it
there.
"""

import datetime as dt
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, transaction

from certification import issuing
from certification.models import Certificate, SkillCodes
from procedure_system import feed
from procedure_system.models import OutboxEvent
from tests.courses.pages import make_course
from tests.factories import unit
from tests.procedure_system.helpers import officer_in

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-lock concurrency needs PostgreSQL"
    ),
]

WRITERS = 4
OFFICERS_PER_WRITER = 6
SKEW = dt.timedelta(seconds=5)


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.PUBLIC_BASE_URL = "https://kynangso.example.vn"
    settings.PROCEDURE_SYSTEM_EVENTS_URL = ""  # no deliveries: the feed alone


@pytest.fixture
def course(dien_bien):
    course = make_course("Chữ ký số chuyên dùng công vụ", lessons=1, slug_prefix="dong-thoi")
    course.issues_certificate = True
    course.certificate_valid_months = 24
    course.save()
    return course


class Reader(threading.Thread):
    """A client polling the whole country's feed every few milliseconds, from where it was."""

    def __init__(self):
        super().__init__(daemon=True)
        self.after = 0
        self.bodies = []
        self.stop = threading.Event()
        self.error = None

    def poll(self):
        bodies, self.after = feed.read(feed.Everywhere(), after=self.after, limit=50)
        self.bodies.extend(bodies)
        return bodies

    def run(self):
        try:
            while not self.stop.is_set():
                self.poll()
                time.sleep(0.003)
            while self.poll():  # what was committed before it was told to stop
                pass
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.error = error
        finally:
            connections.close_all()

    def finish(self):
        self.stop.set()
        self.join(timeout=60)
        assert not self.is_alive()
        assert self.error is None, self.error


def on_own_connection(job):
    def run(*args):
        try:
            return job(*args)
        finally:
            connections.close_all()

    return run


def shifted(shift, change, *args):
    """Make a change as a host whose clock is `shift` off would record it."""
    with transaction.atomic():
        result = change(*args)
        with connection.cursor() as cursor:
            # The rows this transaction wrote (PostgreSQL's xmin), none of another's.
            cursor.execute(
                "UPDATE procedure_system_outboxevent SET created_at = created_at + %s"
                " WHERE xmin = pg_current_xact_id()::text::xid",
                [shift],
            )
    return result


def assert_seen_once_in_order(bodies):
    """Every event once, in position order, and each subject's by rank."""
    events = {str(e.pk): e for e in OutboxEvent.objects.all()}
    ids = [body["id"] for body in bodies]
    assert len(ids) == len(set(ids)), "an event was read twice"
    assert set(ids) == set(events), "an event was never read"
    positions = [body["position"] for body in bodies]
    assert positions == sorted(positions)
    assert positions == list(range(1, len(events) + 1))
    ranks = defaultdict(list)
    for body in bodies:
        event = events[body["id"]]
        ranks[event.subject].append(event.subject_rank)
    for subject, seen in ranks.items():
        assert seen == list(range(1, len(seen) + 1)), subject


def state_from(bodies):
    """Each certificate's status as a reader of the feed knows it."""
    status = {}
    for body in bodies:
        certificate = body["data"].get("certificate")
        if certificate:
            status[certificate["code"]] = certificate["status"]
    return status


def test_a_polling_client_sees_every_event_once_in_order_and_ends_as_the_database(course):
    officers = [
        officer_in("03172" if n % 2 else "03181") for n in range(WRITERS * OFFICERS_PER_WRITER)
    ]
    reader = Reader()
    reader.start()
    barrier = threading.Barrier(WRITERS)

    @on_own_connection
    def write(number):
        barrier.wait()
        # One of the hosts runs fast, one slow: their events' recording times are off.
        shift = {0: SKEW, 1: -SKEW}.get(number, dt.timedelta(0))
        mine = officers[number::WRITERS]
        for round_ in range(3):
            for officer in mine:
                certificate = shifted(shift, issuing.issue, officer, course)
                if round_ < 2 or officer.pk % 3 == 0:
                    shifted(-shift, issuing.revoke, certificate, None, "Cấp nhầm")
        # Revoking what another writer issued, at the same time as it may revoke it too.
        others = officers[(number + 1) % WRITERS :: WRITERS]
        for certificate in Certificate.objects.filter(officer__in=others):
            issuing.revoke(certificate, None, "Thu hồi lại")
        # And moving an officer whose certificates others are changing.
        other = officers[(number + 1) % len(officers)]
        other.refresh_from_db()
        other.unit = unit("03181" if other.unit.code == "03172" else "03172")
        other.save()

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        list(pool.map(write, range(WRITERS)))
    reader.finish()

    assert_seen_once_in_order(reader.bodies)
    database = dict(Certificate.objects.values_list("code", "status"))
    assert state_from(reader.bodies) == database
    assert "revoked" in database.values()
    assert OutboxEvent.objects.filter(kind=OutboxEvent.Kind.MOVED).count() == WRITERS


def test_a_slow_transactions_event_comes_after_the_fast_one_a_client_has_read(course):
    slow_officer, fast_officer = officer_in("03172"), officer_in("03181")
    # The course's set of skill codes exists already (the first certificate with a new set
    # makes it, and a second one made meanwhile waits for that to commit).
    SkillCodes.of([])
    recorded, committed = threading.Event(), threading.Event()
    reader = Reader()

    @on_own_connection
    def slow():
        with transaction.atomic():
            certificate = issuing.issue(slow_officer, course)
            recorded.set()
            time.sleep(1.5)
        committed.set()
        return certificate

    with ThreadPoolExecutor(max_workers=1) as pool:
        slow_result = pool.submit(slow)
        assert recorded.wait(10)
        fast = on_own_connection(issuing.issue)(fast_officer, course)
        first = reader.poll()
        assert [b["data"]["certificate"]["code"] for b in first] == [fast.code]
        assert first[0]["position"] == 1
        assert not committed.is_set()
        slowed = slow_result.result(timeout=30)

    then = reader.poll()
    assert [b["data"]["certificate"]["code"] for b in then] == [slowed.code]
    assert then[0]["position"] == 2
    connections.close_all()


def test_hosts_with_clocks_apart_still_give_each_certificate_its_order(course):
    """A fast host issues, a slow one revokes just after: the revocation is recorded "before"
    the issue by the clocks, and both may be numbered in one run."""
    officers = [officer_in("03172") for _ in range(8)]
    reader = Reader()
    reader.start()

    @on_own_connection
    def change(officer):
        certificate = shifted(SKEW, issuing.issue, officer, course)
        shifted(-SKEW, issuing.revoke, certificate, None, "Cấp nhầm")

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(change, officers))
    reader.finish()

    assert_seen_once_in_order(reader.bodies)
    assert set(state_from(reader.bodies).values()) == {"revoked"}
    by_certificate = defaultdict(list)
    for body in reader.bodies:
        by_certificate[body["data"]["certificate"]["code"]].append(body["type"])
    assert set(map(tuple, by_certificate.values())) == {
        ("certificate.issued", "certificate.revoked")
    }
