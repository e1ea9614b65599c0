"""Bulk import of officers from CSV and XLSX files (officers/importing.py).

What an HR officer notices: a good file creates accounts and officers in the right commune, a
second upload of the same file changes nothing, and a file with any bad row saves nothing and
names the row (the header is row 1) and the column as written in the file.
"""

import csv
import io
import os
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import Workbook

from officers import roles
from officers.importing import import_officers
from officers.models import Officer
from tests.factories import OfficerFactory, UserFactory
from units.models import AdministrativeUnit, Level

# Fixtures are also requested by name (getfixturevalue): mark the database use up front, so that
# pytest-django runs these tests before the transactional browser tests that flush the database.
pytestmark = pytest.mark.django_db

User = get_user_model()

FIELDS = [
    "username",
    "full_name",
    "unit_code",
    "job_position",
    "title",
    "email",
    "phone",
    "national_id",
    "procedure_account",
]
# The headers as HR writes them (and as the downloadable template has them).
VI = dict(
    zip(
        FIELDS,
        [
            "Tên đăng nhập",
            "Họ và tên",
            "Mã đơn vị",
            "Vị trí việc làm",
            "Chức danh",
            "Email",
            "Số điện thoại",
            "CCCD",
            "Tài khoản một cửa",
        ],
        strict=True,
    )
)
EN = {field: field for field in FIELDS}
NAMES = [
    "Lò Văn Pánh",
    "Quàng Thị Ơn",
    "Cà Văn Dính",
    "Lường Thị Xuân",
    "Giàng A Chứ",
    "Sùng Thị Mai",
    "Vừ A Dính",
    "Nguyễn Thị Hồng Phượng",
]


# --- building files -------------------------------------------------------------------------


def person(n, **changes):
    """One officer of Xã Na Sang, unique by n, with every column filled in."""
    values = {
        "username": f"canbo.nasang{n}",
        "full_name": NAMES[n % len(NAMES)],
        "unit_code": "03172",
        "job_position": "mot-cua",
        "title": "Chuyên viên một cửa",
        "email": f"canbo{n}@nasang.dienbien.gov.vn",
        "phone": f"09{n:08d}",
        "national_id": f"0110{n:08d}",
        "procedure_account": f"nasang.{n}",
    }
    values.update(changes)
    return values


def people(count, **changes):
    return [person(n, **changes) for n in range(1, count + 1)]


def table(rows, headers=VI, fields=FIELDS):
    """Header row and data rows, as lists of strings."""
    return [[headers[f] for f in fields]] + [[row.get(f, "") for f in fields] for row in rows]


def csv_file(rows, delimiter=",", bom=False, encoding="utf-8"):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    content = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" if bom else b"") + content


def xlsx_file(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Cán bộ"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def counts():
    return User.objects.count(), Officer.objects.count()


def officer(username):
    return Officer.objects.select_related("user", "unit", "job_position").get(
        user__username=username
    )


def only_problem(result):
    assert not result.ok
    assert len(result.problems) == 1, [str(p) for p in result.problems]
    return result.problems[0]


def english(content, filename, user=None):
    with translation.override("en"):
        result = import_officers(content, filename, user=user)
        return result, [str(problem) for problem in result.problems]


def snapshot(username):
    o = officer(username)
    return {
        "full_name": o.full_name,
        "unit": o.unit_id,
        "job_position": o.job_position_id,
        "title": o.title,
        "email": o.email,
        "phone": o.phone,
        "national_id": o.national_id,
        "procedure_account": o.procedure_account,
        "user_email": o.user.email,
    }


# --- good files -----------------------------------------------------------------------------


def test_good_csv_creates_officers_with_accounts_in_their_commune(dien_bien):
    rows = [
        person(1, job_position="van-thu", title="Văn thư"),
        person(2),
        person(3, job_position="", title="", email="", phone="", national_id=""),
    ]
    result = import_officers(csv_file(table(rows)), "can-bo-na-sang.csv")

    assert result.ok, [str(p) for p in result.problems]
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert counts() == (3, 3)
    na_sang = AdministrativeUnit.objects.current().get(code="03172")

    first = officer("canbo.nasang1")
    assert first.full_name == "Quàng Thị Ơn"
    assert first.unit == na_sang
    assert first.unit.name == "Xã Na Sang"  # not the old Thị trấn Mường Chà with the same code
    assert first.unit.valid_to is None
    assert first.job_position.code == "van-thu"
    assert first.title == "Văn thư"
    assert first.email == first.user.email == "canbo1@nasang.dienbien.gov.vn"
    assert first.phone == "0900000001"
    assert first.national_id == "011000000001"
    assert first.procedure_account == "nasang.1"
    assert first.sort_key  # sortable by given name in the officer list
    assert not first.user.has_usable_password()  # the officer sets a password by email
    assert list(first.user.groups.values_list("name", flat=True)) == [roles.LEARNER]

    assert officer("canbo.nasang2").job_position.code == "mot-cua"
    third = officer("canbo.nasang3")
    assert third.job_position is None
    assert (third.title, third.email, third.phone, third.national_id) == ("", "", "", "")
    assert third.procedure_account == "nasang.3"


@pytest.mark.parametrize("bom", [False, True], ids=["utf8", "utf8-bom"])
@pytest.mark.parametrize("delimiter", [",", ";"], ids=["comma", "semicolon"])
def test_utf8_csv_with_or_without_bom_and_comma_or_semicolon_is_read(dien_bien, bom, delimiter):
    content = csv_file(table(people(3)), delimiter=delimiter, bom=bom)

    result = import_officers(content, "can-bo.csv")

    assert result.ok, [str(p) for p in result.problems]
    assert result.created == 3
    # The BOM must not end up in the first header, and the names keep their diacritics.
    assert sorted(Officer.objects.values_list("full_name", flat=True)) == sorted(NAMES[1:4])
    assert officer("canbo.nasang2").unit.code == "03172"


def test_csv_with_english_column_keys_is_read(dien_bien):
    result = import_officers(csv_file(table(people(2), headers=EN)), "officers.csv")

    assert result.ok, [str(p) for p in result.problems]
    assert result.created == 2
    assert officer("canbo.nasang1").national_id == "011000000001"


def test_headers_match_without_regard_to_case_accents_or_column_order(dien_bien):
    headers = {
        "username": "TÊN ĐĂNG NHẬP",
        "full_name": "ho va ten",
        "unit_code": "Mã ĐVHC",
        "national_id": "Số CCCD",
        "phone": "Điện thoại",
    }
    fields = ["national_id", "full_name", "phone", "username", "unit_code"]
    content = csv_file(table([person(1)], headers=headers, fields=fields))

    result = import_officers(content, "can-bo.csv")

    assert result.ok, [str(p) for p in result.problems]
    created = officer("canbo.nasang1")
    assert (created.national_id, created.phone) == ("011000000001", "0900000001")


def test_utf16_csv_saved_by_excel_as_unicode_text_is_read(dien_bien):
    content = csv_file(table(people(2)), delimiter="\t", encoding="utf-16")

    result = import_officers(content, "can-bo.txt")

    assert result.ok, [str(p) for p in result.problems]
    assert officer("canbo.nasang2").full_name == "Cà Văn Dính"


@pytest.mark.parametrize("headers", [VI, EN], ids=["vietnamese-headers", "english-keys"])
def test_good_xlsx_creates_officers(dien_bien, headers):
    rows = table(people(3), headers=headers)

    result = import_officers(xlsx_file(rows), "Danh sách cán bộ.xlsx")

    assert result.ok, [str(p) for p in result.problems]
    assert (result.created, result.updated) == (3, 0)
    created = officer("canbo.nasang3")
    assert created.full_name == "Lường Thị Xuân"
    assert created.unit.code == "03172"
    assert created.national_id == "011000000003"
    assert created.user.groups.filter(name=roles.LEARNER).exists()


def test_xlsx_number_cells_are_read_without_a_decimal_point(dien_bien):
    rows = table([person(1)])
    rows[1][FIELDS.index("procedure_account")] = 12345.0  # a number cell, as Excel stores it
    rows[1][FIELDS.index("national_id")] = ""

    result = import_officers(xlsx_file(rows), "can-bo.xlsx")

    assert result.ok, [str(p) for p in result.problems]
    assert officer("canbo.nasang1").procedure_account == "12345"


def test_only_the_required_columns_are_needed(dien_bien):
    fields = ["username", "full_name", "unit_code"]
    content = csv_file(table(people(2), fields=fields))

    result = import_officers(content, "can-bo.csv")

    assert result.ok, [str(p) for p in result.problems]
    assert result.created == 2
    assert officer("canbo.nasang1").job_position is None


def test_spaces_in_names_and_phone_formatting_are_tidied(dien_bien):
    row = person(1, full_name="  Lò   Văn  Pánh ", phone="0912 345.678")

    result = import_officers(csv_file(table([row])), "can-bo.csv")

    assert result.ok, [str(p) for p in result.problems]
    created = officer("canbo.nasang1")
    assert created.full_name == "Lò Văn Pánh"
    assert created.phone == "0912345678"


def test_a_province_level_officer_may_be_imported_with_the_province_code(dien_bien):
    result = import_officers(csv_file(table([person(1, unit_code="11")])), "can-bo.csv")

    assert result.ok, [str(p) for p in result.problems]
    unit = officer("canbo.nasang1").unit
    assert (unit.level, unit.code) == (Level.PROVINCE, "11")


# --- re-importing ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_importing_the_same_file_twice_changes_nothing_the_second_time(dien_bien, kind):
    rows = table(people(5))
    content, name = (csv_file(rows), "can-bo.csv") if kind == "csv" else (xlsx_file(rows), "x.xlsx")
    first = import_officers(content, name)
    assert first.created == 5
    before = {f"canbo.nasang{n}": snapshot(f"canbo.nasang{n}") for n in range(1, 6)}
    memberships = User.groups.through.objects.count()

    second = import_officers(content, name)

    assert second.ok
    assert (second.created, second.updated, second.unchanged) == (0, 0, 5)
    assert counts() == (5, 5)
    assert User.groups.through.objects.count() == memberships
    assert {u: snapshot(u) for u in before} == before


def test_the_same_officers_from_csv_then_xlsx_are_unchanged(dien_bien):
    rows = table(people(3))
    import_officers(csv_file(rows, delimiter=";", bom=True), "can-bo.csv")

    result = import_officers(xlsx_file(rows), "can-bo.xlsx")

    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)


def test_changing_one_row_updates_exactly_that_officer(dien_bien):
    rows = people(4)
    import_officers(csv_file(table(rows)), "can-bo.csv")
    before = {r["username"]: snapshot(r["username"]) for r in rows}
    rows[2]["title"] = "Phó Giám đốc Trung tâm"
    rows[2]["job_position"] = "chuyen-doi-so"

    result = import_officers(csv_file(table(rows)), "can-bo.csv")

    assert result.ok
    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    assert counts() == (4, 4)
    changed = officer("canbo.nasang3")
    assert changed.title == "Phó Giám đốc Trung tâm"
    assert changed.job_position.code == "chuyen-doi-so"
    for username in ("canbo.nasang1", "canbo.nasang2", "canbo.nasang4"):
        assert snapshot(username) == before[username]


def test_a_new_email_in_the_file_updates_the_account_email_too(dien_bien):
    rows = people(2)
    import_officers(csv_file(table(rows)), "can-bo.csv")
    rows[0]["email"] = "panh.moi@nasang.dienbien.gov.vn"

    result = import_officers(csv_file(table(rows)), "can-bo.csv")

    assert result.updated == 1
    changed = officer("canbo.nasang1")
    assert changed.email == changed.user.email == "panh.moi@nasang.dienbien.gov.vn"


def test_a_file_adding_officers_to_existing_ones_creates_only_the_new(dien_bien):
    import_officers(csv_file(table(people(3))), "can-bo.csv")

    result = import_officers(csv_file(table(people(5))), "can-bo.csv")

    assert (result.created, result.updated, result.unchanged) == (2, 0, 3)
    assert counts() == (5, 5)


def test_reimport_takes_as_many_queries_for_200_rows_as_for_20(dien_bien):
    # One query per existing officer would make re-importing a whole province crawl.
    queries = []
    for count in (20, 200):
        content = csv_file(table(people(count)))
        import_officers(content, "can-bo.csv")
        with CaptureQueriesContext(connection) as captured:
            result = import_officers(content, "can-bo.csv")
        assert result.unchanged == count
        queries.append(len(captured))

    assert queries[0] == queries[1], queries


def test_two_officers_swapping_their_cccd_in_one_file_imports_fine(dien_bien):
    rows = people(3)
    import_officers(csv_file(table(rows)), "can-bo.csv")
    rows[0]["national_id"], rows[1]["national_id"] = rows[1]["national_id"], rows[0]["national_id"]
    rows[0]["procedure_account"], rows[1]["procedure_account"] = "nasang.2", "nasang.1"

    result = import_officers(csv_file(table(rows)), "can-bo.csv")

    assert result.ok, [str(p) for p in result.problems]
    assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
    first, second = officer("canbo.nasang1"), officer("canbo.nasang2")
    assert (first.national_id, second.national_id) == ("011000000002", "011000000001")
    assert (first.procedure_account, second.procedure_account) == ("nasang.2", "nasang.1")


def test_a_new_officer_may_take_a_cccd_that_an_officer_in_the_same_file_gives_up(dien_bien):
    # The CCCD was typed on the wrong person last time; this file corrects it.
    import_officers(csv_file(table([person(1)])), "can-bo.csv")
    rows = [person(1, national_id="011000000099"), person(2, national_id="011000000001")]

    result = import_officers(csv_file(table(rows)), "can-bo.csv")

    assert result.ok, [str(p) for p in result.problems]
    assert (result.created, result.updated) == (1, 1)
    assert officer("canbo.nasang1").national_id == "011000000099"
    assert officer("canbo.nasang2").national_id == "011000000001"


# --- bad rows: all or nothing ---------------------------------------------------------------

BAD_ROWS = {
    # id: (change to row 3, column header, text that names the value, English message)
    "unknown-commune-code": (
        {"unit_code": "99999"},
        "Mã đơn vị",
        "99999",
        "no administrative unit in force has code",
    ),
    "pre-2025-commune-code": (
        {"unit_code": "03201"},  # the old Xã Na Sang, merged into 03172 on 1 July 2025
        "Mã đơn vị",
        "03201",
        "no administrative unit in force has code",
    ),
    "missing-unit-code": ({"unit_code": ""}, "Mã đơn vị", "", "the unit code is missing"),
    "bad-email": (
        {"email": "lo.van.panh@"},
        "Email",
        "lo.van.panh@",
        "is not a valid email address",
    ),
    "missing-name": ({"full_name": "   "}, "Họ và tên", "", "the full name is missing"),
    "name-too-long": (
        {"full_name": "Lò " * 60},
        "Họ và tên",
        "",
        "longer than 150 characters",
    ),
    "missing-username": ({"username": ""}, "Tên đăng nhập", "", "the username is missing"),
    "username-with-spaces": (
        {"username": "lo van panh"},
        "Tên đăng nhập",
        "lo van panh",
        "is not a valid username",
    ),
    "bad-phone": (
        {"phone": "12345"},
        "Số điện thoại",
        "12345",
        "is not a Vietnamese phone number",
    ),
    "phone-without-leading-zero": (
        {"phone": "912345678"},
        "Số điện thoại",
        "912345678",
        "dropped the leading 0",
    ),
    "cccd-11-digits": (
        {"national_id": "11090001234"},
        "CCCD",
        "11090001234",
        "exactly 12 digits",
    ),
    "cccd-13-digits": (
        {"national_id": "0110900012345"},
        "CCCD",
        "0110900012345",
        "exactly 12 digits",
    ),
    "cccd-with-letters": (
        {"national_id": "01109000123A"},
        "CCCD",
        "01109000123A",
        "exactly 12 digits",
    ),
    "unknown-job-position": (
        {"job_position": "ke-toan-truong"},
        "Vị trí việc làm",
        "ke-toan-truong",
        "unknown job position",
    ),
    "title-too-long": ({"title": "x" * 151}, "Chức danh", "", "longer than 150 characters"),
    "procedure-account-too-long": (
        {"procedure_account": "x" * 101},
        "Tài khoản một cửa",
        "",
        "longer than 100 characters",
    ),
}


@pytest.mark.parametrize(
    ("change", "column", "value", "message"), BAD_ROWS.values(), ids=BAD_ROWS.keys()
)
def test_one_bad_row_among_good_ones_saves_nothing(dien_bien, change, column, value, message):
    rows = people(4)
    rows[1].update(change)  # the second data row: row 3 of the file
    content = csv_file(table(rows))

    problem = only_problem(import_officers(content, "can-bo.csv"))

    assert counts() == (0, 0)
    assert (problem.row, problem.column) == (3, column)
    assert value in problem.message
    _result, texts = english(content, "can-bo.csv")
    assert message in texts[0]
    assert texts[0].startswith(f"Row 3, column “{column}”: ")
    assert counts() == (0, 0)


def test_one_bad_row_saves_nothing_even_when_the_good_rows_are_updates(dien_bien):
    rows = people(3)
    import_officers(csv_file(table(rows)), "can-bo.csv")
    before = {r["username"]: snapshot(r["username"]) for r in rows}
    rows[0]["title"] = "Trưởng phòng"
    rows.append(person(4, email="not-an-email"))

    result = import_officers(csv_file(table(rows)), "can-bo.csv")

    assert only_problem(result).row == 5
    assert counts() == (3, 3)
    assert {r["username"]: snapshot(r["username"]) for r in rows[:3]} == before


def test_the_column_is_named_as_written_in_the_file(dien_bien):
    headers = {**EN, "phone": "số điện thoại"}
    rows = people(2)
    rows[1]["phone"] = "0123"

    problem = only_problem(import_officers(csv_file(table(rows, headers=headers)), "x.csv"))

    assert (problem.row, problem.column) == (3, "số điện thoại")


def test_every_problem_in_the_file_is_reported_in_row_order(dien_bien):
    rows = people(5)
    rows[3]["email"] = "sai@"
    rows[0]["national_id"] = "123"
    rows[3]["unit_code"] = "00000"

    result = import_officers(csv_file(table(rows)), "can-bo.csv")

    assert [(p.row, p.column) for p in result.problems] == [
        (2, "CCCD"),
        (5, "Mã đơn vị"),
        (5, "Email"),
    ]
    assert counts() == (0, 0)


def test_duplicate_username_in_the_file_is_reported_on_the_second_row(dien_bien):
    rows = people(4)
    rows[3]["username"] = rows[1]["username"]

    problem = only_problem(import_officers(csv_file(table(rows)), "can-bo.csv"))

    assert (problem.row, problem.column) == (5, "Tên đăng nhập")
    assert "canbo.nasang2" in problem.message
    assert "3" in problem.message  # the row it repeats
    _result, texts = english(csv_file(table(rows)), "can-bo.csv")
    assert "“canbo.nasang2” is also on row 3." in texts[0]
    assert counts() == (0, 0)


@pytest.mark.parametrize(
    ("field", "column"),
    [("national_id", "CCCD"), ("procedure_account", "Tài khoản một cửa")],
)
def test_duplicate_cccd_or_procedure_account_in_the_file_is_reported(dien_bien, field, column):
    rows = people(3)
    rows[2][field] = rows[0][field]

    problem = only_problem(import_officers(csv_file(table(rows)), "can-bo.csv"))

    assert (problem.row, problem.column) == (4, column)
    assert rows[0][field] in problem.message
    _result, texts = english(csv_file(table(rows)), "can-bo.csv")
    assert "is also on row 2." in texts[0]
    assert counts() == (0, 0)


def test_cccd_already_belonging_to_another_officer_is_refused(dien_bien):
    OfficerFactory(user=UserFactory(username="lo.van.cu"), national_id="011000000002")
    rows = people(3)  # canbo.nasang2 carries 011000000002

    problem = only_problem(import_officers(csv_file(table(rows)), "can-bo.csv"))

    assert (problem.row, problem.column) == (3, "CCCD")
    assert "011000000002" in problem.message
    assert "lo.van.cu" in problem.message
    _result, texts = english(csv_file(table(rows)), "can-bo.csv")
    assert "already belongs to another officer (account lo.van.cu)" in texts[0]
    assert counts() == (1, 1)


def test_procedure_account_already_belonging_to_another_officer_is_refused(dien_bien):
    OfficerFactory(user=UserFactory(username="lo.van.cu"), procedure_account="nasang.1")

    problem = only_problem(import_officers(csv_file(table(people(2))), "can-bo.csv"))

    assert (problem.row, problem.column) == (2, "Tài khoản một cửa")
    assert "lo.van.cu" in problem.message
    assert counts() == (1, 1)


def test_an_officer_keeping_their_own_cccd_is_not_a_conflict(dien_bien):
    existing = OfficerFactory(
        user=UserFactory(username="canbo.nasang1"), national_id="011000000001"
    )

    result = import_officers(csv_file(table(people(2))), "can-bo.csv")

    assert result.ok, [str(p) for p in result.problems]
    assert (result.created, result.updated) == (1, 1)
    existing.refresh_from_db()
    assert existing.full_name == "Quàng Thị Ơn"


def test_blank_lines_are_skipped_but_row_numbers_still_match_the_file(dien_bien):
    rows = table(people(3))
    rows.insert(2, ["", "", "", "", "", "", "", "", ""])  # an empty row 3
    rows[3][FIELDS.index("email")] = "sai@"  # canbo.nasang2, now on row 4

    problem = only_problem(import_officers(csv_file(rows), "can-bo.csv"))
    assert problem.row == 4
    problem = only_problem(import_officers(xlsx_file(rows), "can-bo.xlsx"))
    assert problem.row == 4

    rows[3][FIELDS.index("email")] = ""
    result = import_officers(xlsx_file(rows), "can-bo.xlsx")
    assert result.created == 3


def test_a_bad_row_in_an_xlsx_file_is_reported_with_its_spreadsheet_row(dien_bien):
    rows = people(6)
    rows[4]["national_id"] = "9876"

    problem = only_problem(import_officers(xlsx_file(table(rows)), "can-bo.xlsx"))

    assert (problem.row, problem.column) == (6, "CCCD")
    assert "9876" in problem.message
    assert counts() == (0, 0)


def test_ten_thousand_rows_with_one_bad_row_are_rejected_naming_that_row(dien_bien):
    communes = list(
        AdministrativeUnit.objects.current()
        .communes()
        .filter(parent__code="11")
        .values_list("code", flat=True)
    )
    assert len(communes) == 45
    rows = [
        person(n, unit_code=communes[n % len(communes)], procedure_account=f"tthc.{n}")
        for n in range(1, 10_001)
    ]
    rows[7_498]["national_id"] = "01109000123"  # the 7,499th data row is row 7,500 of the file
    content = csv_file(table(rows))

    problem = only_problem(import_officers(content, "toan-tinh.csv"))

    assert (problem.row, problem.column) == (7_500, "CCCD")
    assert "01109000123" in problem.message
    assert counts() == (0, 0)
    _result, texts = english(content, "toan-tinh.csv")
    assert texts[0].startswith("Row 7500, column “CCCD”")


# --- whole-file problems --------------------------------------------------------------------


def test_missing_required_columns_are_named(dien_bien):
    content = csv_file(table(people(2), fields=["username", "email"]))

    problem = only_problem(import_officers(content, "can-bo.csv"))

    assert problem.row == 0
    _result, texts = english(content, "can-bo.csv")
    assert "Required columns are missing: Full name, Unit code." in texts[0]
    assert counts() == (0, 0)


def test_a_file_without_a_header_row_is_refused(dien_bien):
    rows = table(people(2))[1:]  # data only

    result = import_officers(csv_file(rows), "can-bo.csv")

    assert not result.ok
    assert counts() == (0, 0)
    _result, texts = english(csv_file(rows), "can-bo.csv")
    assert any("Required columns are missing" in text for text in texts)


def test_an_unknown_column_is_named_as_written(dien_bien):
    rows = table(people(2), fields=[*FIELDS])
    rows[0].append("Ghi chú")
    for row in rows[1:]:
        row.append("mới tuyển")

    problem = only_problem(import_officers(csv_file(rows), "can-bo.csv"))

    assert (problem.row, problem.column) == (1, "Ghi chú")
    _result, texts = english(csv_file(rows), "can-bo.csv")
    assert "unknown column" in texts[0]
    assert "Tên đăng nhập" in texts[0]  # the expected columns are listed
    assert counts() == (0, 0)


def test_a_column_given_twice_is_refused(dien_bien):
    rows = table(people(1))
    rows[0].append("Thư điện tử")  # another name for Email
    rows[1].append("khac@example.vn")

    problem = only_problem(import_officers(csv_file(rows), "can-bo.csv"))

    assert (problem.row, problem.column) == (1, "Thư điện tử")
    _result, texts = english(csv_file(rows), "can-bo.csv")
    assert "this column appears twice" in texts[0]


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),
            "can-bo.xls",
            "old Excel (.xls) file",
        ),
        (b"Ten dang nhap,Ho va ten,Ma don vi\r\n", "can-bo.xls", "old Excel (.xls) file"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),
            "can-bo.csv",
            "old Excel (.xls) file",
        ),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "can-bo.pdf", "Unsupported file type"),
        (b"Ten dang nhap,Ho va ten,Ma don vi\r\n", "can-bo.docx", "Unsupported file type"),
        (b"Ten dang nhap,Ho va ten,Ma don vi\r\n", "can-bo", "Unsupported file type"),
    ],
    ids=["xls", "csv-named-xls", "xls-named-csv", "pdf", "docx-name", "no-extension"],
)
def test_old_excel_and_other_file_types_are_refused(dien_bien, content, filename, message):
    result, texts = english(content, filename)

    assert len(texts) == 1
    assert message in texts[0]
    assert counts() == (0, 0)


@pytest.mark.parametrize("encoding", ["cp1258", "latin-1"])
def test_a_csv_not_in_utf8_is_refused_with_a_clear_message(dien_bien, encoding):
    rows = table(
        # Letters both encodings have; "Văn thư" only exists in cp1258 (Vietnamese Windows).
        [person(1, full_name="Lù Thanh Tú", title="Văn thư" if encoding == "cp1258" else "")],
        headers=EN,
    )
    content = csv_file(rows, encoding=encoding)
    assert content.decode(encoding).startswith("username,")

    problem = only_problem(import_officers(content, "can-bo.csv"))
    assert problem.row == 0
    # The message names the line with the unreadable text: move it down one line.
    later = csv_file(
        [rows[0], table([person(2, full_name="Lo Van Panh", title="")], headers=EN)[1], rows[1]],
        encoding=encoding,
    )
    later_problem = only_problem(import_officers(later, "can-bo.csv"))
    assert problem.message != later_problem.message
    assert problem.message.replace("2", "3") == later_problem.message.replace("2", "3")

    _result, texts = english(content, "can-bo.csv")
    assert "The file is not in UTF-8 (unreadable text on line 2)" in texts[0]
    assert "CSV UTF-8" in texts[0]
    assert counts() == (0, 0)


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "can-bo.csv", "The file is empty."),
        (b"\xef\xbb\xbf", "can-bo.csv", "The file is empty."),
        (b"\r\n \r\n", "can-bo.csv", "The file is empty."),
        (xlsx_file([]), "can-bo.xlsx", "The file is empty."),
        (csv_file(table([])), "can-bo.csv", "The file has no officer rows."),
        (csv_file(table([]) + [[""] * 9, [""] * 9]), "can-bo.csv", "The file has no officer rows."),
        (xlsx_file(table([])), "can-bo.xlsx", "The file has no officer rows."),
    ],
    ids=["empty", "bom-only", "blank-lines", "empty-xlsx", "header-only", "blank-rows", "xlsx-hdr"],
)
def test_an_empty_file_is_refused(dien_bien, content, filename, message):
    _result, texts = english(content, filename)

    assert texts == [message]
    assert counts() == (0, 0)


def _xlsx_with_damaged_sheet():
    good = zipfile.ZipFile(io.BytesIO(xlsx_file(table(people(3)))))
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as archive:
        for name in good.namelist():
            data = good.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            archive.writestr(name, data)
    return damaged.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        os.urandom(4096),
        b"PK\x03\x04" + os.urandom(4096),
        xlsx_file(table(people(3)))[:-200],
        _xlsx_with_damaged_sheet(),
        b"",
    ],
    ids=["random-bytes", "random-zip-header", "truncated", "damaged-sheet", "zero-bytes"],
)
def test_a_damaged_xlsx_is_refused_with_a_clear_message(dien_bien, content):
    result, texts = english(content, "can-bo.xlsx")

    assert len(texts) == 1
    assert "The Excel file cannot be opened; it may be damaged." in texts[0]
    assert counts() == (0, 0)


# --- HR scoping -----------------------------------------------------------------------------


def test_hr_of_a_commune_can_import_into_their_own_commune(hr_na_sang):
    result = import_officers(csv_file(table(people(3))), "can-bo.csv", user=hr_na_sang)

    assert result.ok, [str(p) for p in result.problems]
    assert result.created == 3
    assert Officer.objects.filter(unit__code="03172").count() == 4  # with the HR officer


def test_hr_of_one_commune_cannot_import_into_another_commune(hr_na_sang):
    before = counts()
    rows = people(3)
    rows[1]["unit_code"] = "03181"  # Xã Mường Tùng

    result = import_officers(csv_file(table(rows)), "can-bo.csv", user=hr_na_sang)

    problem = only_problem(result)
    assert (problem.row, problem.column) == (3, "Mã đơn vị")
    assert "03181" in problem.message
    assert counts() == before
    _result, texts = english(csv_file(table(rows)), "can-bo.csv", user=hr_na_sang)
    assert "Xã Mường Tùng (03181) is outside your area (Xã Na Sang (03172))" in texts[0]


def test_hr_of_a_commune_cannot_import_province_level_officers(hr_na_sang):
    rows = [person(1, unit_code="11")]

    problem = only_problem(import_officers(csv_file(table(rows)), "x.csv", user=hr_na_sang))

    assert (problem.row, problem.column) == (2, "Mã đơn vị")


def test_provincial_hr_can_import_into_any_commune_of_the_province(hr_province):
    communes = list(
        AdministrativeUnit.objects.current()
        .communes()
        .filter(parent__code="11")
        .values_list("code", flat=True)
    )
    rows = [person(n, unit_code=code) for n, code in enumerate(communes, start=1)]

    result = import_officers(csv_file(table(rows)), "toan-tinh.csv", user=hr_province)

    assert result.ok, [str(p) for p in result.problems]
    assert result.created == 45
    assert officer("canbo.nasang13").unit.code == communes[12]
    assert Officer.objects.filter(unit__level=Level.COMMUNE).values("unit").distinct().count() == 45


def test_hr_cannot_take_over_an_officer_of_another_commune_by_reusing_their_username(
    hr_na_sang,
):
    muong_tung = AdministrativeUnit.objects.current().get(code="03181")
    other = OfficerFactory(
        user=UserFactory(username="lo.van.muongtung"), unit=muong_tung, full_name="Lò Văn Tùng"
    )
    before = snapshot("lo.van.muongtung")
    rows = [person(1), person(2, username="lo.van.muongtung", email="hr.nasang@example.vn")]
    count_before = counts()

    result = import_officers(csv_file(table(rows)), "can-bo.csv", user=hr_na_sang)

    problem = only_problem(result)
    assert (problem.row, problem.column) == (3, "Tên đăng nhập")
    assert "lo.van.muongtung" in problem.message
    assert counts() == count_before
    assert snapshot("lo.van.muongtung") == before
    other.refresh_from_db()
    assert other.unit == muong_tung


def test_hr_cannot_take_over_an_account_that_is_not_an_officer(hr_na_sang):
    # A superuser created with createsuperuser has no officer profile. Attaching it to a
    # commune and changing its email would let the HR officer reset its password.
    admin = User.objects.create_superuser("quantri", "quantri@dienbien.gov.vn", "x" * 20)
    rows = [person(1, username="quantri", email="hr.nasang@example.vn")]

    result = import_officers(csv_file(table(rows)), "can-bo.csv", user=hr_na_sang)

    problem = only_problem(result)
    assert (problem.row, problem.column) == (2, "Tên đăng nhập")
    assert "quantri" in problem.message
    admin.refresh_from_db()
    assert admin.email == "quantri@dienbien.gov.vn"
    assert not Officer.objects.filter(user=admin).exists()


def test_hr_cannot_move_an_officer_of_their_commune_to_another_commune(hr_na_sang):
    import_officers(csv_file(table(people(2))), "can-bo.csv", user=hr_na_sang)
    rows = people(2)
    rows[0]["unit_code"] = "03181"

    problem = only_problem(import_officers(csv_file(table(rows)), "x.csv", user=hr_na_sang))

    assert (problem.row, problem.column) == (2, "Mã đơn vị")
    assert officer("canbo.nasang1").unit.code == "03172"


def test_hr_can_update_officers_of_their_own_commune(hr_na_sang):
    rows = people(2)
    import_officers(csv_file(table(rows)), "can-bo.csv", user=hr_na_sang)
    rows[1]["phone"] = "0987654321"

    result = import_officers(csv_file(table(rows)), "can-bo.csv", user=hr_na_sang)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert officer("canbo.nasang2").phone == "0987654321"


def test_provincial_hr_may_update_an_officer_of_any_commune(hr_province, learner):
    rows = [person(1, username="hocvien.nasang", full_name="Quàng Văn Sự")]

    result = import_officers(csv_file(table(rows)), "can-bo.csv", user=hr_province)

    assert (result.created, result.updated) == (0, 1)
    assert officer("hocvien.nasang").full_name == "Quàng Văn Sự"


def test_provincial_hr_cannot_update_the_hr_officer_of_a_commune(hr_province, hr_na_sang):
    rows = [person(1, username="hr.nasang", full_name="Quàng Văn Sự")]

    problem = only_problem(import_officers(csv_file(table(rows)), "x.csv", user=hr_province))

    assert (problem.row, problem.column) == (2, "Tên đăng nhập")
    assert officer("hr.nasang").full_name != "Quàng Văn Sự"


@pytest.mark.parametrize("role_fixture", ["learner", "trainer"])
def test_only_hr_and_administrators_can_import(request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    before = counts()

    result, texts = english(csv_file(table(people(2))), "can-bo.csv", user=user)

    assert not result.ok
    assert "Only HR and administrators can import officers." in texts
    assert counts() == before


def test_an_administrator_may_import_into_any_unit(administrator):
    rows = [person(1, unit_code="03181"), person(2, unit_code="11")]

    result = import_officers(csv_file(table(rows)), "can-bo.csv", user=administrator)

    assert result.ok, [str(p) for p in result.problems]
    assert result.created == 2


# --- management command ---------------------------------------------------------------------


def run_command(*args):
    out = io.StringIO()
    # The command activates its language; keep it from leaking into the other tests.
    with translation.override(translation.get_language()):
        call_command("import_officers", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_command_imports_a_file_and_prints_the_counts(dien_bien, tmp_path):
    path = tmp_path / "can-bo.csv"
    path.write_bytes(csv_file(table(people(3)), bom=True))

    output = run_command(path)

    assert "can-bo.csv" in output
    assert "3" in output
    assert counts() == (3, 3)
    output = run_command(path, "--language", "en")
    assert "can-bo.csv imported: 0 officers added, 0 updated, 3 unchanged." in output


def test_command_prints_the_english_counts_for_new_officers(dien_bien, tmp_path):
    path = tmp_path / "can-bo.xlsx"
    path.write_bytes(xlsx_file(table(people(2))))

    output = run_command(path, "--language", "en")

    assert "can-bo.xlsx imported: 2 officers added, 0 updated, 0 unchanged." in output


def test_command_refuses_a_bad_file_listing_the_problems_and_saves_nothing(dien_bien, tmp_path):
    rows = people(4)
    rows[1]["email"] = "sai@"
    rows[3]["national_id"] = "123"
    path = tmp_path / "can-bo.csv"
    path.write_bytes(csv_file(table(rows)))

    with pytest.raises(CommandError) as error:
        run_command(path)
    text = str(error.value)
    assert "sai@" in text and "123" in text
    assert "Email" in text and "CCCD" in text
    assert counts() == (0, 0)

    with pytest.raises(CommandError) as error:
        run_command(path, "--language", "en")
    lines = str(error.value).splitlines()
    assert lines[0] == "Nothing was imported: the file has 2 problem(s)."
    assert lines[1].startswith("Row 3, column “Email”: ")
    assert lines[2].startswith("Row 5, column “CCCD”: ")
    assert counts() == (0, 0)


def test_command_as_an_hr_user_is_limited_to_their_area(hr_na_sang, tmp_path):
    path = tmp_path / "can-bo.csv"
    path.write_bytes(csv_file(table([person(1, unit_code="03181")])))
    before = counts()

    with pytest.raises(CommandError) as error:
        run_command(path, "--as-user", "hr.nasang", "--language", "en")

    assert "Row 2, column “Mã đơn vị”" in str(error.value)
    assert counts() == before


def test_command_refuses_an_unknown_user_and_a_missing_file(dien_bien, tmp_path):
    path = tmp_path / "can-bo.csv"
    path.write_bytes(csv_file(table(people(1))))

    with pytest.raises(CommandError, match="nobody"):
        run_command(path, "--as-user", "nobody")
    with pytest.raises(CommandError):
        run_command(tmp_path / "khong-co.csv")
    assert counts() == (0, 0)


# --- rules added after review ----------------------------------------------------------------


def test_a_file_without_an_optional_column_leaves_that_field_as_it_was(dien_bien):
    import_officers(csv_file(table(people(2))), "can-bo.csv")
    before = snapshot("canbo.nasang1")

    required = ["username", "full_name", "unit_code"]
    rows = [person(1, full_name="Lò Văn Pánh Mới"), person(2)]
    result = import_officers(csv_file(table(rows, fields=required)), "chi-ten.csv")

    assert result.ok, [str(p) for p in result.problems]
    after = snapshot("canbo.nasang1")
    assert after["full_name"] == "Lò Văn Pánh Mới"
    assert {k: v for k, v in after.items() if k != "full_name"} == {
        k: v for k, v in before.items() if k != "full_name"
    }


def test_hr_cannot_change_an_administrators_account_in_their_area(dien_bien, hr_na_sang):
    from tests.factories import officer_with_role

    admin = officer_with_role(roles.ADMINISTRATOR, "03172", username="quantri.nasang")
    row = person(1, username="quantri.nasang", email="hr-controls-this@example.vn")

    result, problems = english(csv_file(table([row])), "chiem-quyen.csv", user=hr_na_sang)

    assert not result.ok
    assert "only an administrator can change it" in problems[0]
    admin.refresh_from_db()
    admin.user.refresh_from_db()
    assert admin.user.email != "hr-controls-this@example.vn"


def test_a_unit_code_excel_turned_into_a_number_gets_a_hint(dien_bien):
    result, problems = english(csv_file(table([person(1, unit_code="3172")])), "so.csv")
    assert "“3172”" in problems[0]
    assert "format the column as Text" in problems[0]
