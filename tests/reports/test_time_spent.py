"""Time spent with the lessons, in the coverage report by course and in an officer's record.

The record of conftest.py, plus a reading lesson in SIG (so SIG has two lessons, PUB one) and
the time the server measured (LessonVisit.seconds_spent, every round):

    A1  SIG quiz lesson 600 s + reading 1,500 s = 2,100 s (35 min)   PUB 0 s (opened, no time)
    A2  SIG reading 90 s (1.5 min: 2 min)
    A3  SIG nothing; PUB 1,800 s, but A3 is not enrolled in PUB: not counted
    B1  SIG 3,600 s + 1,500 s = 5,100 s (85 min: 1 hour 25 minutes)  PUB 1,200 s (20 min)
    B2  SIG 20 s (under a minute)
    B3  PUB 2,700 s (45 min)
    hr.nasang (not enrolled) SIG 900 s: not counted

    Province (officers with time, seconds, average min, total min):
        SIG 4 (A1 A2 B1 B2), 7,310 s, 7,310 / 4 / 60 = 30.46 -> 30, 121.8 -> 122 (2 h 2 min)
        PUB 2 (B1 B3),       3,900 s, 3,900 / 2 / 60 = 32.5  -> 33, 65 (1 h 5 min)
    Na Sang:    SIG 2, 2,190 s, 18.25 -> 18, 36.5 -> 37;    PUB nobody: no average, no total
    Mường Tùng: SIG 2, 5,120 s, 42.67 -> 43, 85.3 -> 85;    PUB 2, 3,900 s, 33, 65
    Clerks (A1, B1): SIG 2, 7,200 s, 60, 120;               PUB 1 (B1), 1,200 s, 20, 20
"""

import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from courses.models import Enrolment, LessonPage, LessonVisit
from reports import competency, queries
from reports.queries import ReportFilters
from tests.reports.conftest import client_for, publish, unit
from tests.reports.helpers import (
    MINUTES,
    as_downloaded,
    as_value,
    count_queries,
    csv_rows,
    minutes_of,
    screen_tables,
    xlsx_sheet,
    xlsx_table,
)

pytestmark = pytest.mark.django_db

URL = "reports:coverage"
AVERAGE = "Average time per officer with time recorded"
TOTAL = "Total time"


def visit(officer, lesson, seconds):
    now = timezone.now()
    return LessonVisit.objects.create(
        officer=officer,
        lesson=lesson,
        opened_at=now - datetime.timedelta(seconds=seconds),
        last_seen_at=now,
        seconds_spent=seconds,
    )


@pytest.fixture
def times(record, hr_na_sang):
    o = record.officers
    sig_quiz = LessonPage.objects.child_of(record.signature).get()
    sig_reading = publish(
        record.signature,
        LessonPage(
            title="Đọc: chữ ký số",
            slug="doc-chu-ky-so",
            body=[{"type": "text", "value": "<p>Bài đọc.</p>"}],
        ),
    )
    pub = LessonPage.objects.child_of(record.public_service).get()
    visit(o["A1"], sig_quiz, 600)
    visit(o["A1"], sig_reading, 1500)
    visit(o["A1"], pub, 0)
    visit(o["A2"], sig_reading, 90)
    visit(o["A3"], pub, 1800)
    visit(o["B1"], sig_quiz, 3600)
    visit(o["B1"], sig_reading, 1500)
    visit(o["B1"], pub, 1200)
    visit(o["B2"], sig_quiz, 20)
    visit(o["B3"], pub, 2700)
    visit(hr_na_sang.officer, sig_reading, 900)
    return record


def times_of(rows):
    return [
        (
            row.title,
            row.officers_with_time,
            row.seconds_spent,
            row.average_minutes,
            row.minutes_spent,
        )
        for row in rows
    ]


SIG, PUB = "Chữ ký số chuyên dùng công vụ", "Dịch vụ công trực tuyến"


# --- the figures ------------------------------------------------------------------------------


def test_time_per_course_against_the_hand_counted_record(times, hr_province):
    assert times_of(queries.coverage_by_course(hr_province)) == [
        (SIG, 4, 7310, 30, 122),
        (PUB, 2, 3900, 33, 65),  # 32.5 minutes: half a minute rounds up
    ]


def test_only_enrolled_officers_time_with_the_course_s_own_lessons_counts(times, hr_province):
    # A3's time with PUB counts once A3 is enrolled in it (every round's time is kept).
    Enrolment.objects.create(
        officer=times.officers["A3"], course=times.public_service, source=Enrolment.Source.SELF
    )
    rows = times_of(queries.coverage_by_course(hr_province))
    assert rows[1] == (PUB, 3, 5700, 32, 95)
    assert rows[0] == (SIG, 4, 7310, 30, 122)  # still without hr.nasang's, not enrolled


def test_commune_hr_sees_the_time_of_their_commune_only(times, hr_na_sang, hr_muong_tung):
    assert times_of(queries.coverage_by_course(hr_na_sang)) == [
        (SIG, 2, 2190, 18, 37),
        (PUB, 0, 0, None, None),
    ]
    assert times_of(queries.coverage_by_course(hr_muong_tung)) == [
        (SIG, 2, 5120, 43, 85),
        (PUB, 2, 3900, 33, 65),
    ]


def test_filters_narrow_the_time_as_they_narrow_the_enrolments(times, hr_province, administrator):
    clerk = times.officers["A1"].job_position
    assert times_of(queries.coverage_by_course(hr_province, ReportFilters(job_position=clerk))) == [
        (SIG, 2, 7200, 60, 120),
        (PUB, 1, 1200, 20, 20),
    ]
    signature = ReportFilters(course=times.signature)
    assert times_of(queries.coverage_by_course(hr_province, signature)) == [(SIG, 4, 7310, 30, 122)]
    track = ReportFilters(track=times.track)
    assert times_of(queries.coverage_by_course(hr_province, track)) == times_of(
        queries.coverage_by_course(hr_province)
    )
    enrolled_on = times.today - datetime.timedelta(days=100)
    before = ReportFilters(date_to=enrolled_on - datetime.timedelta(days=1))
    assert queries.coverage_by_course(hr_province, before) == []
    muong_tung = ReportFilters(unit=unit("03181"))
    assert times_of(queries.coverage_by_course(administrator, muong_tung)) == [
        (SIG, 2, 5120, 43, 85),
        (PUB, 2, 3900, 33, 65),
    ]


def test_durations_are_whole_minutes_said_in_hours_and_minutes():
    assert [queries.whole_minutes(s) for s in (0, 29, 30, 89, 90, 3600)] == [0, 0, 1, 1, 2, 60]
    assert queries.whole_minutes(3900, 2) == 33 and queries.whole_minutes(7310, 4) == 30
    with translation.override("en"):
        labels = [queries.duration_label(m) for m in (None, 0, 1, 25, 60, 85, 121, 150_000)]
    assert [label and " ".join(label.split()) for label in labels] == [
        None,
        "under a minute",
        "1 minute",
        "25 minutes",
        "1 hour",
        "1 hour 25 minutes",
        "2 hours 1 minute",
        "2,500 hours",
    ]
    # A number never wraps away from its unit.
    assert "\xa0" in labels[5] and "1\xa0hour" in labels[5]


# --- the coverage page and its downloads -------------------------------------------------------


def test_the_course_table_shows_the_times_and_the_downloads_the_same_in_minutes(times, hr_province):
    client = client_for(hr_province)
    screen = screen_tables(client.get(reverse(URL)))["courses"]
    assert screen[0][-3:] == ["Officers with time recorded", AVERAGE, TOTAL]
    assert screen[1][-3:] == ["4", "30 minutes", "2 hours 2 minutes"]
    assert screen[2][-3:] == ["2", "33 minutes", "1 hour 5 minutes"]

    spreadsheet = csv_rows(client.get(f"{reverse(URL)}?export=csv&table=courses"))
    assert spreadsheet[0][-2:] == [AVERAGE + MINUTES, TOTAL + MINUTES]
    assert [row[-3:] for row in spreadsheet[1:]] == [["4", "30", "122"], ["2", "33", "65"]]
    shown = as_downloaded(screen, spreadsheet[0])
    assert [[as_value(cell) for cell in row] for row in spreadsheet] == shown

    sheet = xlsx_sheet(client.get(f"{reverse(URL)}?export=xlsx&table=courses"))
    table = xlsx_table(sheet)
    assert [row[-3:] for row in table[1:]] == [[4, 30, 122], [2, 33, 65]]
    assert [[as_value(cell) for cell in row] for row in table] == shown


def test_commune_hr_page_and_download_carry_no_other_commune_s_time(times, hr_na_sang):
    client = client_for(hr_na_sang)
    screen = screen_tables(client.get(reverse(URL)))["courses"]
    assert [row[-3:] for row in screen[1:]] == [
        ["2", "18 minutes", "37 minutes"],
        ["0", "—", "—"],
    ]
    spreadsheet = csv_rows(client.get(f"{reverse(URL)}?export=csv&table=courses"))
    assert [row[-3:] for row in spreadsheet[1:]] == [["2", "18", "37"], ["0", "", ""]]


# --- the officer record --------------------------------------------------------------------------


def minutes_by_course(record):
    return {e.course.title: record.minutes_spent(e) for e in record.enrolments}


def test_the_officer_record_gives_the_time_of_each_enrolment(times):
    o = times.officers
    assert minutes_by_course(competency.officer_record(o["B1"])) == {SIG: 85, PUB: 20}
    assert minutes_by_course(competency.officer_record(o["A1"])) == {SIG: 35, PUB: None}
    assert minutes_by_course(competency.officer_record(o["B2"])) == {SIG: 0}
    # A3 spent time with PUB without being enrolled in it: the record lists enrolments only.
    assert minutes_by_course(competency.officer_record(o["A3"])) == {SIG: None}
    with translation.override("en"):
        labels = dict(
            (e.course.title, label and " ".join(label.split()))
            for e, label in competency.officer_record(o["B1"]).enrolment_times
        )
    assert labels == {SIG: "1 hour 25 minutes", PUB: "20 minutes"}


def shown_times(response):
    cells = re.findall(r"<td data-time-spent>(.*?)</td>", response.content.decode(), re.S)
    return [" ".join(cell.split()) for cell in cells]


def test_the_record_page_and_its_download_show_the_same_time(times, hr_muong_tung):
    b1 = times.officers["B1"]
    client = client_for(hr_muong_tung)
    page = client.get(reverse("reports:officer", args=[b1.pk]))
    record = competency.officer_record(b1)
    expected = {SIG: "1 hour 25 minutes", PUB: "20 minutes"}
    assert shown_times(page) == [expected[e.course.title] for e in record.enrolments]
    b2_page = client.get(reverse("reports:officer", args=[times.officers["B2"].pk]))
    assert shown_times(b2_page) == ["under a minute"]

    response = client.get(reverse("reports:officer_xlsx", args=[b1.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    enrolments = workbook.worksheets[1]
    rows = list(enrolments.iter_rows(min_row=5, values_only=True))
    assert rows[0][-1] == "Time spent (minutes)"
    assert {row[0]: row[-1] for row in rows[1:]} == {SIG: 85, PUB: 20}
    assert [minutes_of(text) for text in shown_times(page)] == [row[-1] for row in rows[1:]]


def test_hr_of_one_commune_cannot_see_another_commune_s_officer_time(times, hr_na_sang):
    b1 = times.officers["B1"]
    client = client_for(hr_na_sang)
    assert client.get(reverse("reports:officer", args=[b1.pk])).status_code == 404
    assert client.get(reverse("reports:officer_xlsx", args=[b1.pk])).status_code == 404


# --- queries ------------------------------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_officers_or_visits(times, grow, hr_province):
    queries.coverage_by_course(hr_province)  # warm up the user's cached role and scope
    small = count_queries(queries.coverage_by_course, hr_province)[0]
    record_small = count_queries(competency.officer_record, times.officers["B1"])[0]
    grow(10)  # 20 more officers, each with time spent on every lesson
    assert count_queries(queries.coverage_by_course, hr_province)[0] == small == 4
    assert count_queries(competency.officer_record, times.officers["B1"])[0] == record_small
    rows = queries.coverage_by_course(hr_province)
    assert [row.officers_with_time for row in rows] == [4 + 20, 2 + 20]
