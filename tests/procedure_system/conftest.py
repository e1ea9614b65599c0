"""Fixtures the procedure-system tests share."""

import pytest
from django.core.cache import cache

from units.models import AdministrativeUnit, Level


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate counters live in the cache; no test inherits another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lai_chau(db):
    """A second province, tiny: Lai Châu (12) with one commune."""
    province = AdministrativeUnit.objects.create(
        code="12", name="Tỉnh Lai Châu", kind="Tỉnh", level=Level.PROVINCE
    )
    commune = AdministrativeUnit.objects.create(
        code="03400", name="Xã Bum Nưa", kind="Xã", level=Level.COMMUNE, parent=province
    )
    return province, commune
