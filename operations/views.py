"""/health/ for monitoring and load balancers; /health/live/ for "is the process up"."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import health


@never_cache
@require_safe
def health_view(request):
    healthy, checks = health.run_checks()
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks},
        status=200 if healthy else 503,
    )


@never_cache
@require_safe
def live_view(request):
    """Answers without touching the database or cache: a worker that answers is alive."""
    return JsonResponse({"status": "ok"})
