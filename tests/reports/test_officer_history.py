"""One officer's record (drill-down from the competency matrix and the officer search).

The record of test_competency.py, plus for Lò Văn An (Xã Na Sang, van-thu):
    enrolments: SIG completed (self), DOC completed (self), PUB assigned with a deadline
                yesterday, not completed -> overdue
    attempts of "Kiểm tra chữ ký số": #1 finished 60 % not passed, #2 finished 90 % passed,
                #3 in progress; of "Kiểm tra dịch vụ công": #1 waiting for marking
    certificates: KNS-TEST-0001 of SIG, valid, expiring in a year
    procedure-system account: an.nasang
"""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Attempt, Quiz
from certification.models import Certificate
from courses.models import Enrolment, LessonPage, LessonVisit
from reports import competency
from tests.reports.test_competency import build_matrix_data, client_for


def attempt(quiz, officer, number, percent, state=Attempt.State.FINISHED, days_ago=1):
    at = timezone.now() - datetime.timedelta(days=days_ago)
    finished = state == Attempt.State.FINISHED
    return Attempt.objects.create(
        quiz=quiz,
        officer=officer,
        number=number,
        state=state,
        started_at=at - datetime.timedelta(minutes=20),
        submitted_at=None if state == Attempt.State.IN_PROGRESS else at,
        max_score=Decimal("10"),
        score=Decimal(percent) / 10 if finished else None,
        percent=Decimal(percent) if finished else None,
        passed=(Decimal(percent) >= quiz.pass_mark) if finished else None,
    )


@pytest.fixture
def an(hr_na_sang, hr_muong_tung, hr_province, administrator):
    people, courses = build_matrix_data()
    an = people["An"]
    an.procedure_account = "an.nasang"
    an.save()
    Enrolment.objects.create(
        officer=an,
        course=courses["PUB"],
        source=Enrolment.Source.ASSIGNED,
        deadline=timezone.localdate() - datetime.timedelta(days=1),
    )
    signature = Quiz.objects.create(slug="q-cks", title="Kiểm tra chữ ký số")
    public = Quiz.objects.create(slug="q-dvc", title="Kiểm tra dịch vụ công")
    attempt(signature, an, 1, 60, days_ago=9)
    attempt(signature, an, 2, 90, days_ago=8)
    attempt(signature, an, 3, 0, state=Attempt.State.IN_PROGRESS)
    attempt(public, an, 1, 0, state=Attempt.State.NEEDS_MARKING, days_ago=5)
    Certificate.objects.create(
        code="KNS-TEST-0001",
        officer=an,
        course=courses["SIG"],
        course_title="Chữ ký số",
        skills=[{"code": "IU01", "name": "Hiểu biết về CNTT cơ bản"}],
        issued_at=timezone.now() - datetime.timedelta(days=10),
        expires_at=timezone.now() + datetime.timedelta(days=365),
    )
    return an, people, courses


def test_record_lists_enrolments_attempts_certificates(an):
    an, _people, _courses = an
    record = competency.officer_record(an)
    assert sorted(e.course.title for e in record.enrolments) == [
        "Chữ ký số",
        "Dịch vụ công",
        "Soạn thảo",
    ]
    overdue = [e.course.title for e in record.enrolments if e.is_overdue]
    assert overdue == ["Dịch vụ công"]
    results = [(a.quiz.title, a.number, competency.attempt_result(a)) for a in record.attempts]
    assert results == [
        ("Kiểm tra chữ ký số", 3, _("In progress")),  # not submitted yet: first
        ("Kiểm tra dịch vụ công", 1, _("Waiting for marking")),
        ("Kiểm tra chữ ký số", 2, _("Yes")),
        ("Kiểm tra chữ ký số", 1, _("No")),
    ]
    passed = {(a.quiz.slug, a.number): a.passed for a in record.attempts}
    assert passed[("q-cks", 2)] is True and passed[("q-cks", 1)] is False
    assert [c.code for c in record.certificates] == ["KNS-TEST-0001"]
    states = {skill.code: cell.state for skill, cell in record.skill_cells}
    assert states == {"DS04": "none", "DS06": "gap", "IU01": "held", "IU06": "held"}


def test_record_queries_are_constant(an):
    an, _people, courses = an
    with CaptureQueriesContext(connection) as small:
        competency.officer_record(an)
    quiz = Quiz.objects.get(slug="q-dvc")
    for number in range(2, 8):
        attempt(quiz, an, number, 80, days_ago=number)
    Enrolment.objects.create(officer=an, course=courses["SAFE"], source=Enrolment.Source.SELF)
    for minutes, lesson in enumerate(LessonPage.objects.all(), start=1):
        now = timezone.now()
        LessonVisit.objects.create(
            officer=an, lesson=lesson, opened_at=now, last_seen_at=now, seconds_spent=60 * minutes
        )
    with CaptureQueriesContext(connection) as large:
        record = competency.officer_record(an)
        [(a.quiz.title, e.course.title) for a in record.attempts for e in record.enrolments]
        times = record.enrolment_times
    assert any(time for _enrolment, time in times)
    # Seven before the time spent was shown; one more for it.
    assert len(small.captured_queries) == len(large.captured_queries) <= 8


def test_page_shows_the_record(an, hr_na_sang):
    an, _people, _courses = an
    response = client_for(hr_na_sang).get(reverse("reports:officer", args=[an.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lò Văn An" in html
    assert "an.nasang" in html
    assert "KNS-TEST-0001" in html
    assert "Kiểm tra dịch vụ công" in html
    assert html.count("data-overdue") == 1
    assert 'data-skill="DS06" data-state="gap"' in html


def test_officer_outside_the_area_is_not_found(an, hr_na_sang, hr_muong_tung, hr_province):
    _an, people, _courses = an
    giang = people["Giang"]  # Xã Mường Tùng
    client = client_for(hr_na_sang)
    assert client.get(reverse("reports:officer", args=[giang.pk])).status_code == 404
    assert client.get(reverse("reports:officer_xlsx", args=[giang.pk])).status_code == 404
    assert client.get(reverse("reports:officer", args=[999_999])).status_code == 404
    assert (
        client_for(hr_muong_tung).get(reverse("reports:officer", args=[giang.pk])).status_code
        == 200
    )
    assert (
        client_for(hr_province).get(reverse("reports:officer", args=[giang.pk])).status_code == 200
    )


def test_learner_may_not_open_records(an, learner):
    an, _people, _courses = an
    response = client_for(learner).get(reverse("reports:officer", args=[an.pk]))
    assert response.status_code in (302, 403)


def test_search_stays_in_the_area(an, hr_na_sang, administrator):
    _an, people, _courses = an
    client = client_for(hr_na_sang)
    response = client.get(reverse("reports:officer_search"), {"q": "Bình"})
    assert [o.pk for o in response.context["officers"]] == [people["Bình"].pk]
    assert reverse("reports:officer", args=[people["Bình"].pk]) in response.content.decode()
    assert (
        list(client.get(reverse("reports:officer_search"), {"q": "Giang"}).context["officers"])
        == []
    )
    response = client_for(administrator).get(reverse("reports:officer_search"), {"q": "Giang"})
    assert [o.pk for o in response.context["officers"]] == [people["Giang"].pk]


def test_matrix_links_to_the_record(an, hr_na_sang):
    an, _people, _courses = an
    html = client_for(hr_na_sang).get(reverse("reports:competency")).content.decode()
    assert reverse("reports:officer", args=[an.pk]) in html


def test_xlsx_export_of_the_record(an, hr_na_sang):
    an, _people, _courses = an
    response = client_for(hr_na_sang).get(reverse("reports:officer_xlsx", args=[an.pk]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(workbook.worksheets) == 5
    profile, enrolments, attempts, certificates, skills = workbook.worksheets
    assert "Lò Văn An" in profile["A1"].value
    profile_values = [row for row in profile.iter_rows(values_only=True)]
    assert any(row[1] == "an.nasang" for row in profile_values if row and len(row) > 1)
    assert any(row[1] == "Xã Na Sang (03172)" for row in profile_values if row and len(row) > 1)
    titles = [row[0] for row in enrolments.iter_rows(min_row=6, values_only=True)]
    assert sorted(titles) == ["Chữ ký số", "Dịch vụ công", "Soạn thảo"]
    attempt_rows = list(attempts.iter_rows(min_row=6, values_only=True))
    assert len(attempt_rows) == 4
    assert ("Kiểm tra chữ ký số", 2) in [(row[0], row[1]) for row in attempt_rows]
    assert [row[3] for row in attempt_rows if row[1] == 2][0] == 90.0
    assert [row[0] for row in certificates.iter_rows(min_row=6, values_only=True)] == [
        "KNS-TEST-0001"
    ]
    skill_rows = {row[0]: row for row in skills.iter_rows(min_row=6, values_only=True)}
    assert skill_rows["DS06"][1] == "Sử dụng dịch vụ công trực tuyến"
    assert skill_rows["DS06"][3] and skill_rows["DS06"][3] != skill_rows["IU01"][3]
