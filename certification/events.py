"""Certificate changes (issued, renewed, superseded, revoked, expired), told to whoever must
hear of them: the procedure system's feed (procedure_system subscribes in its
AppConfig.ready()).

Certification knows nothing of the apps above it. A subscriber is called with the change and
the certificate inside the transaction that made the change, so what it writes (an outbox
row) commits or rolls back with the change itself: the transactional outbox stays exact.
"""

ISSUED = "issued"
RENEWED = "renewed"
SUPERSEDED = "superseded"  # by its renewal
REVOKED = "revoked"
EXPIRED = "expired"

_subscribers = []


def subscribe(subscriber):
    """Call from AppConfig.ready(): `subscriber(change, certificate)` hears of each change."""
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)
    return subscriber


def subscribers():
    return tuple(_subscribers)


def certificate_changed(change, certificate):
    for subscriber in _subscribers:
        subscriber(change, certificate)
