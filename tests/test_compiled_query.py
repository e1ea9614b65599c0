"""toolkit.db.CompiledQuery: a query Django compiles once, run with each call's values, gives
what the queryset gives (on SQLite and PostgreSQL alike)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from toolkit.db import CompiledQuery
from units.models import AdministrativeUnit, Level

pytestmark = pytest.mark.django_db


def units_named(name, level):
    return AdministrativeUnit.objects.filter(name=name, level=level).order_by("code")


@pytest.fixture
def units():
    made = [
        AdministrativeUnit.objects.create(code=code, name=name, level=level)
        for code, name, level in [
            ("90001", "Xã Na Sang", Level.COMMUNE),
            ("90002", "Xã Na Sang", Level.COMMUNE),
            ("90003", "Xã Mường Tùng", Level.COMMUNE),
            ("90", "Xã Na Sang", Level.PROVINCE),
        ]
    ]
    return {unit.code: unit for unit in made}


def test_each_call_runs_its_own_values_and_gives_what_the_queryset_gives(units):
    query = CompiledQuery(units_named, "\0name", 32_001)

    for name, level in [
        ("Xã Na Sang", Level.COMMUNE),
        ("Xã Mường Tùng", Level.COMMUNE),
        ("Xã Na Sang", Level.PROVINCE),
        ("Xã Không Có", Level.COMMUNE),
    ]:
        got = query(name, level)
        assert [(unit.pk, unit.code, unit.name, unit.level) for unit in got] == [
            (unit.pk, unit.code, unit.name, unit.level) for unit in units_named(name, level)
        ]


def test_only_the_first_call_builds_the_queryset_and_each_call_is_one_query(units):
    built = []

    def build(name, level):
        built.append((name, level))
        return units_named(name, level)

    query = CompiledQuery(build, "\0name", 32_001)
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            assert len(query("Xã Na Sang", Level.COMMUNE)) == 2
        assert len(queries) == 1
    assert built == [("\0name", 32_001)]


def test_fields_left_out_are_loaded_when_read(units):
    query = CompiledQuery(
        lambda code: AdministrativeUnit.objects.filter(code=code).only("code"), "\0code"
    )
    [unit] = query("90003")
    assert unit.get_deferred_fields() >= {"name"}
    assert unit.name == "Xã Mường Tùng"


def test_a_placeholder_the_sql_does_not_hold_once_is_refused():
    query = CompiledQuery(
        lambda name: AdministrativeUnit.objects.filter(name=name, code=name), "\0twice"
    )
    with pytest.raises(ValueError, match="2 times"):
        query("Xã Na Sang")
