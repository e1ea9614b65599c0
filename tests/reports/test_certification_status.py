"""Certification status by commune: the hand-counted record (see conftest), the 90-day window,
superseded certificates left out, link rate, the expiring list, scoping, exports, queries."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from certification.models import RENEWAL_WINDOW
from reports import queries
from reports.queries import ReportFilters
from tests.reports.conftest import client_for, unit
from tests.reports.helpers import (
    as_plain,
    as_value,
    count_queries,
    csv_rows,
    screen_tables,
    xlsx_sheet,
    xlsx_table,
)

pytestmark = pytest.mark.django_db

URL = "reports:certification"


def numbers(row):
    return (
        row.officers,
        row.linked,
        row.link_rate,
        row.certified,
        row.valid,
        row.expiring,
        row.expired,
        row.revoked,
    )


def by_code(rows):
    return {row.unit.code: row for row in rows}


def test_province_hr_gets_each_commune_counted_by_status(record, hr_province):
    rows = by_code(queries.certification_by_unit(hr_province, now=record.now))
    assert numbers(rows["03172"]) == (4, 1, 25.0, 1, 1, 0, 2, 0)
    assert numbers(rows["03181"]) == (4, 2, 50.0, 2, 1, 1, 0, 1)
    assert numbers(rows["11"]) == (2, 0, 0.0, 0, 0, 0, 0, 0)
    assert numbers(rows["03127"]) == (0, 0, None, 0, 0, 0, 0, 0)
    total = queries.total(rows.values(), queries.CertificationRow)
    assert numbers(total) == (10, 3, 30.0, 3, 2, 1, 2, 1)


def test_superseded_certificates_are_left_out_and_a_lapsed_valid_one_counts_as_expired(
    record, hr_na_sang
):
    (row,) = queries.certification_by_unit(hr_na_sang, now=record.now)
    # Six certificates in Na Sang's name: A1's superseded one is not counted anywhere.
    assert row.valid + row.expiring + row.expired + row.revoked == 3
    assert row.expired == 2  # A2 (recorded) and A3 (valid, past its expiry)


def test_the_ninety_day_window_includes_its_last_day(record, hr_muong_tung):
    assert datetime.timedelta(days=90) == RENEWAL_WINDOW
    now = record.now
    b3 = record.certificates["B3"]
    (row,) = queries.certification_by_unit(hr_muong_tung, now=now)
    assert (row.valid, row.expiring) == (1, 1)  # B3 expires in 91 days: still valid
    b3.expires_at = now + RENEWAL_WINDOW
    b3.save()
    (row,) = queries.certification_by_unit(hr_muong_tung, now=now)
    assert (row.valid, row.expiring) == (0, 2)
    assert [c.officer.full_name for c in queries.expiring_certificates(hr_muong_tung, now=now)] == [
        "Cà Thị Bốn",
        "Lò Thị Sáu",
    ]


def test_a_requested_account_is_not_a_link(record, hr_na_sang):
    (row,) = queries.certification_by_unit(hr_na_sang, now=record.now)
    assert record.officers["A2"].procedure_account_requested
    assert (row.linked, row.link_rate) == (1, 25.0)


def test_a_course_narrows_the_certificates_not_the_officers(record, hr_province):
    rows = by_code(
        queries.certification_by_unit(
            hr_province, ReportFilters(course=record.public_service), now=record.now
        )
    )
    assert numbers(rows["03172"]) == (4, 1, 25.0, 0, 0, 0, 0, 0)


def test_the_expiring_list_holds_only_certificates_in_force_within_the_window(record, hr_province):
    expiring = list(queries.expiring_certificates(hr_province, now=record.now))
    assert [certificate.code for certificate in expiring] == [record.certificates["B1"].code]
    # Ninety days on, B3 (91 days) is inside the window and B1 has lapsed.
    later = record.now + datetime.timedelta(days=31)
    assert [c.officer.full_name for c in queries.expiring_certificates(hr_province, now=later)] == [
        "Lò Thị Sáu"
    ]


def test_commune_hr_sees_only_their_commune(record, hr_na_sang, hr_muong_tung):
    assert [
        (row.unit.code, *numbers(row))
        for row in queries.certification_by_unit(hr_na_sang, now=record.now)
    ] == [("03172", 4, 1, 25.0, 1, 1, 0, 2, 0)]
    assert list(queries.expiring_certificates(hr_na_sang, now=record.now)) == []
    assert [
        (row.unit.code, *numbers(row))
        for row in queries.certification_by_unit(hr_muong_tung, now=record.now)
    ] == [("03181", 4, 2, 50.0, 2, 1, 1, 0, 1)]
    with pytest.raises(PermissionDenied):
        queries.certification_by_unit(hr_na_sang, ReportFilters(unit=unit("03181")))


def test_administrator_sees_provinces_then_communes(record, administrator):
    national = [row for row in queries.certification_by_unit(administrator) if row.officers]
    assert [(row.unit.code, *numbers(row)) for row in national] == [
        ("11", 10, 3, 30.0, 3, 2, 1, 2, 1)
    ]
    province = by_code(queries.certification_by_unit(administrator, ReportFilters(unit=unit("11"))))
    assert numbers(province["03181"]) == (4, 2, 50.0, 2, 1, 1, 0, 1)


def test_the_page_and_the_downloads_hold_the_same_numbers(record, hr_province):
    client = client_for(hr_province)
    page = client.get(reverse(URL))
    assert page.status_code == 200
    tables = screen_tables(page)
    rows = {row[0]: row for row in tables["units"][1:]}
    assert rows["03181"] == ["03181", "Xã Mường Tùng", "4", "2", "50.0", "2", "1", "1", "0", "1"]
    for table in ("units", "expiring"):
        shown = [[as_plain(cell) for cell in row] for row in tables[table]]
        spreadsheet = csv_rows(client.get(f"{reverse(URL)}?export=csv&table={table}"))
        assert [[as_value(cell) for cell in row] for row in spreadsheet] == shown
    sheet = xlsx_sheet(client.get(f"{reverse(URL)}?export=xlsx&table=units"))
    assert [[as_value(cell) for cell in row] for row in xlsx_table(sheet)] == [
        [as_plain(cell) for cell in row] for row in tables["units"]
    ]


def test_the_expiring_list_downloads_with_vietnamese_names_and_dates(record, hr_province):
    client = client_for(hr_province)
    b1 = record.certificates["B1"]
    rows = csv_rows(client.get(f"{reverse(URL)}?export=csv&table=expiring"))
    expires = timezone.localtime(b1.expires_at).date()
    assert rows[1] == [
        "Cà Thị Bốn",
        "03181",
        "Xã Mường Tùng",
        "Văn thư – lưu trữ (Văn phòng HĐND và UBND)",
        "Chữ ký số chuyên dùng công vụ",
        b1.code,
        expires.strftime("%d/%m/%Y"),
        "30",
        "b1.mt",
    ]
    sheet = xlsx_sheet(client.get(f"{reverse(URL)}?export=xlsx&table=expiring"))
    assert "Certificates expiring within 90 days" in sheet.cell(row=1, column=1).value
    first = xlsx_table(sheet)[1]
    assert first[0] == "Cà Thị Bốn"
    assert first[6].date() == expires


def test_a_unit_outside_the_scope_is_ignored_on_the_page(record, hr_na_sang):
    client = client_for(hr_na_sang)
    page = client.get(f"{reverse(URL)}?unit={unit('03181').pk}")
    assert [row[0] for row in screen_tables(page)["units"][1:]] == ["03172", ""]
    assert "Cà Thị Bốn" not in page.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_data(record, grow, hr_province):
    client = client_for(hr_province)

    def everything():
        queries.certification_by_unit(hr_province)
        list(queries.expiring_certificates(hr_province))

    def page():
        assert client.get(reverse(URL)).status_code == 200

    def download():
        assert client.get(f"{reverse(URL)}?export=xlsx&table=expiring").status_code == 200

    everything(), page()
    small = [count_queries(f)[0] for f in (everything, page, download)]
    grow(3)
    medium = [count_queries(f)[0] for f in (everything, page, download)]
    grow(12)
    large = [count_queries(f)[0] for f in (everything, page, download)]
    assert small == medium == large
    assert small[0] == 4  # officers, certificates, units; the expiring list
    assert len(list(queries.expiring_certificates(hr_province))) > 1


def test_a_long_expiring_list_is_cut_on_screen_but_downloads_whole(
    record, hr_province, monkeypatch
):
    from reports import views

    monkeypatch.setattr(views, "SCREEN_LIST_LIMIT", 1)
    b3 = record.certificates["B3"]
    b3.expires_at = record.now + datetime.timedelta(days=60)
    b3.save()
    client = client_for(hr_province)
    page = client.get(reverse(URL))
    assert [row[0] for row in screen_tables(page)["expiring"][1:]] == ["Cà Thị Bốn"]
    assert "The first 1 of 2 rows are shown" in page.content.decode()
    rows = csv_rows(client.get(f"{reverse(URL)}?export=csv&table=expiring"))
    assert [row[0] for row in rows[1:]] == ["Cà Thị Bốn", "Lò Thị Sáu"]
    # The other downloads are not held up by the list.
    assert csv_rows(client.get(f"{reverse(URL)}?export=csv&table=units"))[1][0] == "11"
