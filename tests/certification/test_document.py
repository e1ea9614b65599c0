"""The certificate as a Vietnamese official document to print and frame: the issuing body and
the national motto at the top, the place and date line, the signatory chosen per province by
the Administrator, and no empty band across the page."""

import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from certification import pdf
from certification.models import CertificateIssuer
from units.models import AdministrativeUnit

from .conftest import client_for, complete

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing"),
]


def text_of(certificate, tmp_path):
    path = tmp_path / "certificate.pdf"
    pdf.ensure_signed_pdf(certificate)
    with certificate.pdf.open("rb") as stored:
        path.write_bytes(stored.read())
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def issuer(dien_bien):
    return CertificateIssuer.objects.create(
        province=AdministrativeUnit.objects.current().get(code="11"),
        governing_body="UBND tỉnh Điện Biên",
        issuing_body="Sở Nội vụ",
        place="Điện Biên",
        signatory_title="KT. Giám đốc / Phó Giám đốc",
        signatory_name="Nguyễn Văn An",
    )


def test_the_certificate_states_its_issuer_place_date_and_signatory(
    issuer, holder, course, tmp_path
):
    complete(holder, course)
    certificate = holder.certificates.get()
    text = text_of(certificate, tmp_path)
    issued = timezone.localtime(certificate.issued_at)
    for line in [
        "UBND TỈNH ĐIỆN BIÊN",
        "SỞ NỘI VỤ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập – Tự do – Hạnh phúc",
        "GIẤY CHỨNG NHẬN",
        f"Điện Biên, ngày {issued:%d} tháng {issued:%m} năm {issued:%Y}",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Văn An",
    ]:
        assert line in text, line
    # The heading: the issuer on the left, the motto on the right of the same lines.
    first = next(line for line in text.splitlines() if line.strip())
    assert first.index("UBND TỈNH ĐIỆN BIÊN") < first.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA")


def test_a_certificate_keeps_the_signatory_it_was_issued_with(issuer, holder, course, tmp_path):
    complete(holder, course)
    certificate = holder.certificates.get()
    issuer.signatory_name = "Lường Văn Mới"
    issuer.save()
    text = text_of(certificate, tmp_path)
    assert "Nguyễn Văn An" in text and "Lường Văn Mới" not in text


def test_without_an_issuer_the_platform_issues_and_the_province_is_the_place(
    certificate, settings, tmp_path
):
    text = text_of(certificate, tmp_path)
    issued = timezone.localtime(certificate.issued_at)
    assert settings.WAGTAIL_SITE_NAME.upper() in text
    assert f"Điện Biên, ngày {issued:%d} tháng {issued:%m} năm {issued:%Y}" in text


def test_the_verification_page_names_the_issuer(issuer, holder, course):
    complete(holder, course)
    certificate = holder.certificates.get()
    page = client_for(holder.user).get(reverse("certificate_verify", args=[certificate.code]))
    assert "UBND tỉnh Điện Biên – Sở Nội vụ" in page.content.decode()


def test_the_page_has_no_empty_band(certificate, tmp_path):
    """Text spreads over the page: no gap between two lines of text is more than a sixth of
    the page's height (the old design left a third of it empty)."""
    pdf.ensure_signed_pdf(certificate)
    path = tmp_path / "certificate.pdf"
    with certificate.pdf.open("rb") as stored:
        path.write_bytes(stored.read())
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', html).group(1))
    tops = sorted({round(float(top)) for top in re.findall(r'yMin="([\d.]+)"', html)})
    gaps = [lower - upper for upper, lower in zip(tops, tops[1:], strict=False)]
    assert tops[0] < height * 0.15 and tops[-1] > height * 0.8
    assert max(gaps) < height / 6, (max(gaps), height)


# --- The Administrator edits the issuers in Wagtail ------------------------------------------


def test_the_administrator_sets_a_provinces_issuer_in_the_admin(administrator, dien_bien):
    province = AdministrativeUnit.objects.current().get(code="11")
    client = client_for(administrator)
    add = reverse("wagtailsnippets_certification_certificateissuer:add")
    assert client.get(add).status_code == 200
    response = client.post(
        add,
        {
            "province": province.pk,
            "governing_body": "UBND tỉnh Điện Biên",
            "issuing_body": "Sở Nội vụ",
            "place": "Điện Biên",
            "signatory_title": "Giám đốc",
            "signatory_name": "Nguyễn Văn An",
        },
    )
    assert response.status_code == 302
    assert CertificateIssuer.objects.get().province == province


def test_hr_cannot_change_who_signs(hr_province, issuer):
    client = client_for(hr_province)
    edit = reverse("wagtailsnippets_certification_certificateissuer:edit", args=[issuer.pk])
    response = client.post(edit, {"signatory_name": "Giả Mạo"})
    assert response.status_code in (302, 403)
    issuer.refresh_from_db()
    assert issuer.signatory_name == "Nguyễn Văn An"


def test_a_province_has_one_issuer_and_a_commune_none(administrator, issuer):
    client = client_for(administrator)
    add = reverse("wagtailsnippets_certification_certificateissuer:add")
    data = {
        "issuing_body": "Sở Nội vụ",
        "place": "Điện Biên",
        "signatory_title": "Giám đốc",
        "signatory_name": "Nguyễn Văn An",
    }
    commune = AdministrativeUnit.objects.current().get(code="03172")
    for province in (issuer.province, commune):
        response = client.post(add, {**data, "province": province.pk})
        assert response.status_code == 200  # the form again, with the error
        assert response.context["form"].errors["province"]
    assert CertificateIssuer.objects.count() == 1


def test_dates_on_the_line_are_the_issue_date_in_local_time(issuer, holder, course, tmp_path):
    complete(holder, course)
    certificate = holder.certificates.get()
    # 23:30 UTC is already the next day in Viet Nam (UTC+7).
    certificate.issued_at = timezone.now().replace(hour=23, minute=30) - timedelta(days=1)
    certificate.save()
    local = timezone.localtime(certificate.issued_at)
    assert f"ngày {local:%d} tháng {local:%m}" in text_of(certificate, tmp_path)
