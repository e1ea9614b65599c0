"""Writing audit entries, and knowing who is acting when the caller cannot say.

Call `record` inside the transaction of the action it records: a change rolled back leaves no
entry, and an entry that cannot be written rolls the change back.
"""

import ipaddress
from contextvars import ContextVar

from django.db import models

from toolkit.client_ip import client_ip as trusted_client_ip

from .models import AuditEntry

# The request being served, for code (signal handlers) that has no request of its own.
current_request = ContextVar("audit_current_request", default=None)


def record(request_or_user, action, *, target=None, unit=None, **details):
    """Add one entry. `request_or_user` is a request (actor and IP address), a user, or None
    (the current request if any, else nobody: a management command). `target` is the model
    instance acted on; `details` are JSON-able facts (counts, file name, filters...)."""
    request, user = _request_and_user(request_or_user)
    entry = AuditEntry(
        action=action,
        actor=user,
        actor_username=user.get_username() if user else "",
        unit=unit,
        details={key: _plain(value) for key, value in details.items()},
        ip_address=client_ip(request),
    )
    if target is not None:
        entry.object_type = target._meta.label_lower
        entry.object_id = str(target.pk)
        entry.object_label = str(target)[:255]
    entry.save()
    return entry


def _request_and_user(request_or_user):
    if request_or_user is None:
        request_or_user = current_request.get()
    if request_or_user is None:
        return None, None
    if hasattr(request_or_user, "META"):
        user = getattr(request_or_user, "user", None)
        return request_or_user, user if user is not None and user.is_authenticated else None
    user = request_or_user if request_or_user.is_authenticated else None
    return current_request.get(), user


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def client_ip(request):
    """The client's address, as login throttling reads it (TRUSTED_PROXY_COUNT), or None."""
    if request is None:
        return None
    try:
        return str(ipaddress.ip_address(trusted_client_ip(request) or ""))
    except ValueError:
        return None


def unit_of(user):
    """The unit of a user's officer record, or None (an account that is no officer)."""
    officer = getattr(user, "officer", None) if user is not None else None
    return officer.unit if officer is not None else None


def common_unit(units):
    """The smallest unit containing all of these (units form a tree), or None (no units, or
    units of different provinces). A query per level of the tree, whatever the number."""
    from units.models import AdministrativeUnit

    known = {unit.pk: unit for unit in units if unit is not None}
    if not known:
        return None
    given = list(known)
    while missing := {
        unit.parent_id
        for unit in known.values()
        if unit.parent_id is not None and unit.parent_id not in known
    }:
        known.update((unit.pk, unit) for unit in AdministrativeUnit.objects.filter(pk__in=missing))

    def chain(pk):  # province first
        ids = []
        while pk is not None:
            ids.append(pk)
            pk = known[pk].parent_id
        return ids[::-1]

    common = None
    for level in zip(*(chain(pk) for pk in given), strict=False):
        if len(set(level)) > 1:
            break
        common = known[level[0]]
    return common


# Query parameters that say how a download was asked for, not what it contains.
NOT_FILTERS = {"export", "table", "p", "_w_filter_fragment"}


def record_export(request, report, file_format, *, unit=None, target=None, **details):
    """An entry for a downloaded report: which one, in which format, with the filters asked
    for (the query parameters as sent, so that they read the same in any language)."""
    from .models import Action

    filters = {
        name: values[0] if len(values) == 1 else values
        for name, values in request.GET.lists()
        if name not in NOT_FILTERS and any(values)
    }
    return record(
        request,
        Action.REPORT_EXPORTED,
        target=target,
        unit=unit,
        report=report,
        format=file_format,
        filters=filters,
        **details,
    )
