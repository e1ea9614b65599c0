"""Changes to officers that systems above must hear of: a procedure-system account linked,
confirmed or unlinked, and a move to another unit (procedure_system subscribes in its
AppConfig.ready()).

Every path that changes an officer tells them: Officer.save() compares the officer with what
was read from the database, and bulk writes (the import) call `officers_saved` themselves.
Subscribers are called inside the transaction of the change, after the officer's row is
written, so what they record commits or rolls back with it.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from units.models import AdministrativeUnit

ACCOUNT_LINKED = "account_linked"
ACCOUNT_CONFIRMED = "account_confirmed"
ACCOUNT_UNLINKED = "account_unlinked"
MOVED = "moved"

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


def remember_loaded(officer):
    """Keep what the database holds of the officer, to tell changes later."""
    officer._as_loaded = (officer.unit_id, officer.procedure_account)


def changes_of(officer, confirmed=False, created=False):
    """What changed since the officer was read (or since it did not exist). An officer read
    without its unit and account (`only()`) cannot tell: read them to change them."""
    if created:
        unit_id, account = None, ""
    elif hasattr(officer, "_as_loaded"):
        unit_id, account = officer._as_loaded
    else:
        return []
    now = timezone.now()
    changes = []
    if account != officer.procedure_account:
        if account:
            changes.append(Change(officer, ACCOUNT_UNLINKED, now, account=account))
        if officer.procedure_account:
            kind = ACCOUNT_CONFIRMED if confirmed else ACCOUNT_LINKED
            changes.append(Change(officer, kind, now, account=officer.procedure_account))
    if unit_id is not None and unit_id != officer.unit_id:
        previous = AdministrativeUnit.objects.get(pk=unit_id)
        changes.append(Change(officer, MOVED, now, previous_unit=previous))
    return changes


def officer_saved(officer, confirmed=False, created=False):
    """Tell subscribers what a save changed (Officer.save calls it)."""
    for change in changes_of(officer, confirmed=confirmed, created=created):
        for subscriber in _subscribers:
            subscriber(change)
    remember_loaded(officer)


def officers_saved(created, updated):
    """The same, for officers written in bulk."""
    for officer in created:
        officer_saved(officer, created=True)
    for officer in updated:
        officer_saved(officer)
