"""Figures across the 2025 reform: old units reported through the new communes that succeeded
them (UnitSuccession of the bundled Điện Biên data), and the reverse mapping.

Bundled successions used here (all "full" in the data):
    old Huyện Mường Chà (097): Xá Tổng 03178 -> Phường Mường Lay 03151 (with Sông Đà 03148,
        Na Lay 03151, Lay Nưa 03184 of Thị xã Mường Lay); Thị trấn Mường Chà 03172, Sa Lông
        03197, Ma Thì Hồ 03200, Na Sang 03201 -> Xã Na Sang 03172; Mường Tùng 03181, Huổi Lèng
        03196 -> Xã Mường Tùng 03181; Hừa Ngài 03190, Pa Ham 03193 -> Xã Pa Ham 03193; Huổi Mí
        03191, Nậm Nèn 03194 -> Xã Nậm Nèn 03194; Mường Mươn 03202 -> Xã Mường Pồn 03202 (with
        Mường Pồn 03319 of Huyện Điện Biên).
The data has no partial succession in Điện Biên; `split_huoi_leng` makes one: Huổi Lèng going
partly into Mường Tùng and partly into Na Sang.

Training record (test_competency.build_matrix_data):
    Xã Na Sang:    6 officers; enrolments An SIG ✓ DOC ✓, Cường PUB ✓ SAFE …, Em SAFE ✓
                   -> 3 enrolled, 5 enrolments, 4 completed (80.0 %), 3 officers completed;
                   SIG only: 1 enrolled, 1 enrolment, 1 completed
    Xã Mường Tùng: 2 officers; Giang SIG ✓ PUB ✓ -> 1 enrolled, 2 enrolments, 2 completed
                   (100.0 %), 1 officer completed; SIG only: 1, 1, 1
"""

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Enrolment
from reports import history
from tests.factories import OfficerFactory
from tests.reports.test_competency import build_matrix_data, client_for
from units.models import REFORM_2025, AdministrativeUnit, Level, UnitSuccession

MUONG_CHA_SUCCESSORS = ["03151", "03172", "03181", "03193", "03194", "03202"]


def old(code, level=Level.COMMUNE):
    return AdministrativeUnit.objects.get(code=code, level=level, valid_to__lt=REFORM_2025)


def new(code):
    return AdministrativeUnit.objects.current().get(code=code)


def codes(successions):
    return [s.predecessor.code for s in successions]


def figures(row):
    return (
        row.officers,
        row.enrolled_officers,
        row.enrolments,
        row.completed,
        row.completed_officers,
    )


@pytest.fixture
def training(hr_na_sang, hr_muong_tung, hr_province, administrator):
    return build_matrix_data()


@pytest.fixture
def split_huoi_leng(dien_bien):
    huoi_leng = old("03196")
    UnitSuccession.objects.filter(predecessor=huoi_leng).update(share=UnitSuccession.Share.PARTIAL)
    UnitSuccession.objects.create(
        predecessor=huoi_leng, successor=new("03172"), share=UnitSuccession.Share.PARTIAL
    )
    return huoi_leng


def test_old_commune_merged_whole_into_a_new_one(training, administrator):
    report = history.history_report(administrator, old("03172"))
    [row] = report.rows
    assert row.unit == new("03172") and row.unit.name == "Xã Na Sang"
    assert codes(row.from_inside) == ["03172"]
    assert codes(row.from_outside) == ["03197", "03200", "03201"]
    assert not row.partial and row.mixed
    assert figures(row) == (6, 3, 5, 4, 3)
    assert row.completion_rate == 80.0
    assert report.hidden == 0


def test_same_code_two_units(training, administrator):
    """Old Thị trấn Mường Chà 03172 and the new Xã Na Sang 03172 are different units."""
    old_unit = old("03172")
    assert old_unit.pk != new("03172").pk and old_unit.name == "Thị Trấn Mường Chà"


def test_huoi_leng_into_muong_tung(training, administrator):
    [row] = history.history_report(administrator, old("03196")).rows
    assert row.unit.code == "03181"
    assert codes(row.from_outside) == ["03181"]  # the old Xã Mường Tùng
    assert not row.partial and row.mixed
    assert figures(row) == (2, 1, 2, 2, 1)


def test_partial_succession_is_flagged(training, split_huoi_leng, administrator):
    report = history.history_report(administrator, split_huoi_leng)
    assert [row.unit.code for row in report.rows] == ["03172", "03181"]
    assert all(row.partial for row in report.rows)
    assert report.any_partial
    # Figures cover the whole new communes.
    assert [figures(row) for row in report.rows] == [(6, 3, 5, 4, 3), (2, 1, 2, 2, 1)]
    totals = report.totals
    assert (totals["officers"], totals["enrolments"], totals["completed"]) == (8, 7, 6)
    assert round(totals["completion_rate"], 1) == 85.7


def test_old_district(training, administrator):
    report = history.history_report(administrator, old("097", Level.DISTRICT))
    rows = {row.unit.code: row for row in report.rows}
    assert list(rows) == MUONG_CHA_SUCCESSORS
    assert codes(rows["03172"].from_inside) == ["03172", "03197", "03200", "03201"]
    assert not rows["03172"].mixed
    assert codes(rows["03181"].from_inside) == ["03181", "03196"]
    assert codes(rows["03151"].from_outside) == ["03148", "03151", "03184"]
    assert codes(rows["03202"].from_outside) == ["03319"]
    assert rows["03202"].unit.name == "Xã Mường Pồn"
    assert figures(rows["03193"]) == (0, 0, 0, 0, 0) and rows["03193"].completion_rate is None
    totals = report.totals
    assert (totals["officers"], totals["enrolments"], totals["completed"]) == (8, 7, 6)


def test_course_filter(training, administrator):
    _people, courses = training
    report = history.history_report(
        administrator, old("097", Level.DISTRICT), course=courses["SIG"]
    )
    rows = {row.unit.code: row for row in report.rows}
    assert figures(rows["03172"]) == (6, 1, 1, 1, 1)
    assert figures(rows["03181"]) == (2, 1, 1, 1, 1)


def test_old_province_reports_new_communes_only(training, administrator):
    report = history.history_report(administrator, old("11", Level.PROVINCE))
    assert all(row.unit.level == Level.COMMUNE for row in report.rows)
    assert {"03172", "03181"} <= {row.unit.code for row in report.rows}
    assert report.totals["officers"] == 8  # the provincial staff belong to no commune


def test_hr_sees_only_successors_in_their_area(training, hr_na_sang):
    report = history.history_report(hr_na_sang, old("097", Level.DISTRICT))
    assert [row.unit.code for row in report.rows] == ["03172"]
    assert report.hidden == 5


def test_old_units_in_scope(training, hr_na_sang, hr_muong_tung, hr_province, administrator):
    def listed(user):
        return {(u.level, u.code) for u in history.old_units_visible_to(user)}

    assert listed(hr_na_sang) == {
        (Level.PROVINCE, "11"),
        (Level.DISTRICT, "097"),
        (Level.COMMUNE, "03172"),
        (Level.COMMUNE, "03197"),
        (Level.COMMUNE, "03200"),
        (Level.COMMUNE, "03201"),
    }
    assert listed(hr_muong_tung) == {
        (Level.PROVINCE, "11"),
        (Level.DISTRICT, "097"),
        (Level.COMMUNE, "03181"),
        (Level.COMMUNE, "03196"),
    }
    every = listed(administrator)
    assert listed(hr_province) == every
    assert len([unit for unit in every if unit[0] == Level.DISTRICT]) == 10
    assert all(unit.valid_to < REFORM_2025 for unit in history.old_units_visible_to(hr_province))


def test_learner_has_no_old_units(training, learner):
    assert history.old_units_visible_to(learner) == []


def test_tree_order(training, hr_na_sang):
    ordered = history.old_units_in_tree_order(history.old_units_visible_to(hr_na_sang))
    assert [u.code for u in ordered] == ["11", "097", "03172", "03197", "03200", "03201"]


def test_reverse_mapping(dien_bien):
    successions = history.predecessors_of(new("03172"))
    assert codes(successions) == ["03172", "03197", "03200", "03201"]
    assert {s.share for s in successions} == {UnitSuccession.Share.FULL}
    assert {s.predecessor.parent.name for s in successions} == {"Huyện Mường Chà"}


def test_queries_do_not_grow(training, administrator):
    district = old("097", Level.DISTRICT)
    _people, courses = training

    def run():
        with CaptureQueriesContext(connection) as context:
            history.history_report(administrator, district)
        return len(context.captured_queries)

    run()  # reads the user's roles once
    small = run()
    for n in range(12):
        officer = OfficerFactory(full_name=f"Mùa A Thêm {n}", unit=new("03193"))
        Enrolment.objects.create(officer=officer, course=courses["SIG"], source="self")
    assert run() == small <= 5


# --- The admin page and exports -----------------------------------------------------------


def test_page_for_hr(training, hr_na_sang):
    client = client_for(hr_na_sang)
    response = client.get(reverse("reports:history"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Huyện Mường Chà (097)" in html
    assert "Huổi Lèng" not in html  # its successor is outside Na Sang's area
    response = client.get(reverse("reports:history"), {"old_unit": old("03172").pk})
    html = response.content.decode()
    assert 'data-successor="03172"' in html
    assert "data-mixed" in html and "data-flag-mixed" in html
    assert "data-honesty-note" in html
    assert reverse("reports:history_csv") in html


def test_partial_flag_on_the_page(training, split_huoi_leng, hr_na_sang):
    response = client_for(hr_na_sang).get(
        reverse("reports:history"), {"old_unit": split_huoi_leng.pk}
    )
    html = response.content.decode()
    assert 'data-successor="03172"' in html and 'data-successor="03181"' not in html
    assert "data-flag-partial" in html
    assert "data-history-hidden" in html


def test_old_unit_outside_the_area_is_refused(training, hr_na_sang):
    client = client_for(hr_na_sang)
    response = client.get(reverse("reports:history"), {"old_unit": old("03196").pk})
    assert response.status_code == 200
    assert response.context["report"] is None
    assert response.context["form"].errors
    csv_url = reverse("reports:history_csv")
    assert client.get(csv_url, {"old_unit": old("03196").pk}).status_code == 404


def test_reverse_on_the_page(training, hr_na_sang):
    response = client_for(hr_na_sang).get(reverse("reports:history"), {"unit": new("03172").pk})
    html = response.content.decode()
    for code in ["03172", "03197", "03200", "03201"]:
        assert f'data-predecessor="{code}"' in html
    # A commune outside the area is not a choice.
    response = client_for(hr_na_sang).get(reverse("reports:history"), {"unit": new("03181").pk})
    assert response.context["predecessors"] is None


def test_learner_is_refused(training, learner):
    assert client_for(learner).get(reverse("reports:history")).status_code in (302, 403)


def test_csv_export(training, administrator):
    response = client_for(administrator).get(
        reverse("reports:history_csv"), {"old_unit": old("097", Level.DISTRICT).pk}
    )
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 6 + 1
    body = {row[0]: row for row in rows[1:-1]}
    assert list(body) == MUONG_CHA_SUCCESSORS
    assert body["03172"][1] == "Xã Na Sang"
    assert "Thị Trấn Mường Chà (03172)" in body["03172"][2]
    assert body["03202"][3] == "Xã Mường Pồn (03319)"
    assert body["03172"][5:] == ["6", "3", "5", "4", "3", "80.0"]
    assert rows[-1][5:10] == ["8", "4", "7", "6", "4"]


def test_xlsx_export(training, hr_muong_tung):
    response = client_for(hr_muong_tung).get(
        reverse("reports:history_xlsx"), {"old_unit": old("03196").pk}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert "Xã Huổi Lèng (03196)" in values[0][0]
    data = [row for row in values if row[0] == "03181"]
    assert data[0][1] == "Xã Mường Tùng"
    assert data[0][5:10] == (2, 1, 2, 2, 1)
