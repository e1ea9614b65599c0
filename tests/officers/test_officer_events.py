"""Officer changes told to the systems above (officers/events.py): what each save tells, told
from what the database held, whoever read the officer and however.

What an integrator notices: an account linked, confirmed or unlinked and a move are each told
once; saving what did not change tells nothing; two edits of one officer made from copies read
at the same time are told one after the other, ending where the database ends.
"""

import pytest
from django.db import transaction

from officers import events
from officers.importing import import_officers
from officers.models import Officer
from tests.factories import OfficerFactory, unit
from tests.officers.test_import import csv_file, people, person, table

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """What a subscriber hears, for the test's duration."""
    changes = []
    events.subscribe(changes.append)
    yield changes
    events._subscribers.remove(changes.append)


def told(changes):
    return [
        (c.kind, c.account or (c.previous_unit.code if c.previous_unit else ""), c.officer.pk)
        for c in changes
    ]


@pytest.fixture
def officer(dien_bien):
    return OfficerFactory(unit=unit("03172"))


def test_a_new_officer_with_an_account_is_told_as_linked(dien_bien, heard):
    officer = OfficerFactory(unit=unit("03172"), procedure_account="moi.ns")
    assert told(heard) == [(events.ACCOUNT_LINKED, "moi.ns", officer.pk)]


def test_a_new_officer_without_an_account_tells_nothing(dien_bien, heard):
    OfficerFactory(unit=unit("03172"))
    assert heard == []


def test_saving_what_did_not_change_tells_nothing(officer, heard):
    officer.full_name = "Lò Văn Pánh"
    officer.save()
    officer.save()
    assert heard == []


def test_a_move_and_an_account_in_one_save_are_both_told(officer, heard):
    officer.unit = unit("03181")
    officer.procedure_account = "pank.mt"
    officer.save()
    assert told(heard) == [
        (events.ACCOUNT_LINKED, "pank.mt", officer.pk),
        (events.MOVED, "03172", officer.pk),
    ]


def test_a_changed_account_is_told_as_unlinked_then_linked(officer, heard):
    Officer.objects.filter(pk=officer.pk).update(procedure_account="cu.ns")
    officer.refresh_from_db()
    officer.procedure_account = "moi.ns"
    officer.save()
    assert told(heard) == [
        (events.ACCOUNT_UNLINKED, "cu.ns", officer.pk),
        (events.ACCOUNT_LINKED, "moi.ns", officer.pk),
    ]


def test_confirmed_accounts_are_told_as_confirmed(officer, heard):
    officer.procedure_account = "xin.ns"
    officer.save(confirmed_account=True)
    assert told(heard) == [(events.ACCOUNT_CONFIRMED, "xin.ns", officer.pk)]


def test_a_save_of_other_fields_tells_nothing_even_from_a_stale_copy(officer, heard):
    """update_fields without the unit: the stale unit on the copy is not written, not told."""
    stale = Officer.objects.get(pk=officer.pk)
    officer.unit = unit("03181")
    officer.save()
    heard.clear()
    stale.full_name = "Tên Mới"
    stale.save(update_fields=["full_name", "sort_key", "updated_at"])
    assert heard == []
    assert Officer.objects.get(pk=officer.pk).unit == unit("03181")


def test_two_copies_read_together_are_told_from_what_the_database_held(officer, heard):
    """HR links an account on one copy while another copy moves the officer: the second save
    writes back the copy's empty account, and that is told as unlinked, so the feed ends where
    the database does."""
    first, second = Officer.objects.get(pk=officer.pk), Officer.objects.get(pk=officer.pk)
    first.procedure_account = "hr.ns"
    first.save()
    second.unit = unit("03181")
    second.save()
    assert told(heard) == [
        (events.ACCOUNT_LINKED, "hr.ns", officer.pk),
        (events.ACCOUNT_UNLINKED, "hr.ns", officer.pk),
        (events.MOVED, "03172", officer.pk),
    ]
    assert Officer.objects.get(pk=officer.pk).procedure_account == ""


def test_an_officer_read_with_only_tells_about_the_fields_it_loaded(officer, heard):
    """Django saves only the fields an only() read loaded: the others cannot change, nothing is
    told of them; a loaded unit that changes is told."""
    named = Officer.objects.only("full_name").get(pk=officer.pk)
    named.full_name = "Lò Văn Pánh"
    named.save()
    assert heard == []

    placed = Officer.objects.only("unit").get(pk=officer.pk)
    placed.unit = unit("03181")
    placed.save()
    assert told(heard) == [(events.MOVED, "03172", officer.pk)]


def test_a_queryset_update_tells_nothing(officer, heard):
    """The one way round the events (documented: use save() or the import to change these)."""
    Officer.objects.filter(pk=officer.pk).update(unit=unit("03181"))
    assert heard == []


def test_changes_are_told_inside_the_saves_transaction(officer):
    seen = []

    def subscriber(change):
        seen.append(transaction.get_connection().in_atomic_block)

    events.subscribe(subscriber)
    try:
        officer.procedure_account = "x.ns"
        officer.save()
    finally:
        events._subscribers.remove(subscriber)
    assert seen == [True]


def test_the_import_tells_creations_moves_and_accounts_once(dien_bien, heard):
    rows = people(3)
    import_officers(csv_file(table(rows)), "can-bo.csv")
    officers = {o.user.username: o.pk for o in Officer.objects.select_related("user")}
    assert sorted(told(heard)) == sorted(
        (events.ACCOUNT_LINKED, row["procedure_account"], officers[row["username"]]) for row in rows
    )
    heard.clear()

    rows[0] = {**rows[0], "unit_code": "03181"}
    rows[1] = {**rows[1], "procedure_account": ""}
    rows[2] = {**rows[2], "full_name": "Tên Khác"}
    import_officers(csv_file(table(rows)), "can-bo.csv")
    assert sorted(told(heard)) == sorted(
        [
            (events.MOVED, "03172", officers[rows[0]["username"]]),
            (
                events.ACCOUNT_UNLINKED,
                person(2)["procedure_account"],
                officers[rows[1]["username"]],
            ),
        ]
    )


def test_the_import_tells_from_the_database_not_from_what_it_checked(dien_bien, heard):
    """An officer moved by HR after the file was read is told as moving from where HR put them."""
    row = person(1)
    import_officers(csv_file(table([row])), "can-bo.csv")
    officer = Officer.objects.get()
    officer.unit = unit("03181")
    officer.save()
    heard.clear()
    events.officers_saved(created=[], updated=[officer], before=events.stored([officer]))
    assert heard == []  # the stored row is the copy's: nothing to tell

    Officer.objects.filter(pk=officer.pk).update(unit=unit("03172"))  # behind its back
    with transaction.atomic():
        before = events.stored([officer])
        officer.unit = unit("03181")
        events.officers_saved(created=[], updated=[officer], before=before)
    assert told(heard) == [(events.MOVED, "03172", officer.pk)]
