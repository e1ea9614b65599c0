"""The national administrative units shipped with the project (units/data/*.json.gz)."""

import datetime
import gzip
import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from units.loader import (
    NATIONAL_CURRENT,
    NATIONAL_PREVIOUS,
    UnitDataError,
    load_bundled_dien_bien,
    load_bundled_national,
    load_units,
)
from units.models import REFORM_2025, AdministrativeUnit, Level, UnitSuccession

LAST_DAY_BEFORE = datetime.date(2025, 6, 30)
# SHA-256 of the files as published (units/data/README.md); the bundle holds them unchanged.
PUBLISHED_SHA256 = {
    NATIONAL_CURRENT: "7d4f8cb5ed4be203589faeb9978957e5dc8bb982bc42680b9c2f044ce0e8795a",
    NATIONAL_PREVIOUS: "7f6f179385df4fea26f2fd9625bbc4b1a315c944765a7fe4a82095928fe3f63f",
}
ALL_UNITS = 63 + 696 + 10047 + 34 + 3321
ALL_LINKS = 63 + 10604


def load_command(*args):
    out = StringIO()
    with translation.override("en"):
        call_command("load_admin_units", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("path", [NATIONAL_CURRENT, NATIONAL_PREVIOUS], ids=lambda p: p.name)
def test_the_bundled_files_hold_the_published_content_unchanged(path):
    with gzip.open(path, "rb") as handle:
        content = handle.read()
    assert hashlib.sha256(content).hexdigest() == PUBLISHED_SHA256[path]


def test_the_whole_country_loads_from_the_bundle(db):
    report = load_bundled_national()
    assert len(report.provinces) == 34
    assert (report.created, report.updated, report.unchanged) == (ALL_UNITS, 0, 0)
    current = AdministrativeUnit.objects.current()
    assert current.provinces().count() == 34
    assert current.communes().count() == 3321
    assert not current.filter(level=Level.DISTRICT).exists()
    assert AdministrativeUnit.objects.current(on=REFORM_2025).count() == 34 + 3321
    before = AdministrativeUnit.objects.current(on=LAST_DAY_BEFORE)
    assert before.provinces().count() == 63
    assert before.filter(level=Level.DISTRICT).count() == 696
    assert before.communes().count() == 10047
    assert UnitSuccession.objects.count() == ALL_LINKS
    # Every province of the 2025 map has communes; Điện Biên keeps its 45.
    assert not current.provinces().filter(children__isnull=True).exists()
    assert current.get(level=Level.PROVINCE, code="11").children.count() == 45


def test_the_command_loads_the_whole_country_with_national_and_again_changes_nothing(db):
    output = load_command("--national")
    assert f"{ALL_UNITS} units created, 0 updated, 0 unchanged; {ALL_LINKS} old→new links" in (
        output
    )
    assert AdministrativeUnit.objects.current().communes().count() == 3321
    output = load_command("--national")
    assert f"0 units created, 0 updated, {ALL_UNITS} unchanged" in output


def test_national_with_a_province_loads_that_province_and_the_old_ones_it_absorbed(db):
    output = load_command("--national", "--province", "08")
    assert output.startswith("Provinces 08:")
    assert AdministrativeUnit.objects.current().provinces().get().code == "08"
    # Tuyên Quang (08) absorbed Hà Giang (02).
    old = AdministrativeUnit.objects.current(on=LAST_DAY_BEFORE).provinces()
    assert set(old.values_list("code", flat=True)) == {"02", "08"}


def test_dien_bien_in_the_national_files_is_the_bundled_extract(db):
    load_bundled_dien_bien()
    report = load_bundled_national({"11"})
    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged == AdministrativeUnit.objects.count()


def test_a_gz_file_that_is_not_gzip_is_refused_with_its_name(db, tmp_path):
    broken = tmp_path / "units.json.gz"
    broken.write_text('{"data": []}', encoding="utf-8")
    with pytest.raises(UnitDataError) as error:
        load_units(broken, NATIONAL_PREVIOUS)
    assert len(error.value.problems) == 1
    assert str(broken) in error.value.problems[0]
    assert not AdministrativeUnit.objects.exists()


def test_a_truncated_gz_file_is_refused_and_nothing_is_loaded(db, tmp_path):
    truncated = tmp_path / "vn_units_2025_merges.json.gz"
    truncated.write_bytes(NATIONAL_CURRENT.read_bytes()[:50_000])
    with pytest.raises(CommandError, match="Nothing was loaded") as error:
        load_command("--national", "--current", str(truncated))
    assert str(truncated) in str(error.value)
    assert not AdministrativeUnit.objects.exists()
