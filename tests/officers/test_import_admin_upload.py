"""The import page in the Wagtail admin: upload, problems table, template download, access."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from officers.models import Officer
from tests.factories import PASSWORD

IMPORT_URL = "/admin/officers/import/"
TEMPLATE_URL = "/admin/officers/import/template.csv"
HEADERS = [
    "Tên đăng nhập",
    "Họ và tên",
    "Mã đơn vị",
    "Vị trí việc làm",
    "Chức danh",
    "Email",
    "Số điện thoại",
    "CCCD",
    "Tài khoản một cửa",
]
GOOD_ROWS = [
    ["lo.van.panh", "Lò Văn Pánh", "03172", "van-thu", "Văn thư", "panh@nasang.vn", "0912345678"],
    ["quang.thi.on", "Quàng Thị Ơn", "03172", "mot-cua", "Chuyên viên", "", "0987654321"],
    ["ca.van.dinh", "Cà Văn Dính", "03172", "", "", "", ""],
]
for number, row in enumerate(GOOD_ROWS, start=1):
    row += [f"01109000{number:04d}", f"tthc.nasang.{number}"]


def csv_upload(rows, name="can-bo.csv"):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS[: len(rows[0])])
    writer.writerows(rows)
    return SimpleUploadedFile(name, ("\ufeff" + buffer.getvalue()).encode(), "text/csv")


def xlsx_upload(rows, name="can-bo.xlsx"):
    workbook = Workbook()
    workbook.active.append(HEADERS[: len(rows[0])])
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def hr_client(client, hr_na_sang):
    assert client.login(username="hr.nasang", password=PASSWORD)
    return client


def test_hr_sees_the_import_form(hr_client):
    response = hr_client.get(IMPORT_URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page
    assert "Tên đăng nhập" in page  # the expected columns are listed
    assert TEMPLATE_URL in page


def test_hr_uploads_a_good_csv_and_lands_on_the_officer_list(hr_client):
    before = Officer.objects.count()

    response = hr_client.post(IMPORT_URL, {"file": csv_upload(GOOD_ROWS)})

    assert response.status_code == 302
    assert response.url == reverse("officer:index")
    assert Officer.objects.count() == before + 3
    panh = Officer.objects.get(user__username="lo.van.panh")
    assert (panh.full_name, panh.unit.code, panh.job_position.code) == (
        "Lò Văn Pánh",
        "03172",
        "van-thu",
    )
    listing = hr_client.get(response.url)
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "Lò Văn Pánh" in page and "Quàng Thị Ơn" in page
    assert "can-bo.csv" in page  # the success message names the file


def test_hr_uploads_a_good_xlsx(hr_client):
    response = hr_client.post(IMPORT_URL, {"file": xlsx_upload(GOOD_ROWS)})

    assert response.status_code == 302
    assert Officer.objects.filter(user__username__in=["lo.van.panh", "ca.van.dinh"]).count() == 2


def test_uploading_the_same_file_twice_adds_nobody_the_second_time(hr_client):
    hr_client.post(IMPORT_URL, {"file": csv_upload(GOOD_ROWS)})
    after_first = Officer.objects.count()

    response = hr_client.post(IMPORT_URL, {"file": csv_upload(GOOD_ROWS)})

    assert response.status_code == 302
    assert Officer.objects.count() == after_first


def test_a_bad_file_shows_the_problems_table_and_saves_nothing(hr_client):
    rows = [list(row) for row in GOOD_ROWS]
    rows[1][7] = "01109000123"  # an 11-digit CCCD on row 3
    before = Officer.objects.count()

    response = hr_client.post(IMPORT_URL, {"file": csv_upload(rows, name="sai.csv")})

    assert response.status_code == 200
    page = response.content.decode()
    assert "data-problems" in page
    assert "<td>3</td>" in page
    assert "<td>CCCD</td>" in page
    assert "01109000123" in page
    assert "sai.csv" in page
    assert 'enctype="multipart/form-data"' in page  # the form is offered again
    assert Officer.objects.count() == before


def test_a_row_for_another_commune_is_shown_as_a_problem_and_nothing_is_saved(hr_client):
    rows = [list(row) for row in GOOD_ROWS]
    rows[2][2] = "03181"  # Xã Mường Tùng, outside Na Sang
    before = Officer.objects.count()

    response = hr_client.post(IMPORT_URL, {"file": csv_upload(rows)})

    assert response.status_code == 200
    page = response.content.decode()
    assert "<td>4</td>" in page
    assert "03181" in page
    assert Officer.objects.count() == before


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "can-bo.xls"),
        (b"PK\x03\x04" + bytes(300), "x.xlsx"),
    ],
    ids=["old-xls", "damaged-xlsx"],
)
def test_an_unreadable_file_is_reported_on_the_page(hr_client, content, name):
    before = Officer.objects.count()

    response = hr_client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 200
    assert "data-problems" in response.content.decode()
    assert Officer.objects.count() == before


def test_a_file_over_the_size_limit_is_refused(hr_client, settings):
    settings.OFFICER_IMPORT_MAX_BYTES = 1024 * 1024
    big = csv_upload([GOOD_ROWS[0]] + [["x" * 30] * 9] * 5_000)
    assert big.size > settings.OFFICER_IMPORT_MAX_BYTES
    before = Officer.objects.count()

    response = hr_client.post(IMPORT_URL, {"file": big})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert Officer.objects.count() == before


def test_posting_without_a_file_shows_the_form_again(hr_client):
    response = hr_client.post(IMPORT_URL, {})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_the_template_download_is_a_utf8_csv_with_vietnamese_headers(hr_client):
    response = hr_client.get(TEMPLATE_URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADERS


def test_the_downloaded_template_can_be_uploaded_as_it_is(hr_client):
    template = hr_client.get(TEMPLATE_URL).content

    response = hr_client.post(
        IMPORT_URL, {"file": SimpleUploadedFile("mau-nhap-can-bo.csv", template)}
    )

    assert response.status_code == 302
    example = Officer.objects.get(user__username="nguyenvana")
    assert (example.full_name, example.unit.code) == ("Nguyễn Văn A", "03172")


@pytest.mark.parametrize("url", [IMPORT_URL, TEMPLATE_URL])
def test_a_learner_never_gets_the_import_page_or_template(client, learner, url):
    assert client.login(username="hocvien.nasang", password=PASSWORD)

    response = client.get(url)

    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "login" in response.url
    assert b"multipart/form-data" not in response.content
    assert "Tên đăng nhập".encode() not in response.content


def test_a_learner_cannot_import_by_posting_a_file(client, learner):
    assert client.login(username="hocvien.nasang", password=PASSWORD)
    before = Officer.objects.count()

    response = client.post(IMPORT_URL, {"file": csv_upload(GOOD_ROWS)})

    assert response.status_code in (302, 403)
    assert Officer.objects.count() == before


def test_a_trainer_is_refused_the_import_page(client, trainer):
    # A trainer may enter the admin (for courses) but not import officers: Wagtail sends
    # them back to the dashboard, or answers 403.
    assert client.login(username="trainer.dienbien", password=PASSWORD)

    response = client.get(IMPORT_URL)

    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response.url != IMPORT_URL
    assert b"multipart/form-data" not in response.content
    response = client.post(IMPORT_URL, {"file": csv_upload(GOOD_ROWS)})
    assert response.status_code in (302, 403)
    assert not Officer.objects.filter(user__username="lo.van.panh").exists()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, dien_bien):
    response = client.get(IMPORT_URL)

    assert response.status_code == 302
    assert "login" in response.url
