"""What someone locked out by django-axes sees (AXES_LOCKOUT_CALLABLE)."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone


def lockout_response(request, original_response=None, credentials=None):
    """A page saying why and for how long, with status 429 and Retry-After."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    response = render(
        request,
        "security/lockout.html",
        {"minutes": max(1, seconds // 60), "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    # The page names no account, but it answers a login attempt: never cache it.
    response["Cache-Control"] = "no-store"
    return response


def record_lockout(sender, request, username, ip_address, **kwargs):
    """Audit log entry when django-axes locks a username out. Axes signals again at each
    attempt refused during the lockout: those are not new lockouts."""
    import audit
    from audit.models import Action, AuditEntry

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    already = AuditEntry.objects.filter(
        action=Action.LOGIN_LOCKED_OUT,
        at__gte=since,
        details__username=username or "",
        ip_address=audit.client_ip(request),
    )
    if not already.exists():
        audit.record(request, Action.LOGIN_LOCKED_OUT, username=username or "")
