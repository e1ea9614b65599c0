"""Assessment summary per quiz: the hand-counted record (see conftest), the grading methods and
rounds as assessments.attempts.final_attempt has them, filters, scoping, exports, queries."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from assessments.attempts import final_attempt, has_passed
from assessments.models import Attempt, Quiz
from courses.models import Enrolment
from officers.models import Officer
from reports import queries
from reports.queries import ReportFilters
from tests.reports.conftest import attempt, client_for, unit
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

URL = "reports:assessments"


def summary(user, filters=queries.NO_FILTERS):
    return {
        row.title: (row.attempts, row.officers, row.passed, row.pass_rate, row.average)
        for row in queries.assessment_summary(user, filters)
    }


def test_each_quiz_counted_by_its_own_grading_method(record, hr_province):
    assert summary(hr_province) == {
        # highest: A1 90 (pass), A2 50, B1 85 (pass); in-progress attempts do not count
        "Kiểm tra chữ ký số": (5, 3, 2, 66.7, 75.0),
        # last: A1 60 (fail, though the first passed), B3 75 (pass); marking pending: no count
        "Kiểm tra dịch vụ công": (4, 2, 1, 50.0, 67.5),
        # first: A3 40 (fail, though the second passed), B3 55 (pass)
        "Khảo sát đầu vào": (3, 2, 1, 50.0, 47.5),
    }
    assert [row.title for row in queries.assessment_summary(hr_province)] == [
        "Khảo sát đầu vào",
        "Kiểm tra chữ ký số",
        "Kiểm tra dịch vụ công",
    ]


def expected_from_final_attempt(user):
    """The same summary worked out per officer with assessments.attempts (tests only)."""
    expected = {}
    officers = Officer.objects.visible_to(user)
    for quiz in Quiz.objects.all():
        finished = Attempt.objects.filter(
            quiz=quiz, officer__in=officers, state=Attempt.State.FINISHED
        )
        attempted = {a.officer for a in finished.select_related("officer")}
        if not attempted:
            continue
        finals = [final_attempt(officer, quiz) for officer in attempted]
        finals = [a for a in finals if a is not None]
        passed = sum(1 for officer in attempted if has_passed(officer, quiz))
        average = round(float(sum(a.percent for a in finals) / len(finals)), 1) if finals else None
        expected[quiz.title] = (
            finished.count(),
            len(attempted),
            passed,
            queries.percent(passed, len(attempted)),
            average,
        )
    return expected


def test_the_sql_agrees_with_final_attempt_for_every_officer(record, hr_province):
    assert summary(hr_province) == expected_from_final_attempt(hr_province)


def test_a_new_round_leaves_earlier_attempts_out_of_the_pass_rate(record, hr_province):
    now = timezone.now()
    a1 = record.officers["A1"]
    # A1 takes the signature course again: their 90 % from the earlier round no longer counts.
    Enrolment.objects.filter(officer=a1, course=record.signature).update(
        round_started_at=now - datetime.timedelta(days=1)
    )
    assert not has_passed(a1, record.quizzes["sig"])
    assert summary(hr_province)["Kiểm tra chữ ký số"] == (5, 3, 1, 33.3, 67.5)
    # A first attempt in the new round, failed: it is now their final attempt.
    attempt(record.quizzes["sig"], a1, 3, 40, at=now)
    assert final_attempt(a1, record.quizzes["sig"]).number == 3
    assert summary(hr_province)["Kiểm tra chữ ký số"] == (6, 3, 1, 33.3, 58.3)
    # The quizzes of other courses keep every attempt.
    assert summary(hr_province)["Kiểm tra dịch vụ công"] == (4, 2, 1, 50.0, 67.5)
    assert summary(hr_province) == expected_from_final_attempt(hr_province)


def test_a_tie_on_the_highest_score_goes_to_the_earlier_attempt(record, hr_na_sang):
    a2 = record.officers["A2"]
    sig = record.quizzes["sig"]
    attempt(sig, a2, 2, 50)
    # Same score twice; say the first passed (the pass mark was lower then), the second not.
    Attempt.objects.filter(quiz=sig, officer=a2, number=1).update(passed=True)
    assert final_attempt(a2, sig).number == 1
    assert summary(hr_na_sang)["Kiểm tra chữ ký số"] == (4, 2, 2, 100.0, 70.0)
    assert summary(hr_na_sang) == expected_from_final_attempt(hr_na_sang)


def test_a_course_or_a_track_keeps_the_quizzes_placed_in_it(record, hr_province):
    assert list(summary(hr_province, ReportFilters(course=record.signature))) == [
        "Kiểm tra chữ ký số"
    ]
    assert list(summary(hr_province, ReportFilters(track=record.track))) == [
        "Kiểm tra chữ ký số",
        "Kiểm tra dịch vụ công",
    ]


def test_the_submission_period_narrows_the_attempts(record, hr_province):
    # Attempt n was submitted 20 - n days ago: the last fortnight keeps none of the first ones.
    since = timezone.localdate() - datetime.timedelta(days=18)
    recent = summary(hr_province, ReportFilters(date_from=since))
    assert recent["Kiểm tra chữ ký số"] == (2, 2, 1, 50.0, 80.0)  # A1 90 (pass), B1 70
    assert summary(hr_province, ReportFilters(date_to=since - datetime.timedelta(days=5))) == {}


def test_a_job_position_narrows_the_officers(record, hr_province):
    clerk = record.officers["A1"].job_position
    assert summary(hr_province, ReportFilters(job_position=clerk)) == {
        "Kiểm tra chữ ký số": (4, 2, 2, 100.0, 87.5),
        "Kiểm tra dịch vụ công": (2, 1, 0, 0.0, 60.0),
    }


def test_commune_hr_sees_only_their_officers(record, hr_na_sang, hr_muong_tung):
    assert summary(hr_na_sang) == {
        "Khảo sát đầu vào": (2, 1, 0, 0.0, 40.0),
        "Kiểm tra chữ ký số": (3, 2, 1, 50.0, 70.0),
        "Kiểm tra dịch vụ công": (2, 1, 0, 0.0, 60.0),
    }
    assert summary(hr_muong_tung) == {
        "Khảo sát đầu vào": (1, 1, 1, 100.0, 55.0),
        "Kiểm tra chữ ký số": (2, 1, 1, 100.0, 85.0),
        "Kiểm tra dịch vụ công": (2, 1, 1, 100.0, 75.0),
    }
    with pytest.raises(PermissionDenied):
        queries.assessment_summary(hr_muong_tung, ReportFilters(unit=unit("03172")))


def test_the_page_and_the_downloads_hold_the_same_numbers(record, hr_province):
    client = client_for(hr_province)
    page = client.get(reverse(URL))
    assert page.status_code == 200
    table = screen_tables(page)["quizzes"]
    assert table[2] == ["Kiểm tra chữ ký số", "5", "3", "2", "66.7", "75.0"]
    shown = [[as_plain(cell) for cell in row] for row in table]
    spreadsheet = csv_rows(client.get(f"{reverse(URL)}?export=csv"))
    assert [[as_value(cell) for cell in row] for row in spreadsheet] == shown
    sheet = xlsx_sheet(client.get(f"{reverse(URL)}?export=xlsx"))
    assert [[as_value(cell) for cell in row] for row in xlsx_table(sheet)] == shown
    assert "Tỉnh Điện Biên (11)" in sheet.cell(row=2, column=1).value


def test_the_period_filter_appears_in_the_title_block(record, hr_province):
    client = client_for(hr_province)
    response = client.get(
        f"{reverse(URL)}?submitted_from=2026-01-01&submitted_to=2026-03-31&export=xlsx"
    )
    filters_line = xlsx_sheet(response).cell(row=3, column=1).value
    assert "01/01/2026 – 31/03/2026" in filters_line


def test_the_number_of_queries_does_not_grow_with_the_data(record, grow, hr_province):
    client = client_for(hr_province)

    def everything():
        queries.assessment_summary(hr_province)

    def page():
        assert client.get(reverse(URL)).status_code == 200

    def download():
        assert client.get(f"{reverse(URL)}?export=csv").status_code == 200

    everything(), page()
    small = [count_queries(f)[0] for f in (everything, page, download)]
    grow(3)
    # A new round somewhere brings the round conditions into the SQL, not more queries.
    Enrolment.objects.filter(officer=record.officers["B1"]).update(round_started_at=timezone.now())
    medium = [count_queries(f)[0] for f in (everything, page, download)]
    grow(12)
    large = [count_queries(f)[0] for f in (everything, page, download)]
    assert small == medium == large
    assert small[0] == 6  # where quizzes are placed (3 queries), then 2 counts
