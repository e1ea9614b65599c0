"""Changes to officers that systems above must hear of: a procedure-system account linked,
confirmed or unlinked, and a move to another unit (procedure_system subscribes in its
AppConfig.ready()).

Every path that changes an officer tells them: Officer.save() and the bulk import
(`officers_saved`). A queryset's update() tells nothing: never change an officer's unit or
account with it. A change is told against what the database held, read under the officer's
row lock in the transaction that writes the new values (`stored`), not against what the
instance was read with: two edits of one officer at once (HR's form and an import) are then
told one after the other, each from the state the other left, and what the feed says always
ends where the database does. Only the fields a save writes are compared: an officer read
with `only()` is saved without the fields it did not load, so they cannot change.

Subscribers are called inside that transaction, after the officer's row is written and while
its lock is held, so what they record commits or rolls back with it, in the officer's order.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from units.models import AdministrativeUnit

ACCOUNT_LINKED = "account_linked"
ACCOUNT_CONFIRMED = "account_confirmed"
ACCOUNT_UNLINKED = "account_unlinked"
MOVED = "moved"

# The fields whose changes are told.
WATCHED = ("unit_id", "procedure_account")
CHUNK = 500

_subscribers = []


@dataclass(frozen=True)
class Change:
    officer: object
    kind: str
    at: datetime
    account: str = ""  # the account linked, confirmed or unlinked
    previous_unit: object = None  # for MOVED


def subscribe(subscriber):
    """Call from AppConfig.ready(): `subscriber(change)` hears of each change."""
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)
    return subscriber


def stored(officers):
    """{officer id: (unit_id, procedure_account)} as the database holds them, locking the
    rows until the transaction ends (call inside it, before writing). In id order, so two
    transactions locking several officers cannot deadlock each other."""
    from .models import Officer

    ids = sorted({officer.pk for officer in officers if officer.pk is not None})
    found = {}
    # In chunks: SQLite takes a bounded number of parameters per query.
    for start in range(0, len(ids), CHUNK):
        rows = (
            # NO KEY UPDATE, as the write itself takes: rows pointing to the officer (its
            # certificates' events) are not held up.
            Officer.objects.select_for_update(no_key=True)
            .filter(pk__in=ids[start : start + CHUNK])
            .order_by("pk")
            .values_list("pk", *WATCHED)
        )
        found.update((pk, (unit_id, account)) for pk, unit_id, account in rows)
    return found


def changes_of(officer, before, confirmed=False, written=WATCHED):
    """What a save changed: `before` is (unit_id, procedure_account) as stored before it, or
    None for a new officer; `written` the watched fields the save wrote."""
    unit_id, account = before if before is not None else (None, "")
    now = timezone.now()
    changes = []
    if "procedure_account" in written and account != officer.procedure_account:
        if account:
            changes.append(Change(officer, ACCOUNT_UNLINKED, now, account=account))
        if officer.procedure_account:
            kind = ACCOUNT_CONFIRMED if confirmed else ACCOUNT_LINKED
            changes.append(Change(officer, kind, now, account=officer.procedure_account))
    if "unit_id" in written and unit_id is not None and unit_id != officer.unit_id:
        previous = AdministrativeUnit.objects.get(pk=unit_id)
        changes.append(Change(officer, MOVED, now, previous_unit=previous))
    return changes


def officer_saved(officer, before, confirmed=False, written=WATCHED):
    """Tell subscribers what a save changed (Officer.save calls it)."""
    for change in changes_of(officer, before, confirmed=confirmed, written=written):
        for subscriber in _subscribers:
            subscriber(change)


def officers_saved(created, updated, before):
    """The same, for officers written in bulk with every watched field: `before` is what
    `stored(updated)` read before the bulk write."""
    for officer in created:
        officer_saved(officer, None)
    for officer in updated:
        officer_saved(officer, before.get(officer.pk))
