"""Every user-facing string is translated into Vietnamese, and the compiled catalogue is current."""

import ast
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


# --- Strings xgettext cannot see ------------------------------------------------------------

GETTEXT_FUNCTIONS = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


def _called_name(call):
    function = call.func
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute):
        return function.attr
    return None


def invisible_to_xgettext(source):
    """(line, call) of each translation call xgettext skips: one inside an f-string
    expression, or one whose message is itself an f-string."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call) and _called_name(inner) in GETTEXT_FUNCTIONS:
                    found.append((inner.lineno, ast.unparse(inner)))
        elif (
            isinstance(node, ast.Call)
            and _called_name(node) in GETTEXT_FUNCTIONS
            and any(isinstance(argument, ast.JoinedStr) for argument in node.args)
        ):
            found.append((node.lineno, ast.unparse(node)))
    return found


def test_the_static_check_finds_a_translation_call_inside_an_f_string():
    assert invisible_to_xgettext("x = f\"<b>{_('Motto')}</b>\"") == [(1, "_('Motto')")]
    assert invisible_to_xgettext('x = gettext(f"Hello {name}")') == [
        (1, "gettext(f'Hello {name}')")
    ]
    assert invisible_to_xgettext('x = _("Motto")\ny = f"<b>{x}</b>"') == []


def test_no_translation_call_hides_inside_an_f_string():
    """xgettext does not extract `_()` inside an f-string: the text would stay in English."""
    found = [
        f"{path.relative_to(ROOT)}:{line}: {call}"
        for name in SOURCES
        for path in sorted((ROOT / name).rglob("*.py"))
        for line, call in invisible_to_xgettext(path.read_text(encoding="utf-8"))
    ]
    assert not found, "Translate outside the f-string:\n" + "\n".join(found)


def test_the_password_reset_email_is_entirely_in_vietnamese(client, learner):
    from django.core import mail
    from django.urls import reverse

    from tests.catalogue import misses

    with misses("vi") as missed:
        client.post(reverse("password_reset"), {"email": learner.email})
    assert len(mail.outbox) == 1
    assert not missed, missed
    assert "mật khẩu" in mail.outbox[0].subject.lower() + mail.outbox[0].body.lower()
