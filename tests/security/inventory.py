"""The project's own URL patterns, found by walking the resolver.

A pattern is the project's own when its view lives in one of the project's apps, when it
belongs to a Wagtail admin viewset (or snippet chooser) of one of their models, or when it is
served by a django-ninja API whose operations live in them.
"""

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

# The project's apps, and any app started since (a new app must be added here and to the
# matrix: the meta-test then asks for its views).
OUR_APPS = (
    "elearning",
    "toolkit",
    "home",
    "security",
    "units",
    "officers",
    "courses",
    "assessments",
    "certification",
    "procedure_system",
    "reports",
    "operations",
    "audit",
)


def _ours(module):
    return bool(module) and module.split(".")[0] in OUR_APPS


def _viewset_namespaces():
    """URL namespaces of the admin viewsets registered for our apps' models."""
    from wagtail.admin.viewsets import viewsets

    get_resolver().url_patterns  # noqa: B018 (registering the admin URLs registers viewsets)
    found = set()
    for viewset in viewsets.viewsets:
        model = getattr(viewset, "model", None)
        if isinstance(model, str):
            model = apps.get_model(model)
        if model is None or not _ours(model.__module__):
            continue
        found.add(viewset.url_namespace)
    return found


def _ninja_modules(callback):
    """Modules of the operations a django-ninja view serves (the operation, or the API)."""
    api = getattr(callback, "keywords", {}).get("api")
    views = []
    if api is not None:
        for _prefix, router in api._routers:
            for path_view in router.path_operations.values():
                views.extend(op.view_func for op in path_view.operations)
    for cell in getattr(callback, "__closure__", None) or ():
        path_view = cell.cell_contents
        views.extend(op.view_func for op in getattr(path_view, "operations", []))
    return {view.__module__ for view in views}


def _modules(callback):
    view_class = getattr(callback, "view_class", None)
    modules = {getattr(view_class or callback, "__module__", "") or ""}
    func = getattr(callback, "func", None)  # functools.partial
    if func is not None:
        modules.add(func.__module__)
    return modules | _ninja_modules(callback)


def walk(resolver=None, namespace=""):
    """(full name, route, callback) of every URL pattern."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            for name, route, callback in walk(pattern, inner):
                yield name, f"{pattern.pattern}{route}", callback
        elif isinstance(pattern, URLPattern):
            name = pattern.name or ""
            full = f"{namespace}:{name}" if namespace and name else name
            yield full, str(pattern.pattern), pattern.callback


def our_url_names():
    """{name or route: route} of the project's own URL patterns."""
    namespaces = _viewset_namespaces()
    found = {}
    for name, route, callback in walk():
        top = name.split(":")[0] if ":" in name else ""
        if top in namespaces or any(_ours(module) for module in _modules(callback)):
            found[name or route] = route
    return found
