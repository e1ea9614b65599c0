"""The search box above long lists of administrative units (units/static/units/unit_search.js)."""

import pytest

from tests.browser.test_authoring_journey import admin_log_in
from units.models import AdministrativeUnit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_hr_finds_a_commune_by_typing_its_name_without_accents(live_server, desk, hr_province):
    muong_tung = AdministrativeUnit.objects.current().get(code="03181")
    admin_log_in(desk, live_server, hr_province.username)
    desk.goto(live_server.url + "/admin/training-reports/competency/")

    search = desk.locator("input.unit-search").first
    search.fill("muong tung")
    shown = desk.locator("select[data-unit-search] option:not([hidden])").all_inner_texts()
    assert [text.strip() for text in shown if "(" in text] == [str(muong_tung)]

    search.press("Enter")  # picks the first match, does not submit
    assert desk.locator("select[data-unit-search]").first.input_value() == str(muong_tung.pk)
    assert "unit=" not in desk.url

    search.fill("")
    hidden = desk.locator("select[data-unit-search] option[hidden]")
    assert hidden.count() == 0
