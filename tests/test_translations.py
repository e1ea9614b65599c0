"""Every user-facing string is translated into Vietnamese, and the compiled catalogue is current."""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VI_PO = ROOT / "locale/vi/LC_MESSAGES/django.po"
VI_MO = ROOT / "locale/vi/LC_MESSAGES/django.mo"
# Every app of the project (a top-level package with an apps.py) and the site templates.
SOURCES = sorted(
    path.parent.name for path in ROOT.glob("*/apps.py") if not path.parent.name.startswith(".")
) + ["elearning", "templates"]


def msgids(po_file):
    result = subprocess.run(
        ["msgcat", "--no-wrap", "--sort-output", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        line for line in result.stdout.splitlines() if line.startswith(("msgid ", "msgid_plural "))
    } - {'msgid ""'}


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory):
    """The catalogue makemessages would write for the current source code."""
    copy = tmp_path_factory.mktemp("project")
    for name in [*SOURCES, "locale", "manage.py"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, copy / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "vi", "--no-obsolete"],
        cwd=copy,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "elearning.test_settings",
            "PYTHONPATH": str(copy),
        },
        capture_output=True,
        check=True,
        text=True,
    )
    return copy / "locale/vi/LC_MESSAGES/django.po"


def test_catalogue_holds_every_string_of_the_source_code(fresh_catalogue):
    missing = msgids(fresh_catalogue) - msgids(VI_PO)
    assert not missing, "Run `make messages` and translate: " + "\n".join(sorted(missing))


def test_every_vietnamese_string_is_translated_and_none_is_fuzzy():
    result = subprocess.run(
        ["msgfmt", "--statistics", "--check", "-o", "/dev/null", str(VI_PO)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


def test_compiled_catalogue_matches_the_po_file(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(VI_PO)], check=True)
    with open(compiled, "rb") as fresh, open(VI_MO, "rb") as committed:
        assert (
            gettext.GNUTranslations(fresh)._catalog == gettext.GNUTranslations(committed)._catalog
        )


WAGTAIL_SUPPLEMENT = ROOT / "locale_wagtail/vi/LC_MESSAGES"


def wagtail_catalogues(domain):
    import wagtail

    root = Path(wagtail.__file__).parent
    return sorted(root.glob(f"**/locale/en/LC_MESSAGES/{domain}.po"))


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_wagtail_admin_is_entirely_in_vietnamese(domain, tmp_path):
    """Every Wagtail string has a Vietnamese translation: Wagtail's own or our supplement."""
    untranslated = []
    for english in wagtail_catalogues(domain):
        vietnamese = Path(str(english).replace("/en/", "/vi/"))
        sources = [str(p) for p in (vietnamese, WAGTAIL_SUPPLEMENT / f"{domain}.po") if p.exists()]
        combined = tmp_path / "combined.po"
        subprocess.run(["msgcat", "--use-first", "-o", str(combined), *sources], check=True)
        merged = subprocess.run(
            ["msgmerge", "--quiet", "--no-fuzzy-matching", str(combined), str(english)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        result = subprocess.run(
            ["msgattrib", "--untranslated", "--no-obsolete", "--no-wrap"],
            input=merged,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        untranslated += [
            f"{english.parent.parent.parent.parent.name}: {line}"
            for line in result.splitlines()
            if line.startswith("msgid ") and line != 'msgid ""'
        ]
    assert not untranslated, "\n".join(untranslated[:50])


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_compiled_wagtail_supplement_matches_its_po_file(domain, tmp_path):
    compiled = tmp_path / f"{domain}.mo"
    subprocess.run(
        ["msgfmt", "-o", str(compiled), str(WAGTAIL_SUPPLEMENT / f"{domain}.po")], check=True
    )
    with (
        open(compiled, "rb") as fresh,
        open(WAGTAIL_SUPPLEMENT / f"{domain}.mo", "rb") as committed,
    ):
        assert (
            gettext.GNUTranslations(fresh)._catalog == gettext.GNUTranslations(committed)._catalog
        )
