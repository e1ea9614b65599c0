"""The audit log of sensitive actions. Call `audit.record(...)` where such an action happens."""


def record(request_or_user, action, *, target=None, unit=None, **details):
    """Add an entry to the audit log; see audit.recorder.record."""
    from .recorder import record as _record

    return _record(request_or_user, action, target=target, unit=unit, **details)


def record_export(request, report, file_format, *, unit=None, target=None, **details):
    """Add an entry for a downloaded report; see audit.recorder.record_export."""
    from .recorder import record_export as _record_export

    return _record_export(request, report, file_format, unit=unit, target=target, **details)


def client_ip(request):
    """The client's address as the audit log records it; see audit.recorder.client_ip."""
    from .recorder import client_ip as _client_ip

    return _client_ip(request)
