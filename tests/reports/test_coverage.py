"""Coverage by commune: numbers against the hand-counted record (see conftest), scoping, the
administrator's national roll-up and drill-down, exports, and a constant number of queries."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from reports import queries
from reports.queries import ReportFilters, Status
from reports.views import CoverageReportView
from tests.factories import officer_with_role
from tests.reports.conftest import client_for, unit
from tests.reports.helpers import (
    as_downloaded,
    as_value,
    count_queries,
    csv_rows,
    screen_tables,
    xlsx_sheet,
    xlsx_table,
)

pytestmark = pytest.mark.django_db

URL = "reports:coverage"


def numbers(row):
    return (
        row.officers,
        row.enrolled,
        row.enrolments,
        row.completed,
        row.completion_rate,
        row.overdue,
        row.status,
    )


def by_code(rows):
    return {row.unit.code: row for row in rows}


# --- the numbers ------------------------------------------------------------------------------


def test_province_hr_gets_one_row_per_commune_with_the_hand_counted_numbers(record, hr_province):
    rows = by_code(queries.coverage_by_unit(hr_province))
    assert numbers(rows["03172"]) == (4, 3, 5, 2, 40.0, 1, Status.RED)
    assert numbers(rows["03181"]) == (4, 3, 5, 4, 80.0, 1, Status.GREEN)
    assert rows["03172"].enrolment_rate == 75.0
    # Every commune of Điện Biên has its row, the empty ones with no status.
    communes = unit("11").children.filter(level=3, valid_to__isnull=True).count()
    assert sum(1 for row in rows.values() if row.unit.level == 3) == communes
    assert numbers(rows["03127"]) == (0, 0, 0, 0, None, 0, None)
    # Provincial staff (the two provincial accounts) have a row of their own: nobody enrolled.
    assert numbers(rows["11"]) == (2, 0, 0, 0, None, 0, Status.RED)
    total = queries.total(rows.values())
    assert numbers(total) == (10, 6, 10, 6, 60.0, 2, Status.AMBER)


def test_a_course_or_a_track_narrows_the_enrolments(record, hr_province):
    signature = by_code(
        queries.coverage_by_unit(hr_province, ReportFilters(course=record.signature))
    )
    assert numbers(signature["03172"]) == (4, 3, 3, 1, 33.3, 1, Status.RED)
    assert numbers(signature["03181"]) == (4, 3, 3, 2, 66.7, 1, Status.AMBER)
    public = by_code(
        queries.coverage_by_unit(hr_province, ReportFilters(course=record.public_service))
    )
    assert numbers(public["03172"]) == (4, 2, 2, 1, 50.0, 0, Status.AMBER)
    assert numbers(public["03181"]) == (4, 2, 2, 2, 100.0, 0, Status.GREEN)
    track = by_code(queries.coverage_by_unit(hr_province, ReportFilters(track=record.track)))
    assert numbers(track["03172"]) == (4, 3, 5, 2, 40.0, 1, Status.RED)


def test_a_job_position_narrows_the_officers(record, hr_province):
    clerk = record.officers["A1"].job_position
    rows = by_code(queries.coverage_by_unit(hr_province, ReportFilters(job_position=clerk)))
    assert numbers(rows["03172"]) == (1, 1, 2, 2, 100.0, 0, Status.GREEN)  # A1
    assert numbers(rows["03181"]) == (1, 1, 2, 2, 100.0, 0, Status.GREEN)  # B1


def test_the_enrolment_period_narrows_the_enrolments(record, hr_province):
    enrolled_on = record.today - datetime.timedelta(days=100)
    inside = ReportFilters(date_from=enrolled_on, date_to=enrolled_on)
    assert numbers(by_code(queries.coverage_by_unit(hr_province, inside))["03172"])[:4] == (
        4,
        3,
        5,
        2,
    )
    before = ReportFilters(date_to=enrolled_on - datetime.timedelta(days=1))
    assert numbers(by_code(queries.coverage_by_unit(hr_province, before))["03172"]) == (
        4,
        0,
        0,
        0,
        None,
        0,
        Status.RED,
    )


def test_overdue_follows_the_enrolment_rule(record, hr_province):
    # A week on, A3's deadline (+30 days) has not passed; a month and a half on it has.
    later = record.today + datetime.timedelta(days=45)
    rows = by_code(queries.coverage_by_unit(hr_province, today=later))
    assert rows["03172"].overdue == 2
    assert queries.overdue_q(record.today) is not None


def test_per_course_and_per_track(record, hr_province):
    courses = queries.coverage_by_course(hr_province)
    assert [
        (row.track, row.title, row.enrolments, row.completed, row.completion_rate, row.overdue)
        for row in courses
    ] == [
        ("Chữ ký số và văn bản điện tử", "Chữ ký số chuyên dùng công vụ", 6, 3, 50.0, 2),
        ("Chữ ký số và văn bản điện tử", "Dịch vụ công trực tuyến", 4, 3, 75.0, 0),
    ]
    tracks = queries.coverage_by_track(hr_province)
    assert [
        (row.title, row.enrolled, row.enrolments, row.completed, row.completion_rate, row.overdue)
        for row in tracks
    ] == [("Chữ ký số và văn bản điện tử", 6, 10, 6, 60.0, 2)]


def test_lagging_units_are_red_or_amber_worst_first(record, hr_province):
    assert (queries.RED_BELOW, queries.AMBER_BELOW) == (50.0, 80.0)
    rows = queries.coverage_by_unit(hr_province, ReportFilters(course=record.signature))
    assert [(row.unit.code, row.status) for row in queries.lagging_units(rows)] == [
        ("11", Status.RED),  # provincial staff: nobody enrolled
        ("03172", Status.RED),  # 33.3 %
        ("03181", Status.AMBER),  # 66.7 %
    ]
    assert [queries.status_of(rate) for rate in (None, 0, 49.9, 50, 79.9, 80, 100)] == [
        Status.RED,
        Status.RED,
        Status.RED,
        Status.AMBER,
        Status.AMBER,
        Status.GREEN,
        Status.GREEN,
    ]


def test_completions_per_month_over_the_last_twelve_months(record, hr_province, hr_na_sang):
    trend = queries.completions_by_month(hr_province)
    assert len(trend) == 12
    assert [count for _month, count in trend] == [0] * 9 + [1, 2, 3]
    assert trend[-1][0] == record.today.replace(day=1)
    # Na Sang alone: A1's two completions.
    assert [count for _month, count in queries.completions_by_month(hr_na_sang)][-3:] == [1, 0, 1]


# --- scope ------------------------------------------------------------------------------------


def test_commune_hr_sees_only_their_commune(record, hr_na_sang, hr_muong_tung):
    na_sang = queries.coverage_by_unit(hr_na_sang)
    assert [(row.unit.code, *numbers(row)) for row in na_sang] == [
        ("03172", 4, 3, 5, 2, 40.0, 1, Status.RED)
    ]
    muong_tung = queries.coverage_by_unit(hr_muong_tung)
    assert [(row.unit.code, *numbers(row)) for row in muong_tung] == [
        ("03181", 4, 3, 5, 4, 80.0, 1, Status.GREEN)
    ]
    assert [row.enrolments for row in queries.coverage_by_course(hr_na_sang)] == [3, 2]


def test_a_unit_outside_the_scope_is_refused_by_the_queries(record, hr_na_sang):
    with pytest.raises(PermissionDenied):
        queries.coverage_by_unit(hr_na_sang, ReportFilters(unit=unit("03181")))
    with pytest.raises(PermissionDenied):
        queries.coverage_by_unit(hr_na_sang, ReportFilters(unit=unit("11")))


def test_someone_without_a_scope_gets_no_report(record, learner, trainer):
    for user in (learner, trainer):
        with pytest.raises(PermissionDenied):
            queries.coverage_by_unit(user)


def test_administrator_sees_a_national_roll_up_by_province_then_drills_down(record, administrator):
    national = queries.coverage_by_unit(administrator)
    assert {row.unit.level for row in national} == {1}
    assert [(row.unit.code, *numbers(row)) for row in national if row.officers] == [
        ("11", 10, 6, 10, 6, 60.0, 2, Status.AMBER)
    ]
    province = by_code(queries.coverage_by_unit(administrator, ReportFilters(unit=unit("11"))))
    assert numbers(province["03172"]) == (4, 3, 5, 2, 40.0, 1, Status.RED)
    commune = queries.coverage_by_unit(administrator, ReportFilters(unit=unit("03181")))
    assert [row.unit.code for row in commune] == ["03181"]


# --- the admin page ---------------------------------------------------------------------------


def test_the_page_shows_the_numbers_and_the_charts(record, hr_province):
    response = client_for(hr_province).get(reverse(URL))
    assert response.status_code == 200
    tables = screen_tables(response)
    rows = {row[0]: row for row in tables["units"][1:]}
    assert rows["03172"] == ["03172", "Xã Na Sang", "4", "3", "75.0", "5", "2", "40.0", "1", "Red"]
    assert rows[""][1:] == ["Total", "10", "6", "60.0", "10", "6", "60.0", "2", "Amber"]
    assert [row[0] for row in tables["lagging"][1:]] == ["11", "03172"]
    assert "<svg" in response.content.decode()
    page = response.content.decode()
    assert page.count('fill="#c9302c"') == 2  # red bars: the provincial staff and Na Sang


@pytest.mark.parametrize("table", ["units", "lagging", "courses", "tracks", "trend"])
def test_downloads_hold_what_the_screen_shows(record, hr_province, table):
    client = client_for(hr_province)
    query = f"course={record.signature.pk}"
    screen = screen_tables(client.get(f"{reverse(URL)}?{query}"))[table]

    spreadsheet = csv_rows(client.get(f"{reverse(URL)}?{query}&export=csv&table={table}"))
    shown = as_downloaded(screen, spreadsheet[0])
    assert [[as_value(cell) for cell in row] for row in spreadsheet] == shown

    sheet = xlsx_sheet(client.get(f"{reverse(URL)}?{query}&export=xlsx&table={table}"))
    assert [[as_value(cell) for cell in row] for row in xlsx_table(sheet)] == shown


def test_the_xlsx_title_block_names_the_report_scope_filters_time_and_person(record, hr_province):
    client = client_for(hr_province)
    response = client.get(f"{reverse(URL)}?course={record.signature.pk}&export=xlsx")
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = xlsx_sheet(response)
    lines = [sheet.cell(row=n, column=1).value for n in range(1, 6)]
    with translation.override("en"):  # the test client reads the admin in English
        assert lines[0].startswith(str(CoverageReportView.page_title))
    assert "Tỉnh Điện Biên (11)" in lines[1]
    assert "Chữ ký số chuyên dùng công vụ" in lines[2]
    assert timezone.localdate().strftime("%d/%m/%Y") in lines[3]
    assert lines[4].endswith("(hr.dienbien)")
    assert sheet.cell(row=6, column=1).value is None  # a blank row before the table
    table = xlsx_table(sheet)
    assert ["03172", "Xã Na Sang", 4, 3, 75.0, 3, 1, 33.3, 1, "Red"] in table


def test_the_csv_download_starts_with_a_bom_and_keeps_vietnamese_letters(record, hr_province):
    response = client_for(hr_province).get(f"{reverse(URL)}?export=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert ["03181", "Xã Mường Tùng", "4", "3", "75.0", "5", "4", "80.0", "1", "Green"] in rows


def test_commune_hr_page_and_download_show_only_their_commune(record, hr_na_sang, hr_muong_tung):
    page = client_for(hr_na_sang).get(reverse(URL))
    assert [row[0] for row in screen_tables(page)["units"][1:]] == ["03172", ""]
    assert "Xã Mường Tùng" not in page.content.decode()
    rows = csv_rows(client_for(hr_muong_tung).get(f"{reverse(URL)}?export=csv"))
    assert rows[1][:2] == ["03181", "Xã Mường Tùng"]
    assert "Xã Na Sang" not in str(rows)


def test_a_unit_filter_outside_the_scope_is_ignored_never_shown(record, hr_na_sang):
    client = client_for(hr_na_sang)
    other = unit("03181")
    page = client.get(f"{reverse(URL)}?unit={other.pk}")
    assert page.status_code == 200
    assert [row[0] for row in screen_tables(page)["units"][1:]] == ["03172", ""]
    assert "Xã Mường Tùng" not in page.content.decode()
    rows = csv_rows(client.get(f"{reverse(URL)}?unit={other.pk}&export=csv"))
    assert [row[0] for row in rows[1:]] == ["03172", ""]


def test_administrator_drills_down_from_the_province_row(record, administrator):
    client = client_for(administrator)
    page = client.get(reverse(URL))
    tables = screen_tables(page)
    assert [row[:2] for row in tables["units"][1:]] == [["11", "Tỉnh Điện Biên"], ["", "Total"]]
    drill = f"{reverse(URL)}?unit={unit('11').pk}"
    assert drill in page.content.decode()
    province = client.get(drill)
    rows = {row[0]: row for row in screen_tables(province)["units"][1:]}
    assert rows["03172"][2:8] == ["4", "3", "75.0", "5", "2", "40.0"]


def refused(response):
    """Wagtail answers a refusal with a redirect: to the login page for someone without admin
    access, to the admin's home (with a message) for someone without the permission."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"].split("?")[0] in LANDINGS
    )


LANDINGS = ("/admin/login/", "/admin/")


def test_learners_and_trainers_cannot_open_the_reports(record, learner, trainer):
    for name in ("reports:coverage", "reports:certification", "reports:assessments"):
        for user in (learner, trainer):
            client = client_for(user)
            for query in ("", "?export=csv", "?export=xlsx&table=units"):
                assert refused(client.get(f"{reverse(name)}{query}")), (user, name, query)
            assert refused(client.get(reverse(f"{name}_results")))


def test_hr_without_an_officer_profile_cannot_open_the_reports(record):
    from officers import roles

    hr = officer_with_role(roles.HR, "03172", username="hr.khong-ho-so").user
    hr.officer.delete()
    hr.refresh_from_db()
    assert refused(client_for(hr).get(reverse(URL)))
    assert refused(client_for(hr).get(f"{reverse(URL)}?export=csv"))


def test_the_reports_menu_shows_for_hr_and_administrators_only(record, hr_na_sang, trainer):
    home = reverse("wagtailadmin_home")
    assert reverse(URL) in client_for(hr_na_sang).get(home).content.decode()
    assert reverse(URL) not in client_for(trainer).get(home).content.decode()


# --- queries ----------------------------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_the_data(record, grow, hr_province):
    client = client_for(hr_province)
    client.get(reverse(URL))  # warm up: sessions, permissions, content types

    def everything():
        queries.coverage_by_unit(hr_province)
        queries.coverage_by_course(hr_province)
        queries.coverage_by_track(hr_province)
        queries.completions_by_month(hr_province)

    def page():
        assert client.get(reverse(URL)).status_code == 200

    def download():
        assert client.get(f"{reverse(URL)}?export=xlsx").status_code == 200

    everything()  # warm up the user's cached role, officer and permissions
    small = [count_queries(f)[0] for f in (everything, page, download)]
    grow(3)
    medium = [count_queries(f)[0] for f in (everything, page, download)]
    grow(12)
    large = [count_queries(f)[0] for f in (everything, page, download)]
    assert small == medium == large
    assert small[0] == 10  # 3 by unit, 4 by course (2 for the time spent), 2 by track, 1 a month
    assert queries.total(queries.coverage_by_unit(hr_province)).officers == 10 + 2 * 15
