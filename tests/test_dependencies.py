"""Every module the project's code imports comes from a distribution pyproject.toml declares:
the application's code from the dependencies, tests and benchmarks from those or the dev extra.
A module that only arrives through another package (Wagtail brings django-filter, ninja,
pydantic, requests, Pillow) disappears the day that package stops needing it."""

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
SKIPPED_DIRS = {".venv", "node_modules", "staticfiles", "media", ".git"}
# Code that is not shipped may also use the dev extra.
DEV_DIRS = {"tests", "benchmarks"}


def normalised(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    def names(requirements):
        return {normalised(re.match(r"[A-Za-z0-9._-]+", line).group()) for line in requirements}

    runtime = names(project["dependencies"])
    return runtime, runtime | names(project["optional-dependencies"]["dev"])


def python_files():
    for path in ROOT.rglob("*.py"):
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts):
            yield path


def project_modules():
    return {path.parent.name for path in ROOT.glob("*/__init__.py")} | {
        path.stem for path in ROOT.glob("*.py")
    }


def local_to(path, module):
    """A script's own module beside it or in a folder above it (benchmarks/serving.py,
    imported as `serving` by benchmarks/loadtest/run.py, which puts benchmarks/ on its path)."""
    for folder in path.parents:
        if folder == ROOT:
            return False
        if (folder / f"{module}.py").exists() or (folder / module).is_dir():
            return True
    return False


def imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module.split(".")[0]


def third_party_imports():
    """{module: {file that imports it, …}} for every module from outside the project."""
    ours = project_modules()
    found = {}
    for path in python_files():
        for module in imported_modules(path):
            if module in ours or module in sys.stdlib_module_names or local_to(path, module):
                continue
            found.setdefault(module, set()).add(path.relative_to(ROOT))
    # Apps named in INSTALLED_APPS are imported by Django itself.
    for app in settings.INSTALLED_APPS:
        module = app.split(".")[0]
        if module not in ours:
            found.setdefault(module, set()).add(Path("elearning/settings.py"))
    return found


def undeclared():
    runtime, with_dev = declared()
    distributions = importlib.metadata.packages_distributions()
    problems = []
    for module, paths in sorted(third_party_imports().items()):
        provided_by = {normalised(name) for name in distributions.get(module, [])}
        shipped = [path for path in sorted(paths) if path.parts[0] not in DEV_DIRS]
        allowed = runtime if shipped else with_dev
        if not provided_by:
            problems.append(f"{module}: no installed distribution provides it ({sorted(paths)[0]})")
        elif not provided_by & allowed:
            where = "dependencies" if shipped else "dependencies or the dev extra"
            example = (shipped or sorted(paths))[0]
            problems.append(
                f"{module} (from {', '.join(sorted(provided_by))}) is imported by {example} "
                f"but not in pyproject.toml's {where}"
            )
    return problems


def test_every_imported_module_is_declared_in_pyproject():
    assert undeclared() == []


def test_the_scan_sees_the_imports_that_came_only_through_wagtail():
    # The modules issue 14 found undeclared: if the scan stopped seeing them, the test above
    # would pass without checking anything.
    assert {"ninja", "pydantic", "requests", "django_filters", "PIL"} <= set(third_party_imports())


def test_a_module_brought_only_by_another_package_is_reported(monkeypatch):
    runtime, with_dev = declared()
    monkeypatch.setattr(
        sys.modules[__name__],
        "declared",
        lambda: (runtime - {"requests"}, with_dev - {"requests"}),
    )
    assert any(problem.startswith("requests (from requests)") for problem in undeclared())
