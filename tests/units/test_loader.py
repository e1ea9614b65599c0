import datetime

from units.models import AdministrativeUnit, Level, UnitSuccession


def test_dien_bien_has_45_communes_in_force_and_129_before_the_reform(dien_bien):
    province = AdministrativeUnit.objects.current().get(level=Level.PROVINCE, code="11")
    assert province.children.count() == 45
    before = AdministrativeUnit.objects.current(on=datetime.date(2025, 6, 30))
    assert before.communes().filter(parent__parent__code="11").count() == 129
    assert before.filter(level=Level.DISTRICT).count() == 10
