"""Deployment checks (`manage.py check --deploy`) for the operations settings."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.files.storage import FileSystemStorage, storages


def _inside(path, root):
    path, root = Path(path).resolve(), Path(root).resolve()
    return path == root or root in path.parents


@register(Tags.security, deploy=True)
def private_files_are_not_served(app_configs, **kwargs):
    """PRIVATE_ROOT inside MEDIA_ROOT or STATIC_ROOT would be served by the web server."""
    storage = storages["private"]
    if not isinstance(storage, FileSystemStorage):
        return []
    problems = []
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        root = getattr(settings, name, None)
        if root and _inside(storage.location, root):
            problems.append(
                Error(
                    f"The private files ({storage.location}) lie inside {name} ({root}), "
                    "which the web server serves to anyone.",
                    hint="Set PRIVATE_ROOT to a directory outside MEDIA_ROOT and STATIC_ROOT.",
                    id="operations.E001",
                )
            )
    return problems


@register(Tags.caches, deploy=True)
def cache_is_shared(app_configs, **kwargs):
    """Rate limits count in the default cache: in one process's memory, each gunicorn worker
    would count apart and let through as many times more."""
    backend = settings.CACHES["default"]["BACKEND"]
    if not backend.endswith("LocMemCache"):
        return []
    return [
        Warning(
            "The default cache is this process's memory: each gunicorn worker counts rate "
            "limits (certificate checks, password-reset mails, the API) on its own.",
            hint="Set REDIS_URL to a Redis server every worker shares.",
            id="operations.W001",
        )
    ]
