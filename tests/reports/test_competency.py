"""The competency matrix: officers × skills, held / missing / not required, scoped and exported.

A hand-counted record (now = the test's moment; HR and administrator accounts have no job
position here, so nothing is required of them):

Courses (make_course; each in its own track):
    SIG "Chữ ký số"      teaches IU01, IU06   required for van-thu
    PUB "Dịch vụ công"   teaches DS06         required for van-thu and mot-cua
    SAFE "An toàn số"    teaches DS04         required for nobody
    DOC "Soạn thảo"      teaches IU03         required for van-thu, but unpublished: neither a
                                              column nor a requirement
Columns, by framework then code: DS04, DS06, IU01, IU06.

Officers of Xã Na Sang (03172), in Vietnamese name order (given name first):
    An    (van-thu)  completed SIG; completed DOC              DS06 gap            -> 1 gap
    Bình  (van-thu)  certificate in force of SIG listing IU01 only (snapshot)
                                                               DS06, IU06 gaps     -> 2 gaps
    Cường (mot-cua)  completed PUB; enrolled in SAFE, not completed                -> 0
    Dung  (mot-cua)  certificate listing DS06, past its expiry (status still valid);
                     revoked certificate listing DS04          DS06 gap            -> 1 gap
    Em    (none)     completed SAFE; certificate in force listing "IU06X" (not IU06) -> 0
    hr.nasang (none)                                                               -> 0
Xã Mường Tùng (03181): Giang (van-thu) completed SIG and PUB -> 0; hr.muongtung (none).
Tỉnh Điện Biên (11): hr.dienbien, admin.dienbien (none).

Na Sang (HR of Na Sang sees these 6):
    DS04 held 1 (Em), required 0, gaps 0 · DS06 held 1 (Cường), required 4, gaps 3
    IU01 held 2 (An, Bình), required 2, gaps 0 · IU06 held 1 (An), required 2, gaps 1
    unit: 6 officers, 8 required, 4 gaps (50.0 % held), 3 officers with gaps
Everyone (administrator, 10 officers): DS06 held 2, required 5, gaps 3; IU01 held 3, required 3;
    IU06 held 2, required 3, gaps 1; Mường Tùng 2 officers, 3 required, 0 gaps.
"""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certification.models import Certificate
from courses.models import Enrolment, SkillTag
from officers.models import JobPosition, Officer
from reports import competency
from tests.courses.pages import make_course
from tests.factories import PASSWORD, OfficerFactory, unit

NA_SANG_ORDER = ["Lò Văn An", "Quàng Thị Bình", "Lường Văn Cường", "Cà Thị Dung", "Tòng Văn Em"]
COLUMNS = ["DS04", "DS06", "IU01", "IU06"]


def course_teaching(title, slug, codes, positions=()):
    course = make_course(title, lessons=1, slug_prefix=slug)
    course.skill_tags.set(SkillTag.objects.filter(code__in=codes))
    course.required_for_positions.set(JobPosition.objects.filter(code__in=positions))
    course.save()
    return course


def certificate(officer, course, codes, *, expires_at, status=Certificate.Status.VALID):
    return Certificate.objects.create(
        officer=officer,
        course=course,
        course_title=course.title,
        skills=[{"code": code, "name": f"Kỹ năng {code}"} for code in codes],
        issued_at=timezone.now() - datetime.timedelta(days=30),
        expires_at=expires_at,
        status=status,
    )


def complete(officer, course, days_ago=10):
    return Enrolment.objects.create(
        officer=officer,
        course=course,
        source=Enrolment.Source.SELF,
        enrolled_at=timezone.now() - datetime.timedelta(days=days_ago + 20),
        completed_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def build_matrix_data():
    """The record of the module docstring; returns {name: officer} and the courses."""
    Officer.objects.update(job_position=None)  # the HR and administrator accounts
    clerk = JobPosition.objects.get(code="van-thu")
    one_stop = JobPosition.objects.get(code="mot-cua")
    courses = {
        "SIG": course_teaching("Chữ ký số", "sig", ["IU01", "IU06"], ["van-thu"]),
        "PUB": course_teaching("Dịch vụ công", "pub", ["DS06"], ["van-thu", "mot-cua"]),
        "SAFE": course_teaching("An toàn số", "safe", ["DS04"]),
        "DOC": course_teaching("Soạn thảo", "doc", ["IU03"], ["van-thu"]),
    }
    courses["DOC"].unpublish()
    na_sang, muong_tung = unit("03172"), unit("03181")
    people = {
        "An": OfficerFactory(full_name="Lò Văn An", unit=na_sang, job_position=clerk),
        "Bình": OfficerFactory(full_name="Quàng Thị Bình", unit=na_sang, job_position=clerk),
        "Cường": OfficerFactory(full_name="Lường Văn Cường", unit=na_sang, job_position=one_stop),
        "Dung": OfficerFactory(full_name="Cà Thị Dung", unit=na_sang, job_position=one_stop),
        "Em": OfficerFactory(full_name="Tòng Văn Em", unit=na_sang, job_position=None),
        "Giang": OfficerFactory(full_name="Lò Thị Giang", unit=muong_tung, job_position=clerk),
    }
    now = timezone.now()
    day = datetime.timedelta(days=1)
    complete(people["An"], courses["SIG"])
    complete(people["An"], courses["DOC"])
    certificate(people["Bình"], courses["SIG"], ["IU01"], expires_at=now + 300 * day)
    complete(people["Cường"], courses["PUB"])
    Enrolment.objects.create(
        officer=people["Cường"], course=courses["SAFE"], source=Enrolment.Source.SELF
    )
    certificate(people["Dung"], courses["PUB"], ["DS06"], expires_at=now - day)
    certificate(
        people["Dung"],
        courses["SAFE"],
        ["DS04"],
        expires_at=now + 300 * day,
        status=Certificate.Status.REVOKED,
    )
    complete(people["Em"], courses["SAFE"])
    certificate(people["Em"], courses["SAFE"], ["IU06X"], expires_at=None)
    complete(people["Giang"], courses["SIG"])
    complete(people["Giang"], courses["PUB"])
    return people, courses


@pytest.fixture
def matrix_data(hr_na_sang, hr_muong_tung, hr_province, administrator):
    return build_matrix_data()


def client_for(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def states(row):
    return [cell.state for cell in row.cells]


def by_code(summary):
    return {item.skill.code: item for item in summary.skills}


# --- The matrix ---------------------------------------------------------------------------


def test_columns_are_the_skills_live_courses_teach(matrix_data):
    assert [skill.code for skill in competency.matrix_skills()] == COLUMNS
    assert [skill.code for skill in competency.matrix_skills("IU")] == ["IU01", "IU06"]


def test_cells_and_gaps_for_hr_of_na_sang(matrix_data, hr_na_sang):
    matrix = competency.competency_matrix(hr_na_sang)
    assert [skill.code for skill in matrix.skills] == COLUMNS
    names = [row.officer.full_name for row in matrix.rows]
    assert names[:5] == NA_SANG_ORDER
    assert names[5] == hr_na_sang.officer.full_name
    rows = {row.officer.full_name: row for row in matrix.rows}
    assert states(rows["Lò Văn An"]) == ["none", "gap", "held", "held"]
    assert states(rows["Quàng Thị Bình"]) == ["none", "gap", "held", "gap"]
    assert states(rows["Lường Văn Cường"]) == ["none", "held", "none", "none"]
    assert states(rows["Cà Thị Dung"]) == ["none", "gap", "none", "none"]
    assert states(rows["Tòng Văn Em"]) == ["held", "none", "none", "none"]
    assert states(rows[hr_na_sang.officer.full_name]) == ["none"] * 4
    assert [row.gaps for row in matrix.rows] == [1, 2, 0, 1, 0, 0]


def test_summary_per_skill_and_per_unit(matrix_data, hr_na_sang):
    summary = competency.competency_matrix(hr_na_sang).summary
    assert summary.officers == 6
    skills = by_code(summary)
    assert [(s.held, s.required, s.gaps) for s in skills.values()] == [
        (1, 0, 0),
        (1, 4, 3),
        (2, 2, 0),
        (1, 2, 1),
    ]
    assert round(skills["DS04"].percent_held, 1) == 16.7
    assert round(skills["IU01"].percent_held, 1) == 33.3
    assert summary.gaps == 4
    assert summary.officers_with_gaps == 3
    [na_sang] = summary.units
    assert (na_sang.code, na_sang.officers, na_sang.required, na_sang.gaps) == ("03172", 6, 8, 4)
    assert na_sang.officers_with_gaps == 3
    assert na_sang.percent_required_held == 50.0


@pytest.mark.parametrize("bits", [1, 3])
def test_figures_hold_when_skills_span_several_masks(matrix_data, administrator, bits, monkeypatch):
    # A mask holds 62 skills; more skills take more masks. Fewer bits per mask here give the
    # four skills of the fixture 4 or 2 masks, and the same figures as one mask.
    monkeypatch.setattr(competency, "MASK_BITS", bits)
    summary = competency.competency_matrix(administrator).summary
    units = {u.code: (u.officers, u.required, u.gaps, u.officers_with_gaps) for u in summary.units}
    assert units == {"03172": (6, 8, 4, 3), "03181": (2, 3, 0, 0), "11": (2, 0, 0, 0)}
    skills = by_code(summary)
    assert (skills["DS06"].held, skills["DS06"].required, skills["DS06"].gaps) == (2, 5, 3)
    gaps_only = competency.competency_matrix(administrator, gaps_only=True)
    assert gaps_only.summary.officers == 3


def test_administrator_sees_every_unit(matrix_data, administrator):
    summary = competency.competency_matrix(administrator).summary
    assert summary.officers == 10
    skills = by_code(summary)
    assert (skills["DS06"].held, skills["DS06"].required, skills["DS06"].gaps) == (2, 5, 3)
    assert (skills["IU01"].held, skills["IU01"].required, skills["IU01"].gaps) == (3, 3, 0)
    assert (skills["IU06"].held, skills["IU06"].required, skills["IU06"].gaps) == (2, 3, 1)
    units = {u.code: (u.officers, u.required, u.gaps, u.officers_with_gaps) for u in summary.units}
    assert units == {"03172": (6, 8, 4, 3), "03181": (2, 3, 0, 0), "11": (2, 0, 0, 0)}


def test_hr_sees_only_their_commune(matrix_data, hr_muong_tung):
    matrix = competency.competency_matrix(hr_muong_tung)
    assert {row.officer.full_name for row in matrix.rows} == {
        "Lò Thị Giang",
        hr_muong_tung.officer.full_name,
    }
    # Asking for another commune gives nothing, not that commune.
    empty = competency.competency_matrix(hr_muong_tung, unit=unit("03172"))
    assert empty.rows == [] and empty.summary.officers == 0


def test_province_hr_sees_the_province(matrix_data, hr_province):
    assert competency.competency_matrix(hr_province).summary.officers == 10


def test_learner_sees_nothing(matrix_data, learner):
    assert competency.competency_matrix(learner).summary.officers == 0


def test_filters(matrix_data, administrator, hr_na_sang):
    clerk = JobPosition.objects.get(code="van-thu")
    by_position = competency.competency_matrix(administrator, job_position=clerk)
    assert [row.officer.full_name for row in by_position.rows] == [
        "Lò Văn An",
        "Quàng Thị Bình",
        "Lò Thị Giang",
    ]
    by_unit = competency.competency_matrix(administrator, unit=unit("03181"))
    assert by_unit.summary.officers == 2
    framework = competency.competency_matrix(hr_na_sang, framework="IU")
    assert [skill.code for skill in framework.skills] == ["IU01", "IU06"]
    assert [row.gaps for row in framework.rows][:2] == [0, 1]
    assert framework.summary.gaps == 1
    gaps_only = competency.competency_matrix(hr_na_sang, gaps_only=True)
    assert [row.officer.full_name for row in gaps_only.rows] == [
        "Lò Văn An",
        "Quàng Thị Bình",
        "Cà Thị Dung",
    ]
    assert gaps_only.summary.officers == 3 and gaps_only.summary.gaps == 4


def test_pagination(matrix_data, hr_na_sang):
    second = competency.competency_matrix(hr_na_sang, per_page=4, page=2)
    assert second.page.paginator.count == 6
    assert [row.officer.full_name for row in second.rows][0] == "Tòng Văn Em"
    # The summary covers every filtered officer, not just the page.
    assert second.summary.officers == 6


def test_no_skills_yet(hr_na_sang):
    matrix = competency.competency_matrix(hr_na_sang)
    assert matrix.skills == []
    assert matrix.rows[0].cells == []
    assert matrix.summary.officers == 1 and matrix.summary.gaps == 0


# --- A constant number of queries ---------------------------------------------------------


def add_officers(count, courses, start):
    clerk = JobPosition.objects.get(code="van-thu")
    na_sang = unit("03172")
    for n in range(start, start + count):
        officer = OfficerFactory(full_name=f"Nguyễn Văn Thêm {n}", unit=na_sang, job_position=clerk)
        complete(officer, courses["SIG"])
        certificate(
            officer, courses["PUB"], ["DS06"], expires_at=timezone.now() + datetime.timedelta(9)
        )


def count_queries(function):
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


def test_page_queries_do_not_grow_with_officers(matrix_data, administrator):
    people, courses = matrix_data
    administrator = type(administrator).objects.get(pk=administrator.pk)

    def page():
        matrix = competency.competency_matrix(administrator, per_page=100)
        for row in matrix.rows:
            row.officer.unit.name, row.officer.job_position, row.officer.user.username  # noqa: B018

    competency.competency_matrix(administrator)  # reads the user's roles once
    small = count_queries(page)
    add_officers(25, courses, 1)
    large = count_queries(page)
    assert small == large <= 9


def test_export_queries_grow_only_per_chunk(matrix_data, administrator):
    people, courses = matrix_data
    selection = competency.select_matrix(administrator)
    small = count_queries(lambda: list(competency.matrix_table_rows(selection, chunk_size=1000)))
    add_officers(30, courses, 100)
    large = count_queries(lambda: list(competency.matrix_table_rows(selection, chunk_size=1000)))
    assert small == large == 3


def test_chunks_walk_the_name_order(matrix_data, administrator):
    people, courses = matrix_data
    add_officers(7, courses, 1)
    selection = competency.select_matrix(administrator)
    whole = [row.officer.pk for row in competency.iter_rows(selection, chunk_size=10_000)]
    chunked = [row.officer.pk for row in competency.iter_rows(selection, chunk_size=3)]
    assert chunked == whole
    assert whole == list(Officer.objects.in_name_order().values_list("pk", flat=True))
    numbers = [row[0] for row in competency.matrix_table_rows(selection, chunk_size=4)]
    assert numbers == list(range(1, 18))


# --- The admin pages and exports ----------------------------------------------------------


def test_page_needs_the_permission(matrix_data, learner):
    assert client_for(learner).get(reverse("reports:competency")).status_code in (302, 403)


def test_page_shows_cells_and_gaps(matrix_data, hr_na_sang):
    response = client_for(hr_na_sang).get(reverse("reports:competency"))
    assert response.status_code == 200
    html = response.content.decode()
    people, _courses = matrix_data
    assert f'data-officer="{people["Giang"].pk}"' not in html
    assert f'data-officer="{people["An"].pk}"' in html
    row = html.split(f'data-officer="{people["Bình"].pk}"')[1].split("</tr>")[0]
    assert row.count('data-state="gap"') == 2
    assert row.count('class="competency-cell competency-gap"') == 2
    assert reverse("reports:officer", args=[people["Bình"].pk]) in row
    assert "data-total-gaps>4<" in html


def test_page_filters_from_the_query_string(matrix_data, hr_na_sang):
    client = client_for(hr_na_sang)
    response = client.get(reverse("reports:competency"), {"gaps_only": "on", "framework": "IU"})
    # Within IU01 and IU06, only Bình misses one (An misses DS06 only).
    assert [row.officer.full_name for row in response.context["matrix"].rows] == ["Quàng Thị Bình"]
    # A unit outside the area is not a valid choice: the filter is ignored, scope holds.
    response = client.get(reverse("reports:competency"), {"unit": unit("03181").pk})
    assert response.context["matrix"].summary.officers == 6


def read_csv(response):
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_export(matrix_data, hr_na_sang):
    response = client_for(hr_na_sang).get(reverse("reports:competency_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert len(rows[0]) == 7 + 4
    assert rows[0][7:] == [
        "DS04 – An toàn số",
        "DS06 – Sử dụng dịch vụ công trực tuyến",
        "IU01 – Hiểu biết về CNTT cơ bản",
        "IU06 – Sử dụng Internet cơ bản",
    ]
    assert [row[1] for row in rows[1:6]] == NA_SANG_ORDER
    assert len(rows) == 7
    bình = rows[2]
    assert bình[4] == "Xã Na Sang"
    assert bình[6] == "2"
    assert bình[7] == ""  # DS04 not required
    assert bình[9] != "" and bình[8] != bình[9]  # IU01 held, IU06 missing


def test_xlsx_export_of_the_whole_filtered_matrix(matrix_data, administrator):
    response = client_for(administrator).get(
        reverse("reports:competency_xlsx"),
        {"job_position": JobPosition.objects.get(code="van-thu").pk},
    )
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[0][0]  # the title block
    header_index = next(i for i, row in enumerate(values) if row[0] in ("STT", "No."))
    data = values[header_index + 1 :]
    assert [row[1] for row in data] == ["Lò Văn An", "Quàng Thị Bình", "Lò Thị Giang"]
    assert [row[6] for row in data] == [1, 2, 0]
    missing = data[1][8]  # Bình, DS06
    assert missing and data[1][10] == missing  # IU06 missing too
    by_skill = workbook.worksheets[1]
    skill_rows = [row for row in by_skill.iter_rows(values_only=True) if row and row[0] == "DS06"]
    assert skill_rows[0][3:] == (3, 1, 33.3, 3, 2)
    by_unit = workbook.worksheets[2]
    unit_rows = {row[0]: row for row in by_unit.iter_rows(values_only=True) if row and row[0]}
    assert unit_rows["03172"][2:] == (2, 6, 3, 50.0, 3, 2)
